package dev.eventflow.jobs.runningcounts;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.metrics.SuiteMetrics;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Spark's {@code applyInPandasWithState(update_count, ..., outputMode="update", timeoutConf)} on
 * Flink: per user_id, a {@link UserActivity} in {@link ValueState}, and one {@link ActivityUpdate}
 * with status {@code active} emitted on every event (update mode).
 *
 * <p>Timeouts ({@link TimeoutMode}), each with exactly one timer per user, moved on every event
 * (the previous one is deleted, so timers never pile up):
 *
 * <ul>
 *   <li>{@code EVENT_TIME}: fires when the watermark reaches {@code last_seen + timeout} ({@code
 *       last_seen} = greatest event time seen, so an out-of-order event does not move it);
 *   <li>{@code PROCESSING_TIME}: fires {@code timeout} of wall-clock time after the user's last
 *       event;
 *   <li>{@code NONE}: no timer; the state lives until {@code --state-ttl}, if set, expires it.
 * </ul>
 *
 * On timeout it emits the final row with status {@code expired}, then a tombstone for the user, and
 * clears the state: afterwards the user holds no state and no timer, and a new event starts again
 * from count 1.
 *
 * <p>The optional state TTL ({@link StateTtlConfig}, processing time, refreshed on every write) is
 * a silent safety net: an expired value is never returned and is removed in the background (RocksDB
 * compaction filter, or incrementally on the heap backend); it emits nothing. A timer that fires
 * for a user whose state the TTL already removed does nothing.
 */
public final class RunningCountFunction
        extends KeyedProcessFunction<String, UserEvent, ActivityUpdate> {
    private static final long serialVersionUID = 1L;

    /** The state's name: part of the savepoint format together with the operator uid. */
    public static final String STATE_NAME = "activity";

    /** Flink's POJO type information for the state (never a generic/Kryo type). */
    public static final TypeInformation<UserActivity> STATE_TYPE =
            TypeInformation.of(UserActivity.class);

    private final TimeoutMode mode;
    private final long timeoutMs;
    private final long stateTtlMs;

    private transient ValueState<UserActivity> activity;

    /** Users whose state timed out and was cleared (a tombstone was written). */
    public static final String EXPIRED_USERS = "eventflow_expired_users_total";

    private transient Counter expiredUsers;
    private transient SuiteMetrics.WatermarkLag watermarkLag;

    /**
     * @param timeout the timeout for {@code PROCESSING_TIME} and {@code EVENT_TIME}; ignored for
     *     {@code NONE}
     * @param stateTtl zero for no TTL
     */
    public RunningCountFunction(TimeoutMode mode, Duration timeout, Duration stateTtl) {
        if (mode != TimeoutMode.NONE && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("a timeout mode needs a positive timeout");
        }
        this.mode = mode;
        this.timeoutMs = timeout.toMillis();
        this.stateTtlMs = stateTtl.toMillis();
    }

    /** The state descriptor, with the TTL when one is configured. */
    static ValueStateDescriptor<UserActivity> descriptor(long stateTtlMs) {
        ValueStateDescriptor<UserActivity> d = new ValueStateDescriptor<>(STATE_NAME, STATE_TYPE);
        if (stateTtlMs > 0) {
            d.enableTimeToLive(
                    StateTtlConfig.newBuilder(Duration.ofMillis(stateTtlMs))
                            .updateTtlOnCreateAndWrite()
                            .neverReturnExpired()
                            .build());
        }
        return d;
    }

    @Override
    public void open(OpenContext openContext) {
        activity = getRuntimeContext().getState(descriptor(stateTtlMs));
        SuiteMetrics metrics = SuiteMetrics.of(getRuntimeContext());
        expiredUsers = metrics.counter(EXPIRED_USERS);
        watermarkLag = metrics.watermarkLag();
    }

    @Override
    public void processElement(UserEvent event, Context ctx, Collector<ActivityUpdate> out)
            throws Exception {
        watermarkLag.observe(ctx.timerService().currentWatermark());
        UserActivity a = activity.value();
        if (a == null) {
            a = UserActivity.first(event.eventTime, event.sessionId);
        } else {
            a.add(event.eventTime, event.sessionId);
        }
        TimerService timers = ctx.timerService();
        if (mode == TimeoutMode.EVENT_TIME) {
            long next = a.lastSeen + timeoutMs;
            if (next != a.timerAt) {
                if (a.timerAt != UserActivity.NO_TIMER) timers.deleteEventTimeTimer(a.timerAt);
                timers.registerEventTimeTimer(next);
                a.timerAt = next;
            }
        } else if (mode == TimeoutMode.PROCESSING_TIME) {
            long next = timers.currentProcessingTime() + timeoutMs;
            if (next != a.timerAt) {
                if (a.timerAt != UserActivity.NO_TIMER) timers.deleteProcessingTimeTimer(a.timerAt);
                timers.registerProcessingTimeTimer(next);
                a.timerAt = next;
            }
        }
        activity.update(a);
        out.collect(ActivityUpdate.of(ctx.getCurrentKey(), a, ActivityUpdate.ACTIVE));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ActivityUpdate> out)
            throws Exception {
        watermarkLag.observe(ctx.timerService().currentWatermark());
        UserActivity a = activity.value();
        if (a == null || a.timerAt != timestamp) {
            return; // the TTL removed the state first; nothing left to expire
        }
        String user = ctx.getCurrentKey();
        out.collect(ActivityUpdate.of(user, a, ActivityUpdate.EXPIRED));
        out.collect(ActivityUpdate.tombstone(user));
        activity.clear();
        expiredUsers.inc();
    }
}
