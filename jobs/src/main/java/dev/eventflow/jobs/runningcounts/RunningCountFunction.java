package dev.eventflow.jobs.runningcounts;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.metrics.SuiteMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Spark's {@code applyInPandasWithState(update_count, ..., outputMode="update", timeoutConf)} on
 * Flink: per user_id, a {@link UserActivity} in {@link ValueState}, and one {@link ActivityUpdate}
 * with status {@code active} emitted per event (update mode).
 *
 * <p>Timeouts ({@link TimeoutMode}):
 *
 * <ul>
 *   <li>{@code EVENT_TIME}: session-window semantics, independent of read speed. Events wait in
 *       keyed list state {@value #BUFFER_STATE} until the watermark passes their event time, and
 *       are then applied in event-time order (arrival order among equal times): a session ends
 *       where the gap between consecutive events in that order exceeds the timeout, i.e. when the
 *       watermark reaches {@code last_seen + timeout}. Each applied event emits its {@code active}
 *       row; the end of a session emits its {@code expired} row and a tombstone. Because the
 *       watermark promises that no earlier event is still to come, the rows are the same whatever
 *       the read speed, the interleaving of partitions or the parallelism. The price: an event's
 *       row is written when the watermark passes it (the watermark delay after it), not at once.
 *       One timer per user, at the earliest of its oldest buffered event and {@code last_seen +
 *       timeout} (kept in {@value #TIMER_STATE} so that it can be moved).
 *   <li>{@code PROCESSING_TIME}: each event applied and emitted at once; the timer fires {@code
 *       timeout} of wall-clock time after the user's last event (one timer per user, moved on every
 *       event): wall-clock inactivity, by nature not reproducible by a replay.
 *   <li>{@code NONE}: no timer; the state lives until {@code --state-ttl}, if set, expires it.
 * </ul>
 *
 * On timeout it emits the final row with status {@code expired}, then a tombstone for the user, and
 * clears the state: afterwards the user holds no state and no timer, and a new event starts again
 * from count 1.
 *
 * <p>The optional state TTL ({@link StateTtlConfig}, processing time, refreshed on every write)
 * applies to the {@link UserActivity} and is a silent safety net: an expired value is never
 * returned and is removed in the background (RocksDB compaction filter, or incrementally on the
 * heap backend); it emits nothing. A timer that fires for a user whose state the TTL already
 * removed does nothing. Buffered events are not subject to it: the watermark drains them.
 */
public final class RunningCountFunction
        extends KeyedProcessFunction<String, UserEvent, ActivityUpdate> {
    private static final long serialVersionUID = 1L;

    /** The state's name: part of the savepoint format together with the operator uid. */
    public static final String STATE_NAME = "activity";

    /** Event-time mode: the events the watermark has not passed yet. */
    public static final String BUFFER_STATE = "event-time-buffer";

    /** Event-time mode: the time of the user's one timer. */
    public static final String TIMER_STATE = "event-time-timer";

    /** Flink's POJO type information for a buffered event. */
    public static final TypeInformation<PendingEvent> PENDING_TYPE =
            TypeInformation.of(PendingEvent.class);

    /** Flink's POJO type information for the state (never a generic/Kryo type). */
    public static final TypeInformation<UserActivity> STATE_TYPE =
            TypeInformation.of(UserActivity.class);

    private final TimeoutMode mode;
    private final long timeoutMs;
    private final long stateTtlMs;

    private transient ValueState<UserActivity> activity;
    private transient ListState<PendingEvent> buffer; // event-time mode
    private transient ValueState<Long> timerAt; // event-time mode

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
        if (mode == TimeoutMode.EVENT_TIME) {
            buffer =
                    getRuntimeContext()
                            .getListState(new ListStateDescriptor<>(BUFFER_STATE, PENDING_TYPE));
            timerAt =
                    getRuntimeContext()
                            .getState(new ValueStateDescriptor<>(TIMER_STATE, Types.LONG));
        }
        SuiteMetrics metrics = SuiteMetrics.of(getRuntimeContext());
        expiredUsers = metrics.counter(EXPIRED_USERS);
        watermarkLag = metrics.watermarkLag();
    }

    @Override
    public void processElement(UserEvent event, Context ctx, Collector<ActivityUpdate> out)
            throws Exception {
        watermarkLag.observe(ctx.timerService().currentWatermark());
        if (mode == TimeoutMode.EVENT_TIME) {
            // Applied when the watermark passes it (onTimer), in event-time order.
            buffer.add(new PendingEvent(event.eventTime, event.sessionId));
            Long at = timerAt.value();
            if (at == null || event.eventTime < at) {
                moveTimer(ctx.timerService(), at, event.eventTime);
            }
            return;
        }
        UserActivity a = activity.value();
        if (a == null) {
            a = UserActivity.first(event.eventTime, event.sessionId);
        } else {
            a.add(event.eventTime, event.sessionId);
        }
        if (mode == TimeoutMode.PROCESSING_TIME) {
            TimerService timers = ctx.timerService();
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

    private void moveTimer(TimerService timers, Long from, long to) throws Exception {
        if (from != null) timers.deleteEventTimeTimer(from);
        timers.registerEventTimeTimer(to);
        timerAt.update(to);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ActivityUpdate> out)
            throws Exception {
        watermarkLag.observe(ctx.timerService().currentWatermark());
        if (mode == TimeoutMode.EVENT_TIME) {
            onEventTimeTimer(ctx, out);
            return;
        }
        UserActivity a = activity.value();
        if (a == null || a.timerAt != timestamp) {
            return; // the TTL removed the state first; nothing left to expire
        }
        expire(ctx.getCurrentKey(), a, out);
        activity.clear();
    }

    /**
     * Event time: applies, in event-time order, every buffered event the watermark has passed,
     * ending a session before an event more than the timeout after its last one, and ends the
     * current session if the watermark has passed its {@code last_seen + timeout}. Then re-arms the
     * user's one timer at the earliest next step, or leaves the user without state or timer.
     */
    private void onEventTimeTimer(OnTimerContext ctx, Collector<ActivityUpdate> out)
            throws Exception {
        String user = ctx.getCurrentKey();
        long watermark = ctx.timerService().currentWatermark();
        UserActivity a = activity.value(); // null: none yet, expired, or removed by the TTL
        List<PendingEvent> pending = new ArrayList<>();
        for (PendingEvent e : buffer.get()) pending.add(e);
        pending.sort(BY_EVENT_TIME); // stable: equal times keep their arrival order
        int due = 0;
        while (due < pending.size() && pending.get(due).eventTime <= watermark) {
            PendingEvent e = pending.get(due++);
            if (a != null && e.eventTime - a.lastSeen > timeoutMs) {
                expire(user, a, out); // the gap before e exceeds the timeout: a new session
                a = null;
            }
            if (a == null) {
                a = UserActivity.first(e.eventTime, e.sessionId);
            } else {
                a.add(e.eventTime, e.sessionId);
            }
            out.collect(ActivityUpdate.of(user, a, ActivityUpdate.ACTIVE));
        }
        if (a != null && a.lastSeen + timeoutMs <= watermark) {
            expire(user, a, out);
            a = null;
        }
        if (a == null) {
            activity.clear();
        } else {
            a.timerAt = UserActivity.NO_TIMER; // the timer lives in TIMER_STATE in this mode
            activity.update(a);
        }
        long next = Long.MAX_VALUE;
        if (due < pending.size()) {
            buffer.update(pending.subList(due, pending.size()));
            next = pending.get(due).eventTime;
        } else {
            buffer.clear();
        }
        if (a != null) next = Math.min(next, a.lastSeen + timeoutMs);
        Long at = timerAt.value();
        if (next == Long.MAX_VALUE) {
            if (at != null) ctx.timerService().deleteEventTimeTimer(at);
            timerAt.clear();
        } else if (at == null || at != next) {
            moveTimer(ctx.timerService(), at, next);
        }
    }

    private void expire(String user, UserActivity a, Collector<ActivityUpdate> out) {
        out.collect(ActivityUpdate.of(user, a, ActivityUpdate.EXPIRED));
        out.collect(ActivityUpdate.tombstone(user));
        expiredUsers.inc();
    }

    private static final Comparator<PendingEvent> BY_EVENT_TIME =
            Comparator.comparingLong(e -> e.eventTime);
}
