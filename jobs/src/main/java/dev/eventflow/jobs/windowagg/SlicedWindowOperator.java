package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.metrics.SuiteMetrics;
import dev.eventflow.jobs.windowstats.WindowAssembler;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowSpec;
import dev.eventflow.jobs.windowstats.WindowStatsAccumulator;
import dev.eventflow.jobs.windowstats.WindowStatsAccumulatorSerializer;
import dev.eventflow.jobs.windowstats.WindowStatsAggregate;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Sliding (and tumbling) event-time windows, aggregated per slice: the window operator of {@code
 * window-aggregation}. Same rows as Flink's {@code SlidingEventTimeWindows} with an incremental
 * aggregate ({@link NaiveWindowTopology}), at a fraction of the state traffic.
 *
 * <h2>Slices</h2>
 *
 * Time is cut into slices of {@link WindowSpec#paneMs} (the slide, when it divides the size). Each
 * event updates exactly one accumulator: its user's slice. When the watermark passes a window's
 * last millisecond, the window's row is assembled from the slices it spans ({@link
 * WindowAssembler}: counts add, min/max combine, HLL sketches union), and the slices no later
 * window needs are deleted. A 5-minute window sliding by 1 minute thus costs one accumulator update
 * per event instead of five, and five slice reads per emitted row.
 *
 * <p>Partial lateness is exactly as in the per-window operator: an event whose oldest windows have
 * already fired still lands in its slice, so it counts in the windows that are still open, and not
 * in the ones already emitted (they never fire twice). Events late for all their windows never
 * reach this operator ({@link LateEventRouter} sends them to the late topic); should one arrive
 * anyway, it is dropped, as Flink's window operator would.
 *
 * <h2>State and timers</h2>
 *
 * Keyed {@link MapState} {@value #SLICES_STATE}: slice start to {@link WindowStatsAccumulator}, so
 * a key holds at most {@code size / pane + 1} slices (plus slices of events ahead of the
 * watermark). One event-time timer per key and pending window end: registered when a slice is
 * created (at the first window containing it that is still open), and re-armed one slide later by
 * each firing while slices remain. When the watermark has passed every window of a key, its state
 * and timers are gone.
 *
 * <h2>One state access per user, not per event</h2>
 *
 * With RocksDB every state access is a JNI call and a (de)serialization. The operator therefore
 * keeps a bounded write-back cache on the heap, one entry per user holding all of the user's slices
 * ({@link UserSlices}): the first time a user is seen, its slices are read from state in one scan;
 * later events and window firings work on the cached objects; slices a firing no longer needs are
 * deleted from state at once, and changed slices are written back once, before each checkpoint
 * barrier ({@link #prepareSnapshotPreBarrier}), or when the least recently used user leaves a full
 * cache ({@code maxCachedUsers}). A checkpoint therefore holds every event before its barrier and
 * nothing else: exactly-once and restore are unchanged, and the cache starts empty after a restore.
 *
 * <p>With RocksDB the cached objects are independent copies, so the cache survives checkpoints and
 * steady state touches RocksDB only to write each changed slice once per checkpoint, to delete
 * expired slices, and for timers. With the heap backend the cached objects are the state's own
 * objects, which an asynchronous snapshot may still be writing: the cache is emptied at each
 * barrier, and the next access lets the heap backend copy on write.
 *
 * <h2>Upgrades</h2>
 *
 * It keeps the uid of the per-window operator it replaced, so that a savepoint of that older layout
 * is recognised at restore and refused with instructions ({@link #LEGACY_WINDOW_STATE}), instead of
 * being silently dropped or failing deep inside Flink.
 */
public final class SlicedWindowOperator extends AbstractStreamOperator<WindowResult>
        implements OneInputStreamOperator<UserEvent, WindowResult>,
                Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;

    static final String SLICES_STATE = "window-slices";

    /** Users whose slices this subtask holds deserialized in its cache (bounded by the cache). */
    public static final String CACHED_KEYS = "eventflow_window_cached_keys";

    static final String TIMERS = "window-slice-timers";

    /** The keyed state of the per-window layout (Flink's {@code WindowOperator}). */
    static final String LEGACY_WINDOW_STATE = "window-contents";

    /**
     * Default bound of the cache, in users: a few KB per user with small sketches, ~15 KB at worst
     * (six slices of full lgK-12 sketches), so at most ~150 MB per subtask.
     */
    public static final int DEFAULT_MAX_CACHED_USERS = 10_000;

    private final WindowSpec spec;
    private final int maxCachedUsers;

    private transient WindowStatsAggregate aggregate;
    private transient MapState<Long, WindowStatsAccumulator> slices;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient WindowAssembler assembler;
    private transient StreamRecord<WindowResult> reuse;

    /** user -> its slices, least recently used first. */
    private transient LinkedHashMap<String, UserSlices> cache;

    /** Whether cached objects stay valid across a snapshot (a serializing backend: RocksDB). */
    private transient boolean keepCacheOnSnapshot;

    public SlicedWindowOperator(WindowSpec spec) {
        this(spec, DEFAULT_MAX_CACHED_USERS);
    }

    public SlicedWindowOperator(WindowSpec spec, int maxCachedUsers) {
        if (maxCachedUsers < 1) {
            throw new IllegalArgumentException("maxCachedUsers must be positive");
        }
        this.spec = spec;
        this.maxCachedUsers = maxCachedUsers;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        if (context.isRestored()) {
            refuseLegacyWindowState();
        }
    }

    private void refuseLegacyWindowState() {
        Optional<?> legacy;
        try (var keys = getKeyedStateBackend().getKeysAndNamespaces(LEGACY_WINDOW_STATE)) {
            legacy = keys.findAny();
        }
        if (legacy.isPresent()) {
            @SuppressWarnings("unchecked")
            Tuple2<Object, Object> entry = (Tuple2<Object, Object>) legacy.get();
            throw new IllegalStateException(
                    "This savepoint holds window-aggregation state in the per-window layout of"
                            + " earlier versions (keyed state '"
                            + LEGACY_WINDOW_STATE
                            + "', e.g. user "
                            + entry.f0
                            + " window "
                            + entry.f1
                            + "); this version keeps one accumulator per slice and cannot"
                            + " convert it (overlapping windows cannot be split into slices, an"
                            + " HLL sketch cannot be divided). Start this version WITHOUT the"
                            + " savepoint, with the old job's --group-id and --starting-offsets"
                            + " committed: it resumes where the old job stopped, the windows open"
                            + " at the switch come out incomplete, all later ones exact. See"
                            + " docs/operations.md, 'Savepoint upgrades: the runbook'.");
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        aggregate = new WindowStatsAggregate(spec.lgK);
        slices =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        SLICES_STATE,
                                        LongSerializer.INSTANCE,
                                        WindowStatsAccumulatorSerializer.INSTANCE));
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        assembler = new WindowAssembler(spec.lgK);
        reuse = new StreamRecord<>(null);
        cache = new LinkedHashMap<>(16, 0.75f, true);
        keepCacheOnSnapshot = "rocksdb".equals(getKeyedStateBackend().getBackendTypeIdentifier());
        SuiteMetrics.of(getMetricGroup()).gauge(CACHED_KEYS, () -> cache.size());
    }

    @Override
    public void processElement(StreamRecord<UserEvent> record) throws Exception {
        UserEvent event = record.getValue();
        long firstOpen =
                spec.firstOpenWindowMaxTimestamp(event.eventTime, timers.currentWatermark());
        if (firstOpen == Long.MIN_VALUE) {
            return; // late for every window: the router upstream already reported it
        }
        String user = (String) getCurrentKey();
        UserSlices mine = cached(user);
        long start = spec.paneStart(event.eventTime);
        int i = mine.indexOf(start);
        if (i < 0) {
            // A new slice: arm the first window that will read it. Later windows are armed by
            // each firing in turn (onEventTime), so no timer is registered per event.
            i = mine.insert(start, aggregate.createAccumulator(), false);
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, firstOpen);
        }
        aggregate.add(event, mine.acc(i));
        mine.markDirty(i);
    }

    /**
     * Fires the window whose last millisecond is the timer's time, for the timer's user, and every
     * later window of the user that the watermark has also passed (a watermark that jumps several
     * slides, as in a catch-up, then costs one timer per user instead of one per window). Re-arms
     * the timer for the user's next window while the user has slices in it.
     */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        String user = timer.getKey();
        UserSlices mine = cached(user);
        long watermark = timers.currentWatermark();
        long maxTimestamp = timer.getTimestamp();
        boolean next = fire(user, mine, maxTimestamp);
        for (maxTimestamp += spec.slideMs;
                next && maxTimestamp <= watermark;
                maxTimestamp += spec.slideMs) {
            // This window fires now, so a timer a new slice armed for it must not fire it again.
            timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, maxTimestamp);
            next = fire(user, mine, maxTimestamp);
        }
        if (next) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, maxTimestamp);
        }
        // A user left with no slice stays cached (as "nothing in state"): most users come back
        // within minutes, and knowing that saves a state scan then. The LRU bound evicts them.
    }

    /**
     * Emits the user's window ending at {@code maxTimestamp} (if any slice of it holds events),
     * deletes the slices no later window needs, and says whether the next window holds any.
     */
    private boolean fire(String user, UserSlices mine, long maxTimestamp) throws Exception {
        long windowEnd = maxTimestamp + 1;
        long windowStart = windowEnd - spec.sizeMs;
        long expiresBefore = windowStart + spec.slideMs; // slices no later window contains
        assembler.reset();
        boolean remaining = false;
        for (int i = 0; i < mine.size(); i++) {
            long start = mine.start(i);
            if (start >= windowEnd) break;
            if (start < windowStart) continue; // cannot happen: such slices expired earlier
            assembler.add(mine.acc(i));
            if (start >= expiresBefore) {
                remaining = true;
            } else if (mine.isPersisted(i)) {
                slices.remove(start); // a slice never written back has nothing to delete
            }
        }
        mine.removeBefore(expiresBefore);
        if (!assembler.isEmpty()) {
            output.collect(
                    reuse.replace(assembler.toResult(user, windowStart, windowEnd), maxTimestamp));
        }
        return remaining;
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        writeBack();
    }

    /**
     * Writes back again, for callers that snapshot without the pre-barrier step (test harnesses).
     */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        writeBack();
        super.snapshotState(context);
    }

    /**
     * The cached slices of {@code user}, the current key: on a miss, read from state in one scan,
     * and the least recently used user written back and dropped if the cache is full.
     */
    private UserSlices cached(String user) throws Exception {
        UserSlices mine = cache.get(user);
        if (mine != null) return mine;
        mine = new UserSlices();
        for (Map.Entry<Long, WindowStatsAccumulator> e : slices.entries()) {
            mine.insert(e.getKey(), e.getValue(), true);
        }
        if (cache.size() >= maxCachedUsers) {
            Iterator<Map.Entry<String, UserSlices>> eldest = cache.entrySet().iterator();
            Map.Entry<String, UserSlices> evicted = eldest.next();
            eldest.remove();
            writeBack(evicted.getKey(), evicted.getValue());
            setCurrentKey(user);
        }
        cache.put(user, mine);
        return mine;
    }

    /**
     * Writes every changed slice back to keyed state; empties the cache unless its objects stay
     * valid across a snapshot. Changes the current key.
     */
    private void writeBack() throws Exception {
        for (Map.Entry<String, UserSlices> e : cache.entrySet()) {
            writeBack(e.getKey(), e.getValue());
        }
        if (!keepCacheOnSnapshot) {
            cache.clear();
        }
    }

    private void writeBack(String user, UserSlices mine) throws Exception {
        if (!mine.anyDirty()) return;
        setCurrentKey(user);
        for (int i = 0; i < mine.size(); i++) {
            if (mine.isDirty(i)) slices.put(mine.start(i), mine.acc(i));
        }
        mine.markAllWritten();
    }

    /** For tests: slices held in the cache (users with none do not count). */
    int cachedSlices() {
        int n = 0;
        for (UserSlices mine : cache.values()) n += mine.size();
        return n;
    }
}
