package dev.eventflow.common.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The one metrics vocabulary of the suite: every job registers its metrics through this class, on
 * its operator's metric group, so that the same fact has the same name in every job, in Flink's web
 * UI, in Prometheus, in the alert rules and in the dashboard.
 *
 * <p>Names follow Prometheus conventions, because Flink's Prometheus reporter exports a metric as
 * {@code flink_taskmanager_job_task_operator_<name>} without renaming it: snake case, an {@code
 * eventflow_} prefix, counters end in {@code _total}, gauges carry their unit ({@code _seconds},
 * {@code _bytes}, {@code _ratio}, {@code _keys}). Flink's reporter exports counters as Prometheus
 * gauges, so the {@code _total} suffix is written here, once, rather than added by the exporter.
 * {@link #counter} and {@link #gauge} refuse a name that breaks these rules, so a job-specific SLI
 * cannot drift from the vocabulary either.
 *
 * <p>Labels come from Flink's own scope (job, task, operator, subtask) plus one of ours: {@code
 * reason} on the dead letters (a short category, see {@link DeadLetterReasons}, so the label stays
 * bounded) and {@code output} on the records handed to a sink.
 */
public final class SuiteMetrics {

    /** Prefix of every metric of the vocabulary. */
    public static final String PREFIX = "eventflow_";

    /** Records read from Kafka, parsed or not (counted where they are split from dead letters). */
    public static final String RECORDS_IN = PREFIX + "records_in_total";

    /** Records handed to a Kafka sink, labelled {@code output} ({@code out}, {@code late}, ...). */
    public static final String RECORDS_OUT = PREFIX + "records_out_total";

    /** Malformed records sent to the dead-letter topic, all reasons. */
    public static final String DEAD_LETTERS = PREFIX + "dead_letters_total";

    /**
     * Malformed records by {@code reason} (Flink key group, so the full name has {@code reason_}).
     */
    public static final String DEAD_LETTERS_BY_REASON = PREFIX + "dead_letters_by_reason_total";

    /** Events (or rows) that arrived behind the watermark and went to the late output. */
    public static final String LATE_EVENTS = PREFIX + "late_events_total";

    /** Events that were late for some of their windows but still counted in the open ones. */
    public static final String PARTIALLY_LATE_EVENTS = PREFIX + "partially_late_events_total";

    /** (event, window) assignments dropped because the window had already fired. */
    public static final String DROPPED_WINDOW_ASSIGNMENTS =
            PREFIX + "dropped_window_assignments_total";

    /** Processing time minus the operator's current watermark; NaN before the first watermark. */
    public static final String WATERMARK_LAG = PREFIX + "watermark_lag_seconds";

    /** The label of {@link #DEAD_LETTERS_BY_REASON}. */
    public static final String REASON_LABEL = "reason";

    /** The label of {@link #RECORDS_OUT}. */
    public static final String OUTPUT_LABEL = "output";

    private static final List<String> GAUGE_UNITS =
            List.of("_seconds", "_bytes", "_ratio", "_keys", "_entries");

    private final MetricGroup group;
    private final Map<String, Counter> byReason = new HashMap<>();
    private Counter deadLetters;

    private SuiteMetrics(MetricGroup group) {
        this.group = group;
    }

    /** The vocabulary on a rich function's operator. */
    public static SuiteMetrics of(RuntimeContext context) {
        return new SuiteMetrics(context.getMetricGroup());
    }

    /** The vocabulary on an operator's (or a sink writer's) metric group. */
    public static SuiteMetrics of(MetricGroup group) {
        return new SuiteMetrics(group);
    }

    /** {@link #RECORDS_IN}. */
    public Counter recordsIn() {
        return group.counter(RECORDS_IN);
    }

    /** {@link #RECORDS_OUT} for one output of the job ({@code out}, {@code late}, {@code dlq}). */
    public Counter recordsOut(String output) {
        return group.addGroup(OUTPUT_LABEL, output).counter(RECORDS_OUT);
    }

    /**
     * Counts one dead letter in {@link #DEAD_LETTERS} and in {@link #DEAD_LETTERS_BY_REASON} under
     * its reason's category.
     */
    public void deadLetter(String reason) {
        if (deadLetters == null) deadLetters = group.counter(DEAD_LETTERS);
        deadLetters.inc();
        byReason.computeIfAbsent(
                        DeadLetterReasons.category(reason),
                        c -> group.addGroup(REASON_LABEL, c).counter(DEAD_LETTERS_BY_REASON))
                .inc();
    }

    /** Registers {@link #DEAD_LETTERS} at zero, so that the series exists before the first one. */
    public Counter deadLetters() {
        if (deadLetters == null) deadLetters = group.counter(DEAD_LETTERS);
        return deadLetters;
    }

    /** {@link #LATE_EVENTS}. */
    public Counter lateEvents() {
        return group.counter(LATE_EVENTS);
    }

    /** {@link #PARTIALLY_LATE_EVENTS}. */
    public Counter partiallyLateEvents() {
        return group.counter(PARTIALLY_LATE_EVENTS);
    }

    /** {@link #DROPPED_WINDOW_ASSIGNMENTS}. */
    public Counter droppedWindowAssignments() {
        return group.counter(DROPPED_WINDOW_ASSIGNMENTS);
    }

    /**
     * {@link #WATERMARK_LAG} of the watermark {@code watermark} returns (epoch ms, {@code
     * Long.MIN_VALUE} while there is none).
     */
    public void watermarkLag(LongSupplier watermark) {
        gauge(WATERMARK_LAG, () -> lagSeconds(watermark.getAsLong(), System.currentTimeMillis()));
    }

    /**
     * A {@link WatermarkLag} holder for functions that see the watermark only with each record
     * ({@code ctx.timerService().currentWatermark()}), registered as {@link #WATERMARK_LAG}.
     */
    public WatermarkLag watermarkLag() {
        WatermarkLag lag = new WatermarkLag();
        watermarkLag(lag::get);
        return lag;
    }

    /** A job-specific counter; its name must follow the vocabulary's rules. */
    public Counter counter(String name) {
        return group.counter(checkCounterName(name));
    }

    /** A job-specific gauge; its name must follow the vocabulary's rules. */
    public <T> void gauge(String name, Supplier<T> value) {
        group.gauge(checkGaugeName(name), (Gauge<T>) value::get);
    }

    /** Seconds from {@code watermark} to {@code now}, never negative; NaN without a watermark. */
    public static double lagSeconds(long watermark, long now) {
        if (watermark == Long.MIN_VALUE) return Double.NaN;
        return Math.max(0, now - watermark) / 1000.0;
    }

    static String checkCounterName(String name) {
        checkCommon(name);
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("counter " + name + " must end in _total");
        }
        return name;
    }

    static String checkGaugeName(String name) {
        checkCommon(name);
        if (name.endsWith("_total") || GAUGE_UNITS.stream().noneMatch(name::endsWith)) {
            throw new IllegalArgumentException(
                    "gauge " + name + " must end in its unit, one of " + GAUGE_UNITS);
        }
        return name;
    }

    private static void checkCommon(String name) {
        if (!name.startsWith(PREFIX) || !name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException(
                    "metric " + name + " must be snake case and start with " + PREFIX);
        }
    }

    /** The latest watermark a function has seen, for {@link #watermarkLag()}. */
    public static final class WatermarkLag {
        private volatile long watermark = Long.MIN_VALUE;

        /** Records the current watermark (ignores values below the highest seen). */
        public void observe(long currentWatermark) {
            if (currentWatermark > watermark) watermark = currentWatermark;
        }

        long get() {
            return watermark;
        }
    }
}
