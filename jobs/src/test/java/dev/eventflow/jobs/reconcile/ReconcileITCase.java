package dev.eventflow.jobs.reconcile;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.T0;
import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.DeadLetterSerializationSchema;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.JobArgs;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.TestEvents;
import dev.eventflow.jobs.windowagg.ExpectedWindows;
import dev.eventflow.jobs.windowagg.WindowAggregationJob;
import dev.eventflow.jobs.windowagg.WindowAggregationOptions;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowResultSerializationSchema;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code reconcile} end to end on a real Kafka broker and a MiniCluster in BATCH mode. The input
 * records carry their event time as Kafka timestamp (what a producer stamping records with the
 * event time gives), so {@code --from}/{@code --to} select the range by offset exactly. Every
 * assertion reads the report topic with {@code read_committed} and compares with a ground truth
 * computed here.
 */
class ReconcileITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long SIZE = 5 * MINUTE;
    private static final long SLIDE = MINUTE;
    private static final long FROM = T0;
    private static final long TO = at(40, 0);

    private String input;
    private String fast;
    private String report;
    private String dlq;

    @BeforeEach
    void topics() {
        input = KAFKA.uniqueTopic("user-events", 3);
        fast = KAFKA.uniqueTopic("processed-user-events", 3);
        report = KAFKA.uniqueTopic("reconcile-report", 2);
        dlq = KAFKA.uniqueTopic("user-events-dlq", 1);
    }

    /** What both the reconcile job and the fast path it checks take. */
    private JobArgs common() {
        return JobArgs.empty()
                .with("--bootstrap-servers", KAFKA.bootstrapServers())
                .with("--input-topic", input)
                .with("--dlq-topic", dlq)
                .with("--group-id", "it-" + input)
                .with("--state-backend", "hashmap")
                .with("--parallelism", 2);
    }

    private ParsedOptions reconcileOptions() {
        return ReconcileOptions.optionSet()
                .parse(
                        common().with("--transactional-id-prefix", "it-reconcile-" + input)
                                .with("--fast-topic", fast)
                                .with("--output-topic", report)
                                .with("--from", Instant.ofEpochMilli(FROM))
                                .with("--to", TO)
                                .toArray());
    }

    /** The fast path's row for a ground-truth window (small session sets: HLL is exact). */
    static WindowResult asFastRow(ExpectedWindows.Row r) {
        WindowResult w = new WindowResult();
        w.userId = r.userId;
        w.windowStart = r.start;
        w.windowEnd = r.end;
        w.events = r.events;
        w.approxSessions = r.sessions.size();
        w.purchases = r.purchases;
        if (r.amountCount > 0) {
            w.sumAmount = r.sum;
            w.avgAmount = r.sum / r.amountCount;
            w.minAmount = r.min;
            w.maxAmount = r.max;
        }
        return w;
    }

    /** Events round-robin over the partitions, each record stamped with its event time. */
    private void produce(List<UserEvent> events) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            UserEvent e = events.get(i);
            records.add(
                    new ProducerRecord<>(
                            input,
                            i % 3,
                            e.eventTime,
                            e.userId.getBytes(StandardCharsets.UTF_8),
                            Json.event(e)));
        }
        KAFKA.client().produce(input, records);
    }

    private static List<UserEvent> shifted(List<UserEvent> events, long by) {
        for (UserEvent e : events) e.eventTime += by;
        return events;
    }

    private List<JsonNode> reportRows() {
        return KAFKA.client().readCommitted(report, WAIT).stream()
                .map(ReconcileITCase::json)
                .collect(Collectors.toList());
    }

    private static JsonNode json(ConsumerRecord<byte[], byte[]> r) {
        try {
            return MAPPER.readTree(r.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isWindowRow(JsonNode n) {
        return n.get("kind").asText().equals("window");
    }

    private static String key(JsonNode n) {
        return ExpectedWindows.key(
                n.get("user_id").asText(),
                Instant.parse(n.get("window_start").asText()).toEpochMilli(),
                Instant.parse(n.get("window_end").asText()).toEpochMilli());
    }

    private static Map<String, ExpectedWindows.Row> inRange(Map<String, ExpectedWindows.Row> rows) {
        Map<String, ExpectedWindows.Row> out = new TreeMap<>();
        rows.forEach(
                (k, r) -> {
                    if (FROM <= r.start && r.end <= TO) out.put(k, r);
                });
        return out;
    }

    @Test
    void againstTheRealFastPathOnCleanDataOnlyHllErrorsAppearAndExactSessionsAreExact()
            throws Exception {
        // Before the range (Kafka timestamps < --from), first in every partition: not read.
        List<UserEvent> before = shifted(TestEvents.seeded(51, 300, 10, 20, MINUTE), -30 * MINUTE);
        List<UserEvent> inside = TestEvents.seeded(52, 1_500, 12, 39, 2 * MINUTE);
        // A heavy user with 3000 sessions in one minute: there the fast path's HLL is an estimate.
        Set<String> heavySessions = new HashSet<>();
        List<UserEvent> heavy = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            String s = "heavy-s-" + i;
            heavySessions.add(s);
            heavy.add(new UserEvent("heavy-" + i, "heavy", s, "click", at(12, 0) + i * 10L, null));
        }
        // Written where the other traffic is at 10:12:28, so nothing is late for the fast path.
        inside.addAll(480, heavy);
        produce(before);
        produce(inside);

        // The fast path: window-aggregation --bounded over everything (disorder < delay: no late).
        ParsedOptions fastOptions =
                WindowAggregationOptions.optionSet()
                        .parse(
                                common().with("--transactional-id-prefix", "it-fast-" + input)
                                        .with("--output-topic", fast)
                                        .with("--late-topic", fast)
                                        .with("--starting-offsets", "earliest")
                                        .flag("--bounded")
                                        .with("--checkpoint-interval", "500ms")
                                        .toArray());
        StreamExecutionEnvironment env =
                JobEnvironment.create(
                        fastOptions, WindowAggregationJob.NAME, RuntimeExecutionMode.STREAMING);
        new WindowAggregationJob().buildPipeline(env, fastOptions);
        env.execute(WindowAggregationJob.NAME);
        // Every window, written once (reconcile's bounded read stops at the last stable offset,
        // so wait until the fast path's last transaction is visible).
        List<UserEvent> everything = new ArrayList<>(before);
        everything.addAll(inside);
        int allWindows = ExpectedWindows.compute(everything, SIZE, SLIDE, Long.MAX_VALUE).size();
        KAFKA.client().awaitRecords(fast, r -> r.size() >= allWindows, WAIT);

        ReconcileJob.Result result = ReconcileJob.runAndReport(reconcileOptions());

        Map<String, ExpectedWindows.Row> truth =
                inRange(ExpectedWindows.compute(inside, SIZE, SLIDE, Long.MAX_VALUE));
        List<JsonNode> rows = reportRows();
        List<JsonNode> windowRows =
                rows.stream().filter(ReconcileITCase::isWindowRow).collect(Collectors.toList());
        List<JsonNode> diffRows =
                rows.stream().filter(r -> !isWindowRow(r)).collect(Collectors.toList());

        Set<Long> truthWindows = new TreeSet<>();
        truth.values().forEach(r -> truthWindows.add(r.start));
        assertThat(windowRows).hasSize(truthWindows.size());
        for (JsonNode w : windowRows) {
            assertThat(w.get("run_id").asText()).isEqualTo(result.runId);
            assertThat(w.get("missing").asLong() + w.get("extra").asLong()).isZero();
            assertThat(w.get("different").asLong() + w.get("duplicate").asLong()).isZero();
            assertThat(w.get("hll_outliers").asLong()).isZero();
        }
        assertThat(result.report.totals.expectedRows).isEqualTo(truth.size());
        assertThat(result.report.totals.fastRows).isEqualTo(truth.size());
        assertThat(result.report.totals.matching + result.report.totals.hllError)
                .isEqualTo(truth.size());
        assertThat(result.report.totals.expectedEvents)
                .isEqualTo(truth.values().stream().mapToLong(r -> r.events).sum());
        assertThat(result.report.totals.fastEvents).isEqualTo(result.report.totals.expectedEvents);

        // Only the heavy user's windows can carry an HLL error, and the exact count is exact.
        assertThat(diffRows).isNotEmpty();
        for (JsonNode d : diffRows) {
            assertThat(d.get("kind").asText()).isEqualTo("hll_error");
            ExpectedWindows.Row want = truth.get(key(d));
            assertThat(want).as(key(d)).isNotNull();
            assertThat(d.get("user_id").asText()).isEqualTo("heavy");
            assertThat(d.get("expected").get("exact_sessions").asLong())
                    .isEqualTo(want.sessions.size());
            assertThat(d.get("actual").get("approx_sessions").asLong())
                    .isNotEqualTo(want.sessions.size());
            assertThat(d.get("hll_error").asLong())
                    .isEqualTo(
                            d.get("actual").get("approx_sessions").asLong() - want.sessions.size());
        }
        assertThat(truth.values().stream().filter(r -> r.userId.equals("heavy")))
                .allSatisfy(r -> assertThat(r.sessions).isSubsetOf(heavySessions));
        assertThat(result.text).contains("no differences").contains(result.runId);
        assertThat(KAFKA.client().readCommitted(dlq, WAIT)).isEmpty();
        assertThat(KAFKA.client().readCommitted(fast, WAIT)).hasSize(allWindows);
    }

    @Test
    void knownLateDropsAreReportedAsExactlyTheirWindowsAndBadRecordsGoToTheDlq() throws Exception {
        List<UserEvent> inside = TestEvents.seeded(61, 900, 8, 39, 2 * MINUTE);
        // Three events the fast path dropped as late (it never counted them).
        UserEvent lostPurchase = TestEvents.purchase("user-1", "late-s1", at(17, 30), 99.5);
        UserEvent lostAlone = TestEvents.event("late-only", "late-s2", at(22, 10));
        UserEvent lostClick = TestEvents.event("user-2", "late-s3", at(8, 59));
        List<UserEvent> dropped = List.of(lostPurchase, lostAlone, lostClick);
        List<UserEvent> all = new ArrayList<>(inside);
        all.addAll(dropped);
        produce(all);
        // Stamped inside the range (a record stamped with the wall clock would be past --to).
        KAFKA.client()
                .produce(
                        input,
                        List.of(
                                new ProducerRecord<>(
                                        input,
                                        1,
                                        at(20, 0),
                                        null,
                                        "{\"event_id\": \"broken\""
                                                .getBytes(StandardCharsets.UTF_8))));

        // The fast path's topic: the truth without the dropped events, plus one row it should not
        // have (a window nobody had events in), plus one unreadable record.
        Map<String, ExpectedWindows.Row> fastTruth =
                ExpectedWindows.compute(inside, SIZE, SLIDE, Long.MAX_VALUE);
        List<ProducerRecord<byte[], byte[]>> fastRecords = new ArrayList<>();
        for (ExpectedWindows.Row r : fastTruth.values()) {
            fastRecords.add(
                    new ProducerRecord<>(
                            fast,
                            Math.abs(r.userId.hashCode()) % 3,
                            r.userId.getBytes(StandardCharsets.UTF_8),
                            WindowResultSerializationSchema.toJson(asFastRow(r))));
        }
        ExpectedWindows.Row ghost = new ExpectedWindows.Row("ghost", at(30, 0), at(35, 0));
        ghost.events = 1;
        ghost.sessions.add("g");
        fastRecords.add(
                new ProducerRecord<>(
                        fast, 0, null, WindowResultSerializationSchema.toJson(asFastRow(ghost))));
        fastRecords.add(
                new ProducerRecord<>(
                        fast, 2, null, "{\"user_id\": 7}".getBytes(StandardCharsets.UTF_8)));
        KAFKA.client().produce(fast, fastRecords);

        ReconcileJob.Result result = ReconcileJob.runAndReport(reconcileOptions());

        // Ground truth of the differences: every in-range (user, window) the dropped events touch.
        Map<String, ExpectedWindows.Row> truth =
                inRange(ExpectedWindows.compute(all, SIZE, SLIDE, Long.MAX_VALUE));
        Map<String, String> expectedKinds = new TreeMap<>();
        for (ExpectedWindows.Row want : truth.values()) {
            ExpectedWindows.Row got = fastTruth.get(want.key());
            if (got == null) expectedKinds.put(want.key(), "missing");
            else if (got.events != want.events) expectedKinds.put(want.key(), "different");
        }
        expectedKinds.put(ghost.key(), "extra");

        List<JsonNode> rows = reportRows();
        Map<String, String> kinds = new TreeMap<>();
        Map<String, JsonNode> diffs = new HashMap<>();
        for (JsonNode d : rows) {
            if (isWindowRow(d)) continue;
            kinds.put(key(d), d.get("kind").asText());
            diffs.put(key(d), d);
        }
        assertThat(kinds).isEqualTo(expectedKinds);
        // lostPurchase's 5 windows differ in events, purchases and amounts; lostAlone's are
        // missing.
        assertThat(
                        kinds.entrySet().stream()
                                .filter(e -> e.getKey().startsWith("late-only|"))
                                .map(Map.Entry::getValue))
                .hasSize(5)
                .containsOnly("missing");
        JsonNode purchaseDiff = diffs.get(ExpectedWindows.key("user-1", at(14, 0), at(19, 0)));
        assertThat(purchaseDiff.get("fields").toString()).contains("events").contains("purchases");
        assertThat(
                        purchaseDiff.get("expected").get("events").asLong()
                                - purchaseDiff.get("actual").get("events").asLong())
                .isEqualTo(1);

        // Window rows: problems exactly in the windows the drops (and the ghost) touch.
        Map<Long, Long> problemsByWindow = new TreeMap<>();
        for (String k : expectedKinds.keySet()) {
            problemsByWindow.merge(Long.parseLong(k.split("\\|")[1]), 1L, Long::sum);
        }
        Map<Long, Long> reported = new TreeMap<>();
        for (JsonNode w : rows) {
            if (!isWindowRow(w)) continue;
            long p =
                    w.get("missing").asLong()
                            + w.get("extra").asLong()
                            + w.get("different").asLong()
                            + w.get("duplicate").asLong();
            if (p > 0) {
                reported.put(Instant.parse(w.get("window_start").asText()).toEpochMilli(), p);
            }
        }
        assertThat(reported).isEqualTo(problemsByWindow);
        // Each dropped event lies in 5 windows, all inside the range; the ghost adds 1 event.
        assertThat(result.report.totals.expectedEvents - result.report.totals.fastEvents)
                .isEqualTo(3 * 5 - 1);
        // The dropped events' new sessions are data loss, not sketch error.
        assertThat(result.report.totals.hllOutliers).isZero();
        assertThat(result.report.totals.maxHllRelativeError).isZero();
        assertThat(result.text).contains("worst windows").doesNotContain("no differences");

        List<ConsumerRecord<byte[], byte[]>> dead =
                KAFKA.client().awaitRecords(dlq, r -> r.size() >= 2, WAIT);
        assertThat(dead).hasSize(2);
        Set<String> reasons = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            reasons.add(
                    new String(
                            d.headers().lastHeader(DeadLetterSerializationSchema.REASON).value(),
                            StandardCharsets.UTF_8));
        }
        assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("not valid JSON"));
        assertThat(reasons)
                .anySatisfy(r -> assertThat(r).startsWith("fast-path row: user_id is not"));
    }
}
