package dev.eventflow.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.Launcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The upsert recipes (dedup, running counts) on a real broker: the latest value per key on the
 * output topic (read_committed, as a compacted topic would keep it) equals a ground truth computed
 * here; and the dedup recipe keeps exactly the copies the DataStream {@code dedup} job keeps.
 */
class StatefulRecipesITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** The table an upsert topic stands for: the last value per key; a null value deletes. */
    private static Map<String, JsonNode> latestPerKey(
            List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, JsonNode> table = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) table.remove(key);
            else table.put(key, SqlTestSupport.json(r));
        }
        return table;
    }

    private static String iso(long millis) {
        return Instant.ofEpochMilli(millis)
                .toString()
                .replace("Z", "")
                .concat(millis % 1000 == 0 ? ".000Z" : "Z");
    }

    @Test
    void dedupKeepsTheEarliestCopyOfEveryEvent() throws Exception {
        String input = KAFKA.uniqueTopic("user-events", 2);
        String out = KAFKA.uniqueTopic("deduplicated", 2);
        List<SqlTestSupport.Event> events = SqlTestSupport.seeded(17, 400, 10, 20);
        List<SqlTestSupport.Event> withDuplicates = new ArrayList<>(events);
        // Every 4th event is sent again, 30 s later in event time (a producer retry with a new
        // timestamp).
        for (int i = 0; i < events.size(); i += 4) {
            SqlTestSupport.Event e = events.get(i);
            withDuplicates.add(
                    new SqlTestSupport.Event(
                            e.id, e.user, e.session, e.type, e.time + 30_000, e.amount));
        }
        SqlTestSupport.produce(KAFKA, input, withDuplicates, 2);
        SqlTestSupport.runBounded(
                "recipes/dedup.sql",
                Map.of(
                        "BOOTSTRAP_SERVERS",
                        KAFKA.bootstrapServers(),
                        "INPUT_TOPIC",
                        input,
                        "OUTPUT_TOPIC",
                        out,
                        "TRANSACTIONAL_ID_PREFIX",
                        "sql-dedup-" + input));

        Map<String, JsonNode> table = latestPerKey(KAFKA.client().readCommitted(out, WAIT));
        assertThat(table).hasSize(events.size());
        for (SqlTestSupport.Event e : events) {
            JsonNode row = table.get(e.id);
            assertThat(row).as(e.id).isNotNull();
            assertThat(row.get("user_id").asText()).isEqualTo(e.user);
            assertThat(row.get("event_time").asText()).as(e.id).isEqualTo(iso(e.time));
        }
    }

    /**
     * Differential: the dedup recipe and the DataStream {@code dedup} job, on the same input, keep
     * the same events. Copies are produced the way a retrying producer sends them (same partition,
     * after the original, within the horizon), where "earliest event time" (the recipe) and "first
     * arrival" (the job) name the same copy.
     */
    @Test
    void dedupRecipeAndTheDedupJobKeepTheSameCopies() throws Exception {
        String input = KAFKA.uniqueTopic("user-events", 2);
        List<SqlTestSupport.Event> events = SqlTestSupport.seeded(29, 400, 10, 20);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            SqlTestSupport.Event e = events.get(i);
            records.add(record(input, i % 2, e, i % 3 == 0));
        }
        for (int i = 0; i < events.size(); i += 3) {
            SqlTestSupport.Event e = events.get(i);
            SqlTestSupport.Event copy =
                    new SqlTestSupport.Event(
                            e.id, e.user, e.session, e.type, e.time + 30_000, e.amount);
            records.add(record(input, i % 2, copy, false));
        }
        KAFKA.client().produce(input, records);

        String sqlOut = KAFKA.uniqueTopic("deduplicated-sql", 2);
        SqlTestSupport.runBounded(
                "recipes/dedup.sql",
                Map.of(
                        "BOOTSTRAP_SERVERS",
                        KAFKA.bootstrapServers(),
                        "INPUT_TOPIC",
                        input,
                        "OUTPUT_TOPIC",
                        sqlOut,
                        "TRANSACTIONAL_ID_PREFIX",
                        "sql-dedup-" + sqlOut));
        String jobOut = KAFKA.uniqueTopic("deduplicated-job", 2);
        int code =
                Launcher.run(
                        new String[] {
                            "dedup",
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--input-topic",
                            input,
                            "--output-topic",
                            jobOut,
                            "--dlq-topic",
                            KAFKA.uniqueTopic("dlq", 1),
                            "--bounded",
                            "--starting-offsets",
                            "earliest",
                            "--group-id",
                            "diff-" + jobOut,
                            "--transactional-id-prefix",
                            "diff-" + jobOut,
                            "--checkpoint-interval",
                            "300ms",
                            "--state-backend",
                            "hashmap",
                            "--parallelism",
                            "2"
                        },
                        System.out,
                        System.err);
        assertThat(code).isZero();

        Map<String, String> fromSql = new HashMap<>();
        latestPerKey(KAFKA.client().readCommitted(sqlOut, WAIT))
                .forEach((id, row) -> fromSql.put(id, kept(row)));
        Map<String, String> fromJob = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KAFKA.client().readCommitted(jobOut, WAIT)) {
            JsonNode row = SqlTestSupport.json(r);
            String previous = fromJob.put(row.get("event_id").asText(), kept(row));
            assertThat(previous).as("the job emits every event_id once").isNull();
        }
        Map<String, String> expected = new HashMap<>();
        for (SqlTestSupport.Event e : events)
            expected.put(e.id, e.user + "|" + Instant.ofEpochMilli(e.time).toEpochMilli());
        assertThat(fromSql).isEqualTo(expected);
        assertThat(fromJob).isEqualTo(fromSql);
    }

    private static ProducerRecord<byte[], byte[]> record(
            String topic, int partition, SqlTestSupport.Event e, boolean epochMillis) {
        return new ProducerRecord<>(
                topic, partition, e.user.getBytes(StandardCharsets.UTF_8), e.json(epochMillis));
    }

    /** "user|event time in millis" of a kept copy, whatever ISO-8601 spelling the writer chose. */
    private static String kept(JsonNode row) {
        return row.get("user_id").asText()
                + "|"
                + Instant.parse(row.get("event_time").asText()).toEpochMilli();
    }

    @Test
    void runningCountsEqualACountPerUser() throws Exception {
        String input = KAFKA.uniqueTopic("user-events", 3);
        String out = KAFKA.uniqueTopic("running-counts", 3);
        List<SqlTestSupport.Event> events = SqlTestSupport.seeded(23, 600, 12, 30);
        SqlTestSupport.produce(KAFKA, input, events, 3);
        SqlTestSupport.runBounded(
                "recipes/running-counts.sql",
                Map.of(
                        "BOOTSTRAP_SERVERS",
                        KAFKA.bootstrapServers(),
                        "INPUT_TOPIC",
                        input,
                        "OUTPUT_TOPIC",
                        out,
                        "TRANSACTIONAL_ID_PREFIX",
                        "sql-counts-" + input));

        Map<String, JsonNode> table = latestPerKey(KAFKA.client().readCommitted(out, WAIT));
        Map<String, List<SqlTestSupport.Event>> byUser =
                events.stream().collect(Collectors.groupingBy(e -> e.user));
        assertThat(table.keySet()).isEqualTo(byUser.keySet());
        Map<String, Long> counts = new HashMap<>();
        byUser.forEach(
                (user, list) -> {
                    JsonNode row = table.get(user);
                    counts.put(user, row.get("count").asLong());
                    assertThat(row.get("count").asLong()).as(user).isEqualTo(list.size());
                    long first = list.stream().mapToLong(e -> e.time).min().orElseThrow();
                    long last =
                            list.stream()
                                    .max(Comparator.comparingLong(e -> e.time))
                                    .orElseThrow()
                                    .time;
                    assertThat(row.get("first_seen").asText()).as(user).isEqualTo(iso(first));
                    assertThat(row.get("last_seen").asText()).as(user).isEqualTo(iso(last));
                    assertThat(row.get("status").asText()).isEqualTo("active");
                });
        assertThat(counts.values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(events.size());
    }
}
