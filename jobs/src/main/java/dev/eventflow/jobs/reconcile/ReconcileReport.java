package dev.eventflow.jobs.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.kafka.KafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The human side of a reconcile run: reads the run's report rows back from the report topic (as any
 * downstream reader would, {@code read_committed}) and renders the totals and the worst windows for
 * stdout.
 */
public final class ReconcileReport {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** How many windows were compared. */
    public long windows;

    /** Totals over every compared window (its window bounds unset). */
    public final WindowSummary totals = new WindowSummary();

    public final List<JsonNode> windowRows;

    private ReconcileReport(List<JsonNode> windowRows) {
        this.windowRows = windowRows;
        for (JsonNode w : windowRows) {
            windows++;
            totals.expectedRows += w.get("expected_rows").asLong();
            totals.fastRows += w.get("fast_rows").asLong();
            totals.matching += w.get("matching").asLong();
            totals.missing += w.get("missing").asLong();
            totals.extra += w.get("extra").asLong();
            totals.duplicate += w.get("duplicate").asLong();
            totals.different += w.get("different").asLong();
            totals.hllError += w.get("hll_error").asLong();
            totals.hllOutliers += w.get("hll_outliers").asLong();
            totals.expectedEvents += w.get("expected_events").asLong();
            totals.fastEvents += w.get("fast_events").asLong();
            totals.maxHllRelativeError =
                    Math.max(
                            totals.maxHllRelativeError, w.get("max_hll_relative_error").asDouble());
        }
    }

    /** The report from the {@code kind = window} rows of one run. */
    public static ReconcileReport of(List<JsonNode> rows, String runId) {
        return new ReconcileReport(
                rows.stream()
                        .filter(r -> runId.equals(r.path("run_id").asText()))
                        .filter(
                                r ->
                                        ReportSerialization.WINDOW_KIND.equals(
                                                r.path("kind").asText()))
                        .collect(Collectors.toList()));
    }

    private static long problems(JsonNode w) {
        return w.get("missing").asLong()
                + w.get("extra").asLong()
                + w.get("duplicate").asLong()
                + w.get("different").asLong();
    }

    /** The summary printed at the end of a run. */
    public String render(String runId, ReconcileRange range, String reportTopic, int worst) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "reconcile run %s over %s: %d windows compared (report rows on %s)%n",
                        runId,
                        range,
                        windows,
                        reportTopic));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "  rows:   accurate %d, fast path %d; matching %d, missing %d, extra %d, duplicate %d, different %d, hll_error %d%n",
                        totals.expectedRows,
                        totals.fastRows,
                        totals.matching,
                        totals.missing,
                        totals.extra,
                        totals.duplicate,
                        totals.different,
                        totals.hllError));
        long notCounted = totals.expectedEvents - totals.fastEvents;
        sb.append(
                String.format(
                        Locale.ROOT,
                        "  events: accurate %d, fast path %d (%d = %.3f%% not counted by the fast path)%n",
                        totals.expectedEvents,
                        totals.fastEvents,
                        notCounted,
                        totals.expectedEvents == 0
                                ? 0.0
                                : 100.0 * notCounted / totals.expectedEvents));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "  hll:    max relative error %.3f%%, %d row(s) beyond 3 standard errors%n",
                        100 * totals.maxHllRelativeError,
                        totals.hllOutliers));
        List<JsonNode> bad =
                windowRows.stream()
                        .filter(w -> problems(w) > 0)
                        .sorted(
                                Comparator.comparingLong(ReconcileReport::problems)
                                        .reversed()
                                        .thenComparing(w -> w.get("window_start").asText()))
                        .limit(worst)
                        .collect(Collectors.toList());
        if (bad.isEmpty()) {
            sb.append(
                    "  no differences: every window matches the accurate path on every exact field\n");
        } else {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "  worst windows (of %d with differences):%n",
                            windowRows.stream().filter(w -> problems(w) > 0).count()));
            for (JsonNode w : bad) {
                sb.append(
                        String.format(
                                Locale.ROOT,
                                "    %s .. %s  missing %d, extra %d, duplicate %d, different %d; events %d vs %d%n",
                                w.get("window_start").asText(),
                                w.get("window_end").asText(),
                                w.get("missing").asLong(),
                                w.get("extra").asLong(),
                                w.get("duplicate").asLong(),
                                w.get("different").asLong(),
                                w.get("expected_events").asLong(),
                                w.get("fast_events").asLong()));
            }
        }
        return sb.toString();
    }

    // ---- reading the report topic ----

    private static KafkaConsumer<byte[], byte[]> consumer(ParsedOptions o) {
        Properties p = KafkaSettings.clientProperties(o);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
        List<PartitionInfo> infos = c.partitionsFor(topic, TIMEOUT);
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo pi : infos) out.add(new TopicPartition(topic, pi.partition()));
        return out;
    }

    /** The topic's committed end offsets now: where this run's rows will start. */
    public static Map<TopicPartition, Long> endOffsets(ParsedOptions o, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(o)) {
            return new HashMap<>(c.endOffsets(partitions(c, topic), TIMEOUT));
        }
    }

    /**
     * Every JSON row committed on {@code topic} after {@code from}, once everything written so far
     * is decided. A producer's commit returns before the broker has written the commit markers, so
     * right after a run the last stable offset can still sit below the run's records; reading up to
     * it then would silently miss part of the report. So first wait until the last stable offset
     * (read_committed end) reaches the high watermark seen now.
     */
    public static List<JsonNode> readSince(
            ParsedOptions o, String topic, Map<TopicPartition, Long> from) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<JsonNode> rows = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(o)) {
            List<TopicPartition> parts = partitions(c, topic);
            Map<TopicPartition, Long> written = highWatermarks(o, parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, TIMEOUT);
            while (parts.stream().anyMatch(tp -> end.get(tp) < written.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the report on "
                                    + topic
                                    + " is not committed after "
                                    + TIMEOUT
                                    + " (an open transaction on the topic?)");
                }
                sleepBriefly();
                end.putAll(c.endOffsets(parts, TIMEOUT));
            }
            c.assign(parts);
            for (TopicPartition tp : parts) c.seek(tp, from.getOrDefault(tp, 0L));
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading the report from " + topic);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    try {
                        rows.add(MAPPER.readTree(r.value()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return rows;
    }

    private static Map<TopicPartition, Long> highWatermarks(
            ParsedOptions o, List<TopicPartition> parts) {
        Properties p = KafkaSettings.clientProperties(o);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return new HashMap<>(c.endOffsets(parts, TIMEOUT));
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(50); // polling the broker for its last stable offset, not a fixed wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
