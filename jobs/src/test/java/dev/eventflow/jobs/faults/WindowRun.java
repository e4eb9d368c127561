package dev.eventflow.jobs.faults;

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
import dev.eventflow.common.testing.JobArgs;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.TestEvents;
import dev.eventflow.jobs.windowagg.ExpectedWindows;
import dev.eventflow.jobs.windowagg.WindowAggregationJob;
import dev.eventflow.jobs.windowagg.WindowAggregationOptions;
import dev.eventflow.jobs.windowstats.WindowResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One fault scenario of {@code window-aggregation} on the real broker: its topics, its input (two
 * batches of seeded traffic, each closed by a pin per partition so the watermark's position is
 * exact), the job wired by its own {@code buildPipeline} with a fault hook, and the check of the
 * committed output against windows computed here from the input.
 */
final class WindowRun {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final long SIZE = 5 * MINUTE;
    static final long SLIDE = MINUTE;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KafkaExtension kafka;
    final String input;
    final String output;
    final String late;
    final String dlq;

    /** Every event produced, the ground truth's input. */
    final List<UserEvent> produced = new ArrayList<>();

    WindowRun(KafkaExtension kafka) {
        this.kafka = kafka;
        input = kafka.uniqueTopic("user-events", 3);
        output = kafka.uniqueTopic("processed-user-events", 3);
        late = kafka.uniqueTopic("late-user-events", 1);
        dlq = kafka.uniqueTopic("user-events-dlq", 1);
    }

    /** The job's options; {@code overrides} are option/value pairs replacing the defaults. */
    ParsedOptions options(String... overrides) {
        JobArgs args =
                kafka.jobArgs(input)
                        .with("--input-topic", input)
                        .with("--output-topic", output)
                        .with("--late-topic", late)
                        .with("--dlq-topic", dlq)
                        .with("--parallelism", 2)
                        .with("--restart-backoff", "200ms")
                        .with("--state-backend", "rocksdb");
        for (int i = 0; i < overrides.length; i += 2) args.with(overrides[i], overrides[i + 1]);
        return WindowAggregationOptions.optionSet().parse(args.toArray());
    }

    /**
     * Starts the job with {@link OperatorFault} before the windows; {@code graph} may change the
     * built pipeline (e.g. {@link CommitFault#install}); {@code conf} is layered on the job's
     * environment (e.g. a checkpoint to restore).
     */
    JobClient start(ParsedOptions o, Configuration conf, Consumer<StreamExecutionEnvironment> graph)
            throws Exception {
        StreamExecutionEnvironment env =
                JobEnvironment.create(
                        o, WindowAggregationJob.NAME, RuntimeExecutionMode.STREAMING, conf);
        WindowAggregationJob.buildPipeline(
                env, o, s -> s.map(new OperatorFault()).name("fault").uid("test.operator-fault"));
        graph.accept(env);
        return env.executeAsync(WindowAggregationJob.NAME);
    }

    /** Seeded traffic starting at {@code T0 + offsetMinutes}, then a pin per partition. */
    void batch(long seed, long offsetMinutes, long pinMinute) {
        List<UserEvent> events = new ArrayList<>();
        for (UserEvent e : TestEvents.seeded(seed, 600, 12, 29, 2 * MINUTE)) {
            e.eventTime += offsetMinutes * MINUTE;
            events.add(e);
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            UserEvent e = events.get(i);
            records.add(
                    new ProducerRecord<>(
                            input,
                            i % 3,
                            e.userId.getBytes(StandardCharsets.UTF_8),
                            Json.event(e)));
        }
        kafka.client().produce(input, records);
        produced.addAll(events);
        for (int p = 0; p < 3; p++) {
            produceTo(p, TestEvents.event("pin-" + p, "pin-session", at(pinMinute, 0)));
        }
    }

