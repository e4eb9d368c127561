package dev.eventflow.jobs.lateaudit;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.T0;
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
import dev.eventflow.jobs.TaskManagerLoss;
import dev.eventflow.jobs.TestEvents;
import dev.eventflow.jobs.windowagg.FailOnce;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
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
 * {@code late-audit} end to end on a real Kafka broker and a MiniCluster, wired by the job's own
 * {@code buildPipeline}; every assertion reads the output topics with {@code read_committed} and
 * compares with a ground truth computed here.
 *
 * <p>The tiers depend on the watermark an event meets, so the test pins it, as {@code
 * WindowAggregationITCase} does: every partition's first batch ends with an event at M1 = T0+60m,
 * so the audit watermark can rise to exactly M1 - 30m - 1ms and no further (main tier: M1 - 5m -
 * 1ms); the audit row of [T0+29m, T0+30m) appearing on the output topic proves it got there. Only
 * then is the mix of on-time, late and lost events produced, each of which therefore meets a known
 * watermark, several exactly at a tier boundary.
 */
class LateAuditITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = TaskManagerLoss.cluster();

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long MAIN = 5 * MINUTE;
    private static final long AUDIT = 30 * MINUTE;
    private static final long WINDOW = MINUTE;
    private static final double RATE = 0.5;

    private String input;
    private String audit;
    private String samples;
    private String dlq;

    @BeforeEach
    void topics() {
        input = KAFKA.uniqueTopic("user-events", 3);
        audit = KAFKA.uniqueTopic("late-audit", 1);
        samples = KAFKA.uniqueTopic("late-samples", 1);
        dlq = KAFKA.uniqueTopic("user-events-dlq", 1);
    }

    private ParsedOptions options() {
        return LateAuditOptions.optionSet()
                .parse(
                        KAFKA.jobArgs(input)
                                .with("--input-topic", input)
                                .with("--output-topic", audit)
                                .with("--sample-topic", samples)
                                .with("--sample-rate", RATE)
                                .with("--dlq-topic", dlq)
                                .with("--state-backend", "hashmap")
                                .with("--parallelism", 2)
                                .toArray());
    }

    // ---- input ----

    private void produceTo(int partition, List<UserEvent> events) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (UserEvent e : events) {
            records.add(
                    new ProducerRecord<>(
                            input,
                            partition,
                            e.userId.getBytes(StandardCharsets.UTF_8),
                            Json.event(e)));
        }
        KAFKA.client().produce(input, records);
    }

    private void produceRoundRobin(List<UserEvent> events) {
        for (int p = 0; p < 3; p++) {
            List<UserEvent> part = new ArrayList<>();
            for (int i = p; i < events.size(); i += 3) part.add(events.get(i));
            produceTo(p, part);
        }
    }

    private List<UserEvent> pins(long time) {
        List<UserEvent> pins = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            UserEvent pin = TestEvents.event("pin-" + p, "pin", time);
            produceTo(p, List.of(pin));
            pins.add(pin);
        }
        return pins;
    }

    // ---- ground truth, computed the obvious way ----

    /** An event and the audit watermark it met on arrival. */
    private static final class Arrival {
        final UserEvent event;
        final long auditWatermark;

        Arrival(UserEvent event, long auditWatermark) {
            this.event = event;
            this.auditWatermark = auditWatermark;
        }

        long mainWatermark() {
            return auditWatermark == Long.MIN_VALUE
                    ? Long.MIN_VALUE
                    : auditWatermark + AUDIT - MAIN;
        }

        String tier() {
            if (event.eventTime > mainWatermark()) return "on_time";
            return event.eventTime > auditWatermark ? "late" : "lost";
        }

        long lateness() {
            return tier().equals("on_time") ? 0 : mainWatermark() - event.eventTime;
        }

        long window() {
            long t = event.eventTime;
            if (tier().equals("lost")
                    && t - Math.floorMod(t, WINDOW) + WINDOW - 1 <= auditWatermark) {
                t = auditWatermark + 1; // its own window was already written
            }
            return t - Math.floorMod(t, WINDOW);
        }
    }

    private static final class Expected {
        long onTime;
        long late;
        long lost;
        final List<Long> lateness = new ArrayList<>();
        final Set<String> users = new HashSet<>();
    }

    private static long inclusiveQuantile(List<Long> sorted, double rank) {
        int index = (int) Math.ceil(rank * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    private static Map<Long, Expected> expected(List<Arrival> arrivals, long lastEnd) {
        Map<Long, Expected> rows = new TreeMap<>();
        for (Arrival a : arrivals) {
            long w = a.window();
            if (w + WINDOW > lastEnd) continue;
            Expected x = rows.computeIfAbsent(w, k -> new Expected());
            switch (a.tier()) {
                case "on_time":
                    x.onTime++;
                    continue;
                case "late":
                    x.late++;
                    break;
                default:
                    x.lost++;
            }
            x.lateness.add(a.lateness());
            x.users.add(a.event.userId);
        }
        return rows;
    }

    // ---- output ----

    private static JsonNode json(ConsumerRecord<byte[], byte[]> r) {
        try {
            return MAPPER.readTree(r.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Predicate<List<ConsumerRecord<byte[], byte[]>>> hasWindowEnding(long end) {
        String iso = Instant.ofEpochMilli(end).toString();
        return records ->
                records.stream().anyMatch(r -> json(r).get("window_end").asText().equals(iso));
    }

    @AfterEach
    void disarm() {
        FailOnce.reset();
    }

    @Test
    void auditRowsAndSamplesEqualGroundTruthForAKnownMixOfOnTimeLateAndLostEvents()
            throws Exception {
        scenario(Fault.NONE, null);
    }

    /**
     * The same input and the same expected rows, but the job fails on the first event of the mix
     * and restarts from its last checkpoint. Flink's watermark restarts at Long.MIN_VALUE and the
     * replayed mix alone would only raise it to (its maximum - 30m); without the checkpointed audit
     * watermark most late and lost events would now be counted as on time.
     */
    @Test
    void aRestartDoesNotReclassifyReplayedEvents() throws Exception {
        scenario(Fault.TASK_FAILURE, null);
        assertThat(FailOnce.hasFailed()).as("the injected failure happened").isTrue();
    }

    /** As above, the fault being the loss of a TaskManager (and half of the state) mid-stream. */
    @Test
    void losingATaskManagerDoesNotReclassifyReplayedEvents(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        scenario(Fault.TASK_MANAGER_LOSS, cluster);
    }

    private enum Fault {
        NONE,
        TASK_FAILURE,
        TASK_MANAGER_LOSS
    }

    private void scenario(Fault fault, MiniCluster cluster) throws Exception {
        List<Arrival> arrivals = new ArrayList<>();
        // Batch 1: 58 minutes of traffic, 2m of disorder (below the main delay: all on time; an
        // event written after a partition's later ones would not be, the watermark being the
        // minimum over partitions that may already be ahead of it).
        List<UserEvent> batch1 = TestEvents.seeded(71, 600, 10, 58, 2 * MINUTE);
        produceRoundRobin(batch1);
        KAFKA.client().produce(input, 1, null, "not json");
        batch1.addAll(pins(at(60, 0)));
        batch1.forEach(e -> arrivals.add(new Arrival(e, Long.MIN_VALUE)));
        long w1 = at(60, 0) - AUDIT - 1; // audit watermark 10:29:59.999
        long m1 = at(60, 0) - MAIN - 1; // main watermark 10:54:59.999

        StreamExecutionEnvironment env =
                JobEnvironment.create(options(), LateAuditJob.NAME, RuntimeExecutionMode.STREAMING);
        LateAuditJob.buildPipeline(
                env,
                options(),
                stream -> stream.map(new FailOnce()).name("fail-once").uid("test.fail-once"));
        JobClient job = env.executeAsync(LateAuditJob.NAME);
        try {
            KAFKA.client().awaitRecords(audit, hasWindowEnding(at(30, 0)), WAIT);

            if (fault == Fault.TASK_FAILURE) FailOnce.arm(1);
            if (fault == Fault.TASK_MANAGER_LOSS) TaskManagerLoss.killOneAndReplace(cluster);

            // The audit watermark stands at exactly w1. The mix, boundaries first:
            List<UserEvent> mix = new ArrayList<>();
            mix.add(TestEvents.event("edge-on-time", "s", m1 + 1)); // on time
            mix.add(TestEvents.event("edge-late-0", "s", m1)); // late by 0
            mix.add(TestEvents.event("edge-late-max", "s", w1 + 1)); // late, 25m - 1ms
            mix.add(TestEvents.event("edge-lost", "s", w1)); // lost, counted in [10:30, 10:31)
            mix.add(TestEvents.purchase("old-lost", "s", at(5, 0), 3.0)); // lost long ago
            SplittableRandom r = new SplittableRandom(72);
            for (int i = 0; i < 40; i++) {
                long t = w1 + 1 + r.nextLong(m1 - w1); // (w1, m1]
                mix.add(TestEvents.event("late-" + r.nextInt(8), "s-" + i, t));
            }
            for (int i = 0; i < 12; i++) {
                long t = T0 + r.nextLong(w1 - T0 + 1); // [T0, w1]
                mix.add(TestEvents.event("lost-" + r.nextInt(5), "s-" + i, t));
            }
            for (int i = 0; i < 20; i++) {
                long t = m1 + 1 + r.nextLong(at(60, 0) - m1); // (m1, M1]
                mix.add(TestEvents.event("fresh-" + r.nextInt(5), "s-" + i, t));
            }
            produceRoundRobin(mix);
            mix.forEach(e -> arrivals.add(new Arrival(e, w1)));

            // Batch 2: raise every partition to T0+120m, with a probe written at T0+90m.
            UserEvent probe2 = TestEvents.event("probe-2", "p", at(89, 30));
            produceTo(1, List.of(probe2));
            arrivals.add(new Arrival(probe2, Long.MIN_VALUE));
            pins(at(120, 0)); // their window is not closed: not expected
            KAFKA.client().awaitRecords(audit, hasWindowEnding(at(90, 0)), WAIT);
            if (fault == Fault.TASK_MANAGER_LOSS) {
                assertThat(TaskManagerLoss.restarted(cluster, job.getJobID()))
                        .as("the job went through a restart")
                        .isTrue();
            }
            job.cancel().get();
        } finally {
            cancelQuietly(job);
        }

        // Audit rows: every window up to T0+90m, exactly once, equal to the ground truth.
        Map<Long, Expected> want = expected(arrivals, at(90, 0));
        // Two sink subtasks commit each checkpoint independently; wait until both are visible.
        KAFKA.client().awaitRecords(audit, r -> r.size() >= want.size(), WAIT);
        List<ConsumerRecord<byte[], byte[]>> auditRows = KAFKA.client().readCommitted(audit, WAIT);
        if (fault != Fault.NONE) {
            GuaranteeLedger.record(
                    getClass(),
                    "late-audit",
                    fault == Fault.TASK_FAILURE
                            ? "task failure mid-stream"
                            : "TaskManager lost mid-stream",
                    1,
                    GuaranteeLedger.compare(
                            want.keySet().stream()
                                    .map(k -> Instant.ofEpochMilli(k).toString())
                                    .toList(),
                            auditRows.stream()
                                    .map(rec -> json(rec).get("window_start").asText())
                                    .toList()));
        }
        Map<Long, JsonNode> got = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : auditRows) {
            JsonNode n = json(rec);
            long start = Instant.parse(n.get("window_start").asText()).toEpochMilli();
            assertThat(got.put(start, n)).as("one row per window").isNull();
            assertThat(new String(rec.key(), StandardCharsets.UTF_8))
                    .isEqualTo(n.get("window_start").asText());
        }
        Map<String, String> wantRows = new TreeMap<>();
        Map<String, String> gotRows = new TreeMap<>();
        for (Map.Entry<Long, Expected> e : want.entrySet()) {
            Expected x = e.getValue();
            long all = x.onTime + x.late + x.lost;
            List<Long> sorted = x.lateness.stream().sorted().collect(Collectors.toList());
            wantRows.put(
                    Instant.ofEpochMilli(e.getKey()).toString(),
                    row(
                            Instant.ofEpochMilli(e.getKey() + WINDOW).toString(),
                            x.onTime,
                            x.late,
                            x.lost,
                            sorted.isEmpty() ? null : sorted.get(sorted.size() - 1),
                            sorted.isEmpty() ? null : inclusiveQuantile(sorted, 0.5),
                            sorted.isEmpty() ? null : inclusiveQuantile(sorted, 0.99),
                            x.users.size(),
                            (double) (x.late + x.lost) / all));
        }
        for (Map.Entry<Long, JsonNode> e : got.entrySet()) {
            JsonNode n = e.getValue();
            gotRows.put(
                    Instant.ofEpochMilli(e.getKey()).toString(),
                    row(
                            n.get("window_end").asText(),
                            n.get("on_time_count").asLong(),
                            n.get("late_count").asLong(),
                            n.get("lost_count").asLong(),
                            nullableLong(n.get("max_lateness_ms")),
                            nullableLong(n.get("p50_lateness_ms")),
                            nullableLong(n.get("p99_lateness_ms")),
                            n.get("affected_users").asLong(),
                            n.get("late_ratio").asDouble()));
        }
        assertThat(gotRows).isEqualTo(wantRows);
        // The boundary events landed where the rules say.
        JsonNode edge30 = got.get(at(30, 0));
        assertThat(edge30.get("lost_count").asLong()).isGreaterThanOrEqualTo(14); // all lost ones
        assertThat(got.get(at(54, 0)).get("late_count").asLong()).isGreaterThanOrEqualTo(1);
        long totalEvents =
                got.values().stream()
                        .mapToLong(
                                n ->
                                        n.get("on_time_count").asLong()
                                                + n.get("late_count").asLong()
                                                + n.get("lost_count").asLong())
                        .sum();
        assertThat(totalEvents)
                .as("every event up to the last written window is counted once")
                .isEqualTo(want.values().stream().mapToLong(x -> x.onTime + x.late + x.lost).sum());

        // Samples: exactly the late and lost events whose id hashes below the rate.
        Map<String, Arrival> missed = new HashMap<>();
        for (Arrival a : arrivals) if (!a.tier().equals("on_time")) missed.put(a.event.eventId, a);
        Set<String> wantSampled =
                missed.keySet().stream()
                        .filter(id -> LateSampler.position(id) < RATE)
                        .collect(Collectors.toSet());
        assertThat(wantSampled).isNotEmpty().hasSizeLessThan(missed.size());
        KAFKA.client().awaitRecords(samples, r -> r.size() >= wantSampled.size(), WAIT);
        Map<String, JsonNode> sampled = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : KAFKA.client().readCommitted(samples, WAIT)) {
            JsonNode n = json(rec);
            sampled.put(n.get("event_id").asText(), n);
        }
        assertThat(sampled.keySet()).isEqualTo(wantSampled);
        for (JsonNode n : sampled.values()) {
            Arrival a = missed.get(n.get("event_id").asText());
            assertThat(n.get("tier").asText()).isEqualTo(a.tier());
            assertThat(n.get("lateness_ms").asLong()).isEqualTo(a.lateness());
            assertThat(n.get("watermark").asText()).isEqualTo(Instant.ofEpochMilli(m1).toString());
            assertThat(n.get("user_id").asText()).isEqualTo(a.event.userId);
            assertThat(n.get("event_time").asText())
                    .isEqualTo(Instant.ofEpochMilli(a.event.eventTime).toString());
        }

        KAFKA.client().awaitRecords(dlq, r -> !r.isEmpty(), WAIT);
        assertThat(KAFKA.client().readCommitted(dlq, WAIT)).hasSize(1);
    }

    private static String row(
            String end,
            long onTime,
            long late,
            long lost,
            Long max,
            Long p50,
            Long p99,
            long users,
            double ratio) {
        return String.format(
                java.util.Locale.ROOT,
                "end=%s on_time=%d late=%d lost=%d max=%s p50=%s p99=%s users=%d ratio=%s",
                end,
                onTime,
                late,
                lost,
                max,
                p50,
                p99,
                users,
                Double.toString(ratio));
    }

    private static Long nullableLong(JsonNode n) {
        return n.isNull() ? null : n.asLong();
    }

    private static void cancelQuietly(JobClient job) {
        try {
            job.cancel().get();
        } catch (Exception alreadyGone) {
            // finished or cancelled already
        }
    }
}
