package dev.eventflow.sql;

import static dev.eventflow.sql.SqlTestSupport.MINUTE;
import static dev.eventflow.sql.SqlTestSupport.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code enrich-profiles.sql} on a real broker: every valid event comes out once, with the profile
 * version its user had at the event's time (by the profile records' Kafka timestamps), computed
 * here from the same profile log: initial profiles, an update, a tombstone and a late-created
 * profile mid-range, and a user who never has a valid one (only records the job would dead-letter).
 * A tombstone takes effect at its own timestamp, not retroactively.
 */
class EnrichRecipeITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    /** One record of the profiles topic; {@code country == null && segment == null} = tombstone. */
    private record Version(
            String user, long stamp, String country, String segment, boolean delete) {}

    private static final long CHANGE = T0 + 10 * MINUTE + 7;

    @Test
    void eachEventGetsTheProfileVersionValidAtItsTime() throws Exception {
        String input = KAFKA.uniqueTopic("user-events", 2);
        String profiles =
                KAFKA.uniqueTopic("user-profiles", 1, Map.of("cleanup.policy", "compact"));
        String out = KAFKA.uniqueTopic("enriched", 2);

        List<Version> log = new ArrayList<>();
        for (int u = 0; u < 6; u++)
            log.add(
                    new Version(
                            "user-" + u, T0 - 60 * MINUTE, u % 2 == 0 ? "FR" : "DE", "new", false));
        log.add(new Version("user-0", CHANGE, "FR", "premium", false)); // update
        log.add(new Version("user-1", CHANGE, null, null, true)); // tombstone
        log.add(new Version("user-6", CHANGE, "IT", null, false)); // created mid-range, no segment
        // user-7 never has a profile.
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Version v : log) {
            byte[] value =
                    v.delete()
                            ? null
                            : String.format(
                                            "{\"user_id\":\"%s\",\"country\":\"%s\"%s}",
                                            v.user(),
                                            v.country(),
                                            v.segment() == null
                                                    ? ""
                                                    : ",\"segment\":\"" + v.segment() + "\"")
                                    .getBytes(StandardCharsets.UTF_8);
            records.add(
                    new ProducerRecord<>(
                            profiles,
                            0,
                            v.stamp(),
                            v.user().getBytes(StandardCharsets.UTF_8),
                            value));
        }
        // Profiles the job dead-letters, dropped here too: user-7 must stay without a profile.
        for (String bad :
                new String[] {"{\"user_id\":\"user-9\",\"country\":\"XX\"}", "[]", "not json"})
            records.add(
                    new ProducerRecord<>(
                            profiles,
                            0,
                            T0 - 30 * MINUTE,
                            "user-7".getBytes(StandardCharsets.UTF_8),
                            bad.getBytes(StandardCharsets.UTF_8)));
        KAFKA.client().produce(profiles, records);

        List<SqlTestSupport.Event> events = SqlTestSupport.seeded(13, 500, 8, 20);
        SqlTestSupport.produce(KAFKA, input, events, 2);

        SqlTestSupport.runBounded(
                "recipes/enrich-profiles.sql",
                Map.of(
                        "BOOTSTRAP_SERVERS",
                        KAFKA.bootstrapServers(),
                        "INPUT_TOPIC",
                        input,
                        "PROFILES_TOPIC",
                        profiles,
                        "OUTPUT_TOPIC",
                        out,
                        "TRANSACTIONAL_ID_PREFIX",
                        "sql-enrich-" + out));

        Map<String, JsonNode> got = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KAFKA.client().readCommitted(out, Duration.ofSeconds(60))) {
            JsonNode n = SqlTestSupport.json(r);
            assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo(n.get("user_id").asText());
            assertThat(got.put(n.get("event_id").asText(), n))
                    .as("event emitted twice: " + n)
                    .isNull();
        }
        assertThat(got).hasSize(events.size()); // malformed records dropped, every valid one out

        Map<String, Integer> outcomes = new HashMap<>();
        Map<String, Integer> mismatches = new java.util.TreeMap<>();
        for (SqlTestSupport.Event e : events) {
            JsonNode n = got.get(e.id);
            assertThat(n).as(e.id).isNotNull();
            // The event itself, event_time spelled as the joins job spells it.
            assertThat(n.get("user_id").asText()).isEqualTo(e.user);
            assertThat(n.get("session_id").asText()).isEqualTo(e.session);
            assertThat(n.get("event_type").asText()).isEqualTo(e.type);
            assertThat(n.get("event_time").asText())
                    .isEqualTo(Instant.ofEpochMilli(e.time).toString());
            if (e.amount == null) assertThat(n.get("amount").isNull()).isTrue();
            else assertThat(n.get("amount").asDouble()).isEqualTo(e.amount);
            // Ground truth: the latest version of the user's profile stamped at or before the
            // event's time; none if there is none, or it is a tombstone.
            Version valid = null;
            for (Version v : log) {
                if (v.user().equals(e.user)
                        && v.stamp() <= e.time
                        && (valid == null || v.stamp() >= valid.stamp())) valid = v;
            }
            boolean found = valid != null && !valid.delete();
            String when = e.user + (e.time >= CHANGE ? " after" : " before");
            String want = found ? "found " + valid.country() + "/" + valid.segment() : "no profile";
            String gotProfile =
                    n.get("profile_found").asBoolean()
                            ? "found " + text(n, "country") + "/" + text(n, "segment")
                            : "no profile" + (text(n, "country") == null ? "" : " but a country");
            if (!want.equals(gotProfile))
                mismatches.merge(when + ": want " + want + ", got " + gotProfile, 1, Integer::sum);
            outcomes.merge(when + (found ? "" : " none"), 1, Integer::sum);
        }
        assertThat(mismatches).as("events enriched with the wrong profile version").isEmpty();
        // Every case of the profile log was exercised: user-0 v1 then v2, user-1 found then
        // deleted, user-6 none then found, user-7 never.
        assertThat(outcomes)
                .containsKeys(
                        "user-0 before",
                        "user-0 after",
                        "user-1 before",
                        "user-1 after none",
                        "user-6 before none",
                        "user-6 after",
                        "user-7 before none",
                        "user-7 after none");
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
