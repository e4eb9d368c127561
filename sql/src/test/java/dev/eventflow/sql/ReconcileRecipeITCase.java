package dev.eventflow.sql;

import static dev.eventflow.sql.SqlTestSupport.MINUTE;
import static dev.eventflow.sql.SqlTestSupport.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code reconcile-exact.sql} in BATCH mode on a real broker: it reads exactly the records stamped
 * in [FROM, TO) (per partition, by Kafka timestamp), writes only the windows lying inside the
 * range, and its exact fields and {@code exact_sessions} equal a ground truth computed here from
 * the same records (a set of sessions per window).
 */
class ReconcileRecipeITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final long SIZE = 5 * MINUTE;
    private static final long SLIDE = MINUTE;
    private static final long FROM = T0 + 6 * MINUTE;
    private static final long TO = T0 + 26 * MINUTE;

    /** Per-window truth: events, purchases, amounts, sessions. */
    private static final class Truth {
        long events;
        long purchases;
        final List<Double> amounts = new ArrayList<>();
        final Set<String> sessions = new HashSet<>();
    }

    private static Map<String, Truth> truth(List<SqlTestSupport.Event> read) {
        Map<String, Truth> rows = new TreeMap<>();
        for (SqlTestSupport.Event e : read) {
            for (long start = Math.floorDiv(e.time, SLIDE) * SLIDE;
                    start > e.time - SIZE;
                    start -= SLIDE) {
                if (start < FROM || start + SIZE > TO) continue; // cut by an edge of the range
                String key =
                        e.user
                                + "|"
                                + Instant.ofEpochMilli(start)
                                + "|"
                                + Instant.ofEpochMilli(start + SIZE);
                Truth t = rows.computeIfAbsent(key, k -> new Truth());
                t.events++;
                if (e.type.equals("purchase")) t.purchases++;
                if (e.amount != null) t.amounts.add(e.amount);
                t.sessions.add(e.session);
            }
        }
        return rows;
    }

    @Test
    void exactPathReadsTheRangeAndCountsDistinctSessionsExactly() throws Exception {
        String input = KAFKA.uniqueTopic("user-events", 3);
        String out = KAFKA.uniqueTopic("exact-windows", 2);
        int count = 900;
        int minutes = 32;
        List<SqlTestSupport.Event> events = SqlTestSupport.seeded(11, count, 6, minutes);
        // Each record stamped with its arrival clock (monotonic per partition); event times lag
        // it by up to 2 minutes, so the range by stamp and the windows by event time differ.
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<SqlTestSupport.Event> read = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SqlTestSupport.Event e = events.get(i);
            long stamp = T0 + minutes * MINUTE * i / count;
            if (stamp >= FROM && stamp < TO) read.add(e);
            records.add(
                    new ProducerRecord<>(
                            input,
                            i % 3,
                            stamp,
                            e.user.getBytes(StandardCharsets.UTF_8),
                            e.json(i % 2 == 1)));
        }
        for (String m : SqlTestSupport.MALFORMED)
            records.add(
                    new ProducerRecord<>(
                            input, 0, FROM + MINUTE, null, m.getBytes(StandardCharsets.UTF_8)));
        KAFKA.client().produce(input, records);
        assertThat(read).hasSizeBetween(count / 2, count - 100);

        SqlTestSupport.runBounded(
                "recipes/reconcile-exact.sql",
                Map.of(
                        "BOOTSTRAP_SERVERS",
                        KAFKA.bootstrapServers(),
                        "INPUT_TOPIC",
                        input,
                        "OUTPUT_TOPIC",
                        out,
                        "FROM",
                        Instant.ofEpochMilli(FROM).toString(),
                        "TO",
                        Long.toString(TO),
                        "TRANSACTIONAL_ID_PREFIX",
                        "sql-exact-" + out));

        Map<String, JsonNode> rows = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KAFKA.client().readCommitted(out, Duration.ofSeconds(60))) {
            JsonNode n = SqlTestSupport.json(r);
            assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo(n.get("user_id").asText());
            String key =
                    n.get("user_id").asText()
                            + "|"
                            + n.get("window_start").asText()
                            + "|"
                            + n.get("window_end").asText();
            assertThat(rows.put(key, n)).as("duplicate row " + key).isNull();
        }
        Map<String, Truth> want = truth(read);
        // The range matters: over all the records, the same windows would hold more events.
        Map<String, Truth> all = truth(events);
        assertThat(all.values().stream().mapToLong(t -> t.events).sum())
                .isGreaterThan(want.values().stream().mapToLong(t -> t.events).sum());
        assertThat(rows.keySet()).isEqualTo(want.keySet());
        // 15 window starts in [FROM, TO - SIZE], 6 users.
        assertThat(rows).hasSizeGreaterThan(60);
        int sessionsAboveOne = 0;
        for (Map.Entry<String, Truth> e : want.entrySet()) {
            JsonNode got = rows.get(e.getKey());
            Truth t = e.getValue();
            String k = e.getKey();
            assertThat(got.get("events").asLong()).as(k).isEqualTo(t.events);
            assertThat(got.get("purchases").asLong()).as(k).isEqualTo(t.purchases);
            assertThat(got.get("exact_sessions").asLong()).as(k).isEqualTo(t.sessions.size());
            // Small cardinalities: the sketch is exact too.
            assertThat(got.get("approx_sessions").asLong()).as(k).isEqualTo(t.sessions.size());
            if (t.sessions.size() > 1) sessionsAboveOne++;
            if (t.amounts.isEmpty()) {
                for (String f :
                        new String[] {"sum_amount", "avg_amount", "min_amount", "max_amount"})
                    assertThat(got.get(f).isNull()).as(k + " " + f).isTrue();
            } else {
                double sum = t.amounts.stream().mapToDouble(Double::doubleValue).sum();
                assertThat(got.get("sum_amount").asDouble()).as(k).isCloseTo(sum, within(1e-6));
                assertThat(got.get("avg_amount").asDouble())
                        .as(k)
                        .isCloseTo(sum / t.amounts.size(), within(1e-6));
                assertThat(got.get("min_amount").asDouble())
                        .as(k)
                        .isEqualTo(
                                t.amounts.stream()
                                        .mapToDouble(Double::doubleValue)
                                        .min()
                                        .getAsDouble());
                assertThat(got.get("max_amount").asDouble())
                        .as(k)
                        .isEqualTo(
                                t.amounts.stream()
                                        .mapToDouble(Double::doubleValue)
                                        .max()
                                        .getAsDouble());
            }
        }
        assertThat(sessionsAboveOne).isGreaterThan(rows.size() / 2);
    }
}