    /**
     * Once {@code fault} has happened, one more pin at {@code pinMinute} on every partition. After
     * a restore the sources re-read from the restored checkpoint's offsets; a partition read to its
     * end before that checkpoint would send nothing and hold the watermark back (for the idleness
     * timeout, a minute). The new pins come after any such checkpoint, so every partition moves the
     * watermark to the same place again. Their windows are not closed yet: the ground truth up to
     * {@link #closedUpTo} is unchanged.
     */
    void repinAfter(BooleanSupplier fault, long pinMinute) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!fault.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("the injected fault").isNegative();
            Thread.onSpinWait();
        }
        for (int p = 0; p < 3; p++) {
            produceTo(p, TestEvents.event("pin-" + p, "pin-session", at(pinMinute, 0)));
        }
    }

    private void produceTo(int partition, UserEvent e) {
        kafka.client()
                .produce(
                        input,
                        List.of(
                                new ProducerRecord<>(
                                        input,
                                        partition,
                                        e.userId.getBytes(StandardCharsets.UTF_8),
                                        Json.event(e))));
        produced.add(e);
    }

    /**
     * The end of the last window closed once the watermark reaches the pins at {@code pinMinute}
     * (delay 10m): every window ending up to it is final.
     */
    static long closedUpTo(long pinMinute) {
        return at(pinMinute - 10, 0);
    }

    /**
     * Waits until every window of the ground truth closed by the pins at {@code pinMinute} is
     * committed.
     */
    void awaitClosed(long pinMinute) {
        awaitClosedBetween(Long.MIN_VALUE, pinMinute);
    }

    /**
     * Waits until every window of the ground truth ending after the pins at {@code afterPinMinute}
     * closed them and up to those at {@code pinMinute} is committed (a run that lost earlier
     * windows can still be waited on for later ones).
     */
    void awaitClosedBetween(long afterPinMinute, long pinMinute) {
        long after = afterPinMinute == Long.MIN_VALUE ? Long.MIN_VALUE : closedUpTo(afterPinMinute);
        Set<String> wanted = new HashSet<>();
        ExpectedWindows.compute(produced, SIZE, SLIDE, closedUpTo(pinMinute))
                .values()
                .forEach(
                        row -> {
                            if (row.end > after) wanted.add(row.key());
                        });
        kafka.client()
                .awaitRecords(
                        output,
                        records ->
                                records.stream()
                                        .map(WindowRun::parse)
                                        .map(
                                                r ->
                                                        ExpectedWindows.key(
                                                                r.userId,
                                                                r.windowStart,
                                                                r.windowEnd))
                                        .collect(Collectors.toSet())
                                        .containsAll(wanted),
                        WAIT);
    }

    void awaitAnyOutput() {
        kafka.client().awaitRecords(output, r -> !r.isEmpty(), WAIT);
    }

    List<WindowResult> committed() {
        return kafka.client().readCommitted(output, WAIT).stream().map(WindowRun::parse).toList();
    }

    /** Lost, duplicated and checked windows of the committed output, closed up to {@code end}. */
    record Tally(int checked, int lost, int duplicated) {
        @Override
        public String toString() {
            return "records checked " + checked + ", lost " + lost + ", duplicated " + duplicated;
        }
    }

    /**
     * Compares the committed output with the windows computed from {@link #produced}, closed up to
     * {@code end}: the windows expected, those missing, and the writes beyond the first of a window
     * (or of a window not expected at all); with {@code checkValues}, also every value.
     */
    Tally tally(long end, boolean checkValues) {
        return tally(null, null, 0, end, checkValues);
    }

    private Tally tally(Class<?> test, String fault, int faults, long end, boolean checkValues) {
        List<WindowResult> results = committed();
        Map<String, ExpectedWindows.Row> expected =
                ExpectedWindows.compute(produced, SIZE, SLIDE, end);
        List<String> written =
                results.stream()
                        .map(r -> ExpectedWindows.key(r.userId, r.windowStart, r.windowEnd))
                        .toList();
        GuaranteeLedger.Count c = GuaranteeLedger.compare(expected.keySet(), written);
        if (test != null) GuaranteeLedger.record(test, WindowAggregationJob.NAME, fault, faults, c);
        if (checkValues) ExpectedWindows.assertMatches(expected, results, 12);
        return new Tally((int) c.checked(), (int) c.lost(), (int) c.duplicated());
    }

    /**
     * Asserts the output is exact, records it in the {@link GuaranteeLedger} (the README's
     * guarantees table) and returns its tally.
     */
    Tally assertExact(Class<?> test, String fault, int faults, long end) {
        Tally t = tally(test, fault, faults, end, true);
        assertThat(t.lost()).as("lost windows").isZero();
        assertThat(t.duplicated()).as("duplicated windows").isZero();
        assertThat(t.checked()).as("windows checked").isGreaterThan(500);
        System.out.println("FAULT " + fault + ": " + t);
        return t;
    }

    static WindowResult parse(ConsumerRecord<byte[], byte[]> r) {
        try {
            JsonNode n = MAPPER.readTree(r.value());
            WindowResult w = new WindowResult();
            w.userId = n.get("user_id").asText();
            w.windowStart = Instant.parse(n.get("window_start").asText()).toEpochMilli();
            w.windowEnd = Instant.parse(n.get("window_end").asText()).toEpochMilli();
            w.events = n.get("events").asLong();
            w.approxSessions = n.get("approx_sessions").asLong();
            w.sumAmount = n.get("sum_amount").isNull() ? null : n.get("sum_amount").asDouble();
            w.avgAmount = n.get("avg_amount").isNull() ? null : n.get("avg_amount").asDouble();
            w.minAmount = n.get("min_amount").isNull() ? null : n.get("min_amount").asDouble();
            w.maxAmount = n.get("max_amount").isNull() ? null : n.get("max_amount").asDouble();
            w.purchases = n.get("purchases").asLong();
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void cancelQuietly(JobClient job) {
        try {
            job.cancel().get();
        } catch (Exception alreadyGone) {
            // finished, failed or cancelled already
        }
    }
}
