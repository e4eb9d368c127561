package dev.eventflow.jobs.dedup;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.GuaranteeLedger;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.InjectedFault;
import dev.eventflow.jobs.TaskManagerLoss;
import dev.eventflow.jobs.TestEvents;
import dev.eventflow.jobs.windowagg.FailOnce;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code dedup} end to end on a real Kafka broker and a Flink MiniCluster, wired by the job's own
 * {@code buildPipeline}: producer-retry style duplicates (the same event twice, possibly on another
 * partition) go in, every event_id comes out exactly once on the OUTPUT topic read with {@code
 * isolation.level=read_committed}, across a failure and restart from a checkpoint.
 *
 * <p>Every copy is within the horizon by construction: each partition is in event-time order and a
 * copy has its original's event time, so when a copy is read the watermark is still below {@code
 * event_time - delay}, far from {@code event_time + horizon}.
 */
class DedupITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = TaskManagerLoss.cluster();

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int PARTITIONS = 3;

    private String input;
    private String output;
    private String dlq;

    @BeforeEach
    void topics() {
        input = KAFKA.uniqueTopic("user-events", PARTITIONS);
        output = KAFKA.uniqueTopic("deduplicated-events", PARTITIONS);
        dlq = KAFKA.uniqueTopic("user-events-dlq", 1);
        FailOnce.reset();
    }

    @AfterEach
    void disarm() {
        FailOnce.reset();
    }

    private ParsedOptions options() {
        return DedupOptions.optionSet()
                .parse(
                        KAFKA.jobArgs(input)
                                .with("--input-topic", input)
                                .with("--output-topic", output)
                                .with("--dlq-topic", dlq)
                                .with("--parallelism", 2)
                                .with("--watermark-delay", "1m")
                                .with("--idleness", "0s")
                                .with("--state-backend", "rocksdb")
                                .toArray());
    }

    private static JobClient start(ParsedOptions o, UnaryOperator<DataStream<UserEvent>> hook)
            throws Exception {
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, DedupJob.NAME, RuntimeExecutionMode.STREAMING);
        DedupJob.buildPipeline(env, o, hook);
        return env.executeAsync(DedupJob.NAME);
    }

    /**
     * {@code count} events over 10 minutes from {@code from}, plus a copy of about one in four (the
     * same JSON, on a random partition), plus one event at {@code from + 12m} on every partition;
     * produced so that each partition is in event-time order. Returns the distinct events.
     */
    private List<UserEvent> producePhase(SplittableRandom r, long seed, int count, long from) {
        List<UserEvent> distinct = new ArrayList<>();
        for (UserEvent e : TestEvents.seeded(seed, count, 20, 10, 0)) {
            e.eventTime += from - TestEvents.T0;
            distinct.add(e);
        }
        List<Map.Entry<Integer, UserEvent>> records = new ArrayList<>();
        for (UserEvent e : distinct) {
            records.add(Map.entry(r.nextInt(PARTITIONS), e));
            if (r.nextInt(4) == 0) records.add(Map.entry(r.nextInt(PARTITIONS), e));
        }
        for (int p = 0; p < PARTITIONS; p++) {
            UserEvent pin = TestEvents.event("pin-" + p, "p", from + 12 * MINUTE);
            distinct.add(pin);
            records.add(Map.entry(p, pin));
        }
        records.sort(Comparator.comparingLong(e -> e.getValue().eventTime));
        KAFKA.client()
                .produce(
                        input,
                        records.stream()
                                .map(
                                        e ->
                                                new ProducerRecord<>(
                                                        input,
                                                        e.getKey(),
                                                        e.getValue()
                                                                .userId
                                                                .getBytes(StandardCharsets.UTF_8),
                                                        Json.event(e.getValue())))
                                .collect(Collectors.toList()));
        assertThat(records.size()).isGreaterThan(distinct.size() + count / 10);
        return distinct;
    }

    private static String eventId(ConsumerRecord<byte[], byte[]> r) {
        try {
            JsonNode n = MAPPER.readTree(r.value());
            return n.get("event_id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void afterAFailureMidStreamEveryEventIsWrittenExactlyOnce() throws Exception {
        exactlyOnceAcross(
                "task failure mid-stream (RocksDB)",
                stream -> stream.map(new FailOnce()).name("fail-once").uid("test.fail-once"),
                () -> FailOnce.arm(200),
                job -> FailOnce.hasFailed());
    }

    @Test
    void afterLosingATaskManagerMidStreamEveryEventIsWrittenExactlyOnce(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        exactlyOnceAcross(
                "TaskManager lost mid-stream (RocksDB)",
                UnaryOperator.identity(),
                () -> TaskManagerLoss.killOneAndReplace(cluster),
                job -> TaskManagerLoss.restarted(cluster, job.getJobID()));
    }

    /**
     * Phase 1 in, its output committed, the fault, phase 2 in; then every event exactly once on the
     * output topic read with read_committed.
     */
    private void exactlyOnceAcross(
            String fault,
            UnaryOperator<DataStream<UserEvent>> hook,
            InjectedFault.Action inject,
            InjectedFault.Check happened)
            throws Exception {
        SplittableRandom r = new SplittableRandom(8);
        List<UserEvent> distinct = new ArrayList<>(producePhase(r, 81, 400, at(0, 0)));
        KAFKA.client().produce(input, 0, null, "[1, 2, 3]");
        int phase1 = distinct.size();

        JobClient job = start(options(), hook);
        try {
            KAFKA.client().awaitRecords(output, records -> records.size() >= phase1, WAIT);
            inject.inject();
            distinct.addAll(producePhase(r, 82, 400, at(12, 0)));

            KAFKA.client().awaitRecords(output, records -> records.size() >= distinct.size(), WAIT);
            assertThat(happened.holds(job)).as("the injected fault happened").isTrue();
            job.cancel().get(30, TimeUnit.SECONDS);
            List<ConsumerRecord<byte[], byte[]>> out = KAFKA.client().readCommitted(output, WAIT);
            Map<String, Long> timesWritten = new HashMap<>();
            Map<String, String> written = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> rec : out) {
                String id = eventId(rec);
                timesWritten.merge(id, 1L, Long::sum);
                written.put(id, new String(rec.value(), StandardCharsets.UTF_8));
                assertThat(new String(rec.key(), StandardCharsets.UTF_8))
                        .isEqualTo(MAPPER.readTree(rec.value()).get("user_id").asText());
            }
            GuaranteeLedger.record(
                    getClass(),
                    "dedup",
                    fault,
                    1,
                    GuaranteeLedger.compare(
                            distinct.stream().map(e -> e.eventId).toList(),
                            out.stream().map(DedupITCase::eventId).toList()));
            assertThat(timesWritten.values()).containsOnly(1L);
            Map<String, String> expected = new LinkedHashMap<>();
            for (UserEvent e : distinct) {
                expected.put(e.eventId, new String(Json.event(e), StandardCharsets.UTF_8));
            }
            assertThat(written).containsExactlyInAnyOrderEntriesOf(expected);
            assertThat(KAFKA.client().readCommitted(dlq, WAIT)).hasSize(1);
        } finally {
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception alreadyGone) {
                // cancelled already
            }
        }
    }
}
