package dev.eventflow.jobs.lateaudit;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.metrics.SuiteMetrics;
import dev.eventflow.common.time.WatermarkFloor;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Classifies every event against the two tiers ({@link AuditSpec#classify}) and picks its audit
 * window; samples late and lost events to the {@link #SAMPLES} side output; exposes the late SLIs
 * as metrics.
 *
 * <p>It runs after a {@code keyBy}, so the watermark it reads is the minimum over every Kafka
 * partition (before a shuffle, a subtask sees only its own partitions' minimum), the same watermark
 * a keyed operator of the fast path would hold.
 *
 * <p><b>Restarts.</b> After a restore, Flink's watermark starts again at {@code Long.MIN_VALUE} and
 * only catches up once the source has re-read enough data; a classifier reading it naively would
 * call every replayed event on time, and a restart would silently rewrite history. This one keeps a
 * {@link WatermarkFloor} (fed by {@link LateClassifierOperator} with every watermark) and
 * classifies against {@code max(floor, current watermark)}: across a restore the audit watermark
 * never goes back. The floor follows the suite's one rule: the minimum over the subtasks on restore
 * (at an aligned checkpoint every subtask holds the same input watermark, as watermarks are
 * broadcast and barriers align behind them), and never the end-of-input watermark, so a job
 * restored from a drained savepoint does not call every later event lost.
 *
 * <p>Metrics (operator scope): {@code onTimeEvents}, {@code lateEvents}, {@code lostEvents}, {@code
 * sampledEvents} (counters); {@code lateRatio} ((late + lost) / all since start), {@code
 * maxLatenessMs} (since start), {@code watermarkLagMs} (wall clock minus the main-tier watermark)
 * and {@code auditWatermarkLagMs} (gauges; -1 before the first watermark).
 *
 * <p>No keyed state, no timers: the key only routes events.
 */
public final class LateClassifier extends KeyedProcessFunction<String, UserEvent, AuditEntry>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<LateSample> SAMPLES = new OutputTag<>("late-samples") {};

    private final AuditSpec spec;

    /** Null: no sampling. */
    private final LateSampler sampler;

    static final String FLOOR_STATE = "audit-watermark-floor";

    /** Events on time for the main tier. (Late ones: {@link SuiteMetrics#LATE_EVENTS}.) */
    public static final String ON_TIME_EVENTS = "eventflow_on_time_events_total";

    /** Events behind even the audit tier's watermark. */
    public static final String LOST_EVENTS = "eventflow_lost_events_total";

    /** Late or lost events written to the samples topic. */
    public static final String SAMPLED_EVENTS = "eventflow_sampled_late_events_total";

    /** (late + lost) / all events since start: the late SLI. */
    public static final String LATE_RATIO = "eventflow_late_ratio";

    /** The largest lateness behind the main tier's watermark since start. */
    public static final String MAX_LATENESS = "eventflow_max_lateness_seconds";

    /** Processing time minus the audit tier's watermark. */
    public static final String AUDIT_WATERMARK_LAG = "eventflow_audit_watermark_lag_seconds";

    private transient WatermarkFloor floor;
    private transient volatile long maxLatenessMs;

    private transient Counter onTime;
    private transient Counter late;
    private transient Counter lost;
    private transient Counter sampled;

    public LateClassifier(AuditSpec spec, LateSampler sampler) {
        this.spec = spec;
        this.sampler = sampler;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        floor = WatermarkFloor.restore(context, FLOOR_STATE);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        floor.snapshot();
    }

    @Override
    public void open(OpenContext openContext) {
        SuiteMetrics metrics = SuiteMetrics.of(getRuntimeContext());
        onTime = metrics.counter(ON_TIME_EVENTS);
        late = metrics.lateEvents();
        lost = metrics.counter(LOST_EVENTS);
        sampled = metrics.counter(SAMPLED_EVENTS);
        metrics.gauge(LATE_RATIO, this::lateRatio);
        metrics.gauge(MAX_LATENESS, () -> maxLatenessMs / 1000.0);
        metrics.watermarkLag(() -> spec.mainWatermark(floor.get()));
        metrics.gauge(
                AUDIT_WATERMARK_LAG,
                () -> SuiteMetrics.lagSeconds(floor.get(), System.currentTimeMillis()));
    }

    /** Called by {@link LateClassifierOperator} with every input watermark. */
    void observeWatermark(long watermark) {
        floor.advance(watermark);
    }

    @Override
    public void processElement(UserEvent event, Context ctx, Collector<AuditEntry> out) {
        observeWatermark(ctx.timerService().currentWatermark());
        long audit = floor.get();
        Tier tier = spec.classify(event.eventTime, audit);
        long lateness = spec.latenessMs(event.eventTime, audit);
        out.collect(
                new AuditEntry(
                        spec.windowStart(event.eventTime, audit), event.userId, tier, lateness));
        switch (tier) {
            case ON_TIME:
                onTime.inc();
                return;
            case LATE:
                late.inc();
                break;
            default:
                lost.inc();
        }
        if (lateness > maxLatenessMs) maxLatenessMs = lateness;
        if (sampler != null && sampler.sampled(event.eventId)) {
            sampled.inc();
            ctx.output(SAMPLES, new LateSample(event, tier, spec.mainWatermark(audit), lateness));
        }
    }

    private double lateRatio() {
        long missed = late.getCount() + lost.getCount();
        long all = missed + onTime.getCount();
        return all == 0 ? 0.0 : (double) missed / all;
    }

    /** For tests: the audit watermark the next event would be classified against, at least. */
    long floor() {
        return floor.get();
    }
}
