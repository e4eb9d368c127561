package dev.eventflow.sql;

import static dev.eventflow.sql.SqlTestSupport.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.windowagg.WindowAggregationJob;
import dev.eventflow.jobs.windowagg.WindowAggregationOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The window recipes on a real Kafka broker: their rows equal a ground truth computed here, and
 * (differential) equal, field by field, what the DataStream {@code window-aggregation} job writes
 * for the same input, HLL estimates included.
 */
class WindowRecipesITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Exact per-(user, window) truth for sliding windows of {@code size} by {@code slide}. */
    private static Map<String, long[]> groundTruth(
            List<SqlTestSupport.Event> events,
            long size,
            long slide,
            Map<String, Set<String>> sessions) {
        Map<String, long[]> rows = new TreeMap<>();
        for (SqlTestSupport.Event e : events) {
            for (long start = Math.floorDiv(e.time, slide) * slide;
                    start > e.time - size;
                    start -= slide) {
                String key =
                        e.user
                                + "|"
                                + Instant.ofEpochMilli(start)
                                + "|"
                                + Instant.ofEpochMilli(start + size);
                long[] row = rows.computeIfAbsent(key, k -> new long[3]);
                row[0]++;
                if (e.type.equals("purchase")) row[1]++;
                if (e.amount != null) row[2] += Math.round(e.amount * 100);
                sessions.computeIfAbsent(key, k -> new HashSet<>()).add(e.session);
            }
        }
        return rows;
    }

    private static Map<String, JsonNode> byWindow(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, JsonNode> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode n = SqlTestSupport.json(r);
            assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo(n.get("user_id").asText());
            String key =
                    n.get("user_id").asText()
                            + "|"
                            + n.get("window_start").asText()
                            + "|"
                            + n.get("window_end").asText();
            assertThat(out.put(key, n)).as("duplicate row " + key).isNull();
        }
        return out;
    }

    private static void assertEqualsGroundTruth(
            Map<String, JsonNode> rows, List<SqlTestSupport.Event> events, long size, long slide) {
        Map<String, Set<String>> sessions = new TreeMap<>();
        Map<String, long[]> truth = groundTruth(events, size, slide, sessions);
        assertThat(rows.keySet()).isEqualTo(truth.keySet());
        truth.forEach(
                (key, want) -> {
                    JsonNode got = rows.get(key);
                    assertThat(got.get("events").asLong()).as(key).isEqualTo(want[0]);
                    assertThat(got.get("purchases").asLong()).as(key).isEqualTo(want[1]);
                    long cents =
                            got.get("sum_amount").isNull()
                                    ? 0
                                    : Math.round(got.get("sum_amount").asDouble() * 100);
                    assertThat(cents).as(key).isEqualTo(want[2]);
                    // Small cardinalities: the sketch is exact.
                    assertThat(got.get("approx_sessions").asLong())
                            .as(key)
                            .isEqualTo(sessions.get(key).size());
                });
    }

    @Test
    void hopRecipeEqualsGroundTruthAndTheDataStreamJob() throws Exception {
        String input = KAFKA.uniqueTopic("user-events", 3);
        String sqlOut = KAFKA.uniqueTopic("sql-windows", 3);
        String jobOut = KAFKA.uniqueTopic("job-windows", 3);
        List<SqlTestSupport.Event> events = SqlTestSupport.seeded(5, 1_500, 15, 40);
        SqlTestSupport.produce(KAFKA, input, events, 3);

        SqlTestSupport.runBounded(
                "recipes/window-aggregation-hop.sql",
                Map.of(
                        "BOOTSTRAP_SERVERS",
                        KAFKA.bootstrapServers(),
                        "INPUT_TOPIC",
                        input,
                        "OUTPUT_TOPIC",
                        sqlOut,
                        "TRANSACTIONAL_ID_PREFIX",
                        "sql-hop-" + input));
        Map<String, JsonNode> sql = byWindow(KAFKA.client().readCommitted(sqlOut, WAIT));
        assertEqualsGroundTruth(sql, events, 5 * MINUTE, MINUTE);

        // The DataStream job on the same input.
        String late = KAFKA.uniqueTopic("late", 1);
        String dlq = KAFKA.uniqueTopic("dlq", 1);
        ParsedOptions o =
                WindowAggregationOptions.optionSet()
                        .parse(
                                "--bootstrap-servers",
                                KAFKA.bootstrapServers(),
                                "--input-topic",
                                input,
                                "--output-topic",
                                jobOut,
                                "--late-topic",
                                late,
                                "--dlq-topic",
                                dlq,
                                "--bounded",
                                "--starting-offsets",
                                "earliest",
                                "--checkpoint-interval",
                                "300ms",
                                "--state-backend",
                                "hashmap",
                                "--transactional-id-prefix",
                                "job-" + input);
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, WindowAggregationJob.NAME, RuntimeExecutionMode.STREAMING);
        WindowAggregationJob.buildPipeline(env, o, UnaryOperator.identity());
        env.execute();
        Map<String, JsonNode> job = byWindow(KAFKA.client().readCommitted(jobOut, WAIT));

        assertThat(sql.keySet()).isEqualTo(job.keySet());
        for (String key : job.keySet()) {
            JsonNode a = sql.get(key);
            JsonNode b = job.get(key);
            for (String f : List.of("events", "approx_sessions", "purchases")) {
                assertThat(a.get(f).asLong()).as(key + " " + f).isEqualTo(b.get(f).asLong());
            }
            for (String f : List.of("sum_amount", "avg_amount", "min_amount", "max_amount")) {
                assertThat(a.get(f).isNull())
                        .as(key + " " + f + " null")
                        .isEqualTo(b.get(f).isNull());
                if (!a.get(f).isNull()) {
                    assertThat(a.get(f).asDouble())
                            .as(key + " " + f)
                            .isCloseTo(
                                    b.get(f).asDouble(), org.assertj.core.data.Offset.offset(1e-6));
                }
            }
        }
        // Malformed records were dropped by SQL and dead-lettered by the job.
        assertThat(KAFKA.client().readCommitted(dlq, WAIT))
                .hasSize(SqlTestSupport.MALFORMED.length);
    }

    @Test
    void tumbleRecipeEqualsGroundTruth() throws Exception {
        String input = KAFKA.uniqueTopic("user-events", 2);
        String out = KAFKA.uniqueTopic("sql-tumble", 2);
        List<SqlTestSupport.Event> events = SqlTestSupport.seeded(9, 800, 8, 30);
        SqlTestSupport.produce(KAFKA, input, events, 2);
        SqlTestSupport.runBounded(
                "recipes/window-aggregation-tumble.sql",
                Map.of(
                        "BOOTSTRAP_SERVERS",
                        KAFKA.bootstrapServers(),
                        "INPUT_TOPIC",
                        input,
                        "OUTPUT_TOPIC",
                        out,
                        "WINDOW_SIZE",
                        "10m",
                        "TRANSACTIONAL_ID_PREFIX",
                        "sql-tumble-" + input));
        Map<String, JsonNode> rows = byWindow(KAFKA.client().readCommitted(out, WAIT));
        assertEqualsGroundTruth(rows, events, 10 * MINUTE, 10 * MINUTE);
        assertThat(rows.values().stream().mapToLong(n -> n.get("events").asLong()).sum())
                .isEqualTo(events.size());
    }

    @Test
    void aMissingTopicFailsAtStartWithItsName() throws Exception {
        String input = KAFKA.uniqueTopic("user-events", 1);
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code =
                SqlRunner.run(
                        new String[] {
                            "recipes/window-aggregation-hop.sql",
                            "--var",
                            "BOOTSTRAP_SERVERS=" + KAFKA.bootstrapServers(),
                            "--var",
                            "INPUT_TOPIC=" + input,
                            "--var",
                            "OUTPUT_TOPIC=no-such-output",
                            "--bounded"
                        },
                        System.out,
                        new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("topic(s) [no-such-output] do not exist");
    }
}
