package dev.eventflow.sql;

import static dev.eventflow.sql.SqlTestSupport.MINUTE;
import static dev.eventflow.sql.SqlTestSupport.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.joins.JoinsJob;
import dev.eventflow.jobs.joins.JoinsOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
 * A tombstone takes effect at its own timestamp, not retroactively. And, differentially, where its
 * semantics and the {@code joins --mode enrich} job's coincide, the same rows as the job.
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

    /**
     * Where the semantics coincide: every profile stamped before every event, and loaded by the job
     * (observed with probe events) before the events are produced. Then "latest profile when
     * processed" (the job) and "profile valid at the event's time" (the recipe) are the same
     * profile, and the two write the same enriched rows.
     */
    @Test
    void recipeAndEnrichJobAgreeWhenProfilesPrecedeTheEvents() throws Exception {
        String input = KAFKA.uniqueTopic("user-events", 2);
        String profiles =
                KAFKA.uniqueTopic("user-profiles", 1, Map.of("cleanup.policy", "compact"));
        String sqlOut = KAFKA.uniqueTopic("enriched-sql", 2);
        String jobOut = KAFKA.uniqueTopic("enriched-job", 2);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, String> countries = new HashMap<>();
        for (int u = 0; u < 5; u++) {
            String user = "user-" + u;
            countries.put(user, u % 2 == 0 ? "FR" : "DE");
            String value =
                    String.format(
                            "{\"user_id\":\"%s\",\"country\":\"%s\",\"segment\":\"s%d\"}",
                            user, countries.get(user), u);
            records.add(
                    new ProducerRecord<>(
                            profiles,
                            0,
                            T0 - 60 * MINUTE,
                            user.getBytes(StandardCharsets.UTF_8),
                            value.getBytes(StandardCharsets.UTF_8)));
        }
        KAFKA.client().produce(profiles, records);

        ParsedOptions o =
                JoinsOptions.optionSet()
                        .parse(
                                "--mode",
                                "enrich",
                                "--bootstrap-servers",
                                KAFKA.bootstrapServers(),
                                "--input-topic",
                                input,
                                "--profiles-topic",
                                profiles,
                                "--output-topic",
                                jobOut,
                                "--dlq-topic",
                                KAFKA.uniqueTopic("dlq", 1),
                                "--starting-offsets",
                                "earliest",
                                "--group-id",
                                "diff-" + jobOut,
                                "--transactional-id-prefix",
                                "diff-" + jobOut,
                                "--checkpoint-interval",
                                "300ms",
                                "--parallelism",
                                "2",
                                "--state-backend",
                                "hashmap");
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, JoinsJob.NAME, RuntimeExecutionMode.STREAMING);
        new JoinsJob().buildPipeline(env, o);
        JobClient job = env.executeAsync(JoinsJob.NAME);
        List<SqlTestSupport.Event> events = SqlTestSupport.seeded(17, 300, 7, 15);
        try {
            // Probes (event time between the profiles and the events) until the job shows each
            // user's profile: from then on it has them all loaded.
            int probes = 0;
            for (String user : countries.keySet()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (true) {
                    String id = "probe-" + (++probes);
                    SqlTestSupport.Event probe =
                            new SqlTestSupport.Event(
                                    id, user, "probe", "page_view", T0 - 30 * MINUTE, null);
                    KAFKA.client()
                            .produce(
                                    input,
                                    List.of(
                                            new ProducerRecord<>(
                                                    input,
                                                    probes % 2,
                                                    user.getBytes(StandardCharsets.UTF_8),
                                                    probe.json(false))));
                    JsonNode row =
                            byEventId(
                                            KAFKA.client()
                                                    .awaitRecords(
                                                            jobOut,
                                                            rs -> byEventId(rs).containsKey(id),
                                                            Duration.ofSeconds(60)))
                                    .get(id);
                    if (row.get("profile_found").asBoolean()) break;
                    assertThat(System.nanoTime() - deadline)
                            .as("the job never loaded the profile of " + user)
                            .isNegative();
                }
            }
            SqlTestSupport.produce(KAFKA, input, events, 2);
            KAFKA.client()
                    .awaitRecords(
                            jobOut,
                            rs -> byEventId(rs).keySet().containsAll(ids(events)),
                            Duration.ofSeconds(60));
        } finally {
            job.cancel().get();
        }
        Map<String, JsonNode> fromJob =
                byEventId(KAFKA.client().readCommitted(jobOut, Duration.ofSeconds(60)));

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
                        sqlOut,
                        "TRANSACTIONAL_ID_PREFIX",
                        "sql-enrich-" + sqlOut));
        Map<String, JsonNode> fromSql =
                byEventId(KAFKA.client().readCommitted(sqlOut, Duration.ofSeconds(60)));

        int withProfile = 0;
        for (String id : ids(events)) {
            assertThat(fromSql).containsKey(id);
            assertThat(canonical(fromSql.get(id))).as(id).isEqualTo(canonical(fromJob.get(id)));
            if (fromSql.get(id).get("profile_found").asBoolean()) withProfile++;
        }
        // user-5 and user-6 have no profile: both outcomes are compared.
        assertThat(withProfile).isGreaterThan(0).isLessThan(events.size());
    }

    private static List<String> ids(List<SqlTestSupport.Event> events) {
        return events.stream().map(e -> e.id).toList();
    }

    private static Map<String, JsonNode> byEventId(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, JsonNode> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode n = SqlTestSupport.json(r);
            assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo(n.get("user_id").asText());
            assertThat(out.put(n.get("event_id").asText(), n)).as("duplicate " + n).isNull();
        }
        return out;
    }

    /** The fields of an enriched row; a missing amount (the job) and a null one (SQL) alike. */
    private static String canonical(JsonNode n) {
        StringBuilder sb = new StringBuilder();
        for (String f :
                new String[] {
                    "event_id",
                    "user_id",
                    "session_id",
                    "event_type",
                    "event_time",
                    "amount",
                    "profile_found",
                    "country",
                    "segment"
                }) {
            sb.append(f).append('=').append(text(n, f)).append(' ');
        }
        return sb.toString();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
