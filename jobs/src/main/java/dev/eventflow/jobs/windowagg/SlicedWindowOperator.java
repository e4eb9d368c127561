package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.jobs.windowstats.WindowAssembler;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowSpec;
import dev.eventflow.jobs.windowstats.WindowStatsAccumulator;
import dev.eventflow.jobs.windowstats.WindowStatsAccumulatorSerializer;
import dev.eventflow.jobs.windowstats.WindowStatsAggregate;
import java.util.HashMap;
import java.util.Iterator;
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
 * <h2>One state access per key and slice, not per event</h2>
 *
 * With RocksDB every state access is a JNI call and a (de)serialization. The operator therefore
 * keeps a bounded write-back cache of slice accumulators on the heap: the first access to a (user,
 * slice) reads it from state, later events and window firings use the cached object, and dirty
 * slices are written back once, before each checkpoint barrier ({@link #prepareSnapshotPreBarrier})
 * or when the cache reaches {@code maxCachedSlices} entries. A checkpoint therefore holds every
 * event before its barrier, and nothing else: exactly-once and restore are unchanged, and the cache
 * is empty after a restore. The cache is also emptied at each barrier, because with the heap
 * backend the cached objects are the state's own objects, which an asynchronous snapshot may still
 * be writing (re-reading them afterwards lets the heap backend copy on write).
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
    static final String TIMERS = "window-slice-timers";

    /** The keyed state of the per-window layout (Flink's {@code WindowOperator}). */
    static final String LEGACY_WINDOW_STATE = "window-contents";

    /** Default bound of the slice cache: ~2 KB per slice worst case, so at most ~100 MB. */
    public static final int DEFAULT_MAX_CACHED_SLICES = 50_000;

    private final WindowSpec spec;
    private final int maxCachedSlices;

    private transient WindowStatsAggregate aggregate;
    private transient MapState<Long, WindowStatsAccumulator> slices;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient WindowAssembler assembler;
    private transient StreamRecord<WindowResult> reuse;

    /** user -> slice start -> cached slice. */
    private transient Map<String, Map<Long, CachedSlice>> cache;

    private transient int cachedSlices;

    public SlicedWindowOperator(WindowSpec spec) {
        this(spec, DEFAULT_MAX_CACHED_SLICES);
    }

    public SlicedWindowOperator(WindowSpec spec, int maxCachedSlices) {
        if (maxCachedSlices < 1) {
            throw new IllegalArgumentException("maxCachedSlices must be positive");
        }
        this.spec = spec;
        this.maxCachedSlices = maxCachedSlices;
    }

    /** One cached slice; {@code acc == null} caches "no such slice in state". */
    private static final class CachedSlice {
        WindowStatsAccumulator acc;
        boolean dirty;

        CachedSlice(WindowStatsAccumulator acc) {
            this.acc = acc;
        }
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
                            + " at the switch come out incomplete, all later ones exact. See the"
                            + " README, 'Savepoint upgrades: the runbook', window state layout.");
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
        cache = new HashMap<>();
        cachedSlices = 0;
        getMetricGroup().gauge("cachedSlices", () -> cachedSlices);
    }

    @Override
    public void processElement(StreamRecord<UserEvent> record) throws Exception {
        UserEvent event = record.getValue();
        long watermark = timers.currentWatermark();
        long firstOpen = spec.firstOpenWindowMaxTimestamp(event.eventTime, watermark);
        if (firstOpen == Long.MIN_VALUE) {
            return; // late for every window: the router upstream already reported it
        }
        String user = (String) getCurrentKey();
        if (cachedSlices >= maxCachedSlices) {
            writeBack();
            setCurrentKey(user);
        }
        long slice = spec.paneStart(event.eventTime);
        CachedSlice cached = lookup(user, slice);
        if (cached.acc == null) {
            // A new slice: arm the first window that will read it. Later windows are armed by
            // each firing in turn (onEventTime), so no timer is registered per event.
            cached.acc = aggregate.createAccumulator();
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, firstOpen);
        }
        aggregate.add(event, cached.acc);
        cached.dirty = true;
    }

    /** Fires the window whose last millisecond is the timer's time, for the timer's user. */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        String user = timer.getKey();
        if (cachedSlices >= maxCachedSlices) {
            writeBack();
            setCurrentKey(user);
        }
        long maxTimestamp = timer.getTimestamp();
        long windowEnd = maxTimestamp + 1;
        long windowStart = windowEnd - spec.sizeMs;
        long expiresBefore = windowStart + spec.slideMs; // slices no later window contains
        assembler.reset();
        boolean remaining = false;
        for (long s = windowStart; s < windowEnd; s += spec.paneMs) {
            CachedSlice cached = lookup(user, s);
            if (cached.acc == null) continue;
            assembler.add(cached.acc);
            if (s < expiresBefore) {
                slices.remove(s);
                cached.acc = null;
                cached.dirty = false;
            } else {
                remaining = true;
            }
        }
        if (!assembler.isEmpty()) {
            output.collect(
                    reuse.replace(assembler.toResult(user, windowStart, windowEnd), maxTimestamp));
        }
        if (remaining) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, maxTimestamp + spec.slideMs);
        }
        // Forget what no later firing of this window chain reads: expired slices, and once the
        // chain ends, the cached "no such slice" entries too.
        evictClean(user, remaining ? expiresBefore : windowEnd);
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

    /** The cached slice of {@code user} (the current key), read from state on a miss. */
    private CachedSlice lookup(String user, long slice) throws Exception {
        Map<Long, CachedSlice> byStart = cache.computeIfAbsent(user, u -> new HashMap<>());
        CachedSlice cached = byStart.get(slice);
        if (cached == null) {
            cached = new CachedSlice(slices.get(slice));
            byStart.put(slice, cached);
            cachedSlices++;
        }
        return cached;
    }

    /** Drops the user's cache entries that need no write-back, for slices before {@code bound}. */
    private void evictClean(String user, long bound) {
        Map<Long, CachedSlice> byStart = cache.get(user);
        if (byStart == null) return;
        Iterator<Map.Entry<Long, CachedSlice>> it = byStart.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, CachedSlice> e = it.next();
            if (e.getKey() < bound && !e.getValue().dirty) {
                it.remove();
                cachedSlices--;
            }
        }
        if (byStart.isEmpty()) cache.remove(user);
    }

    /**
     * Writes every dirty slice back to keyed state and empties the cache. Changes the current key:
     * callers in the middle of a record or timer set theirs again.
     */
    private void writeBack() throws Exception {
        for (Map.Entry<String, Map<Long, CachedSlice>> user : cache.entrySet()) {
            boolean keySet = false;
            for (Map.Entry<Long, CachedSlice> e : user.getValue().entrySet()) {
                CachedSlice cached = e.getValue();
                if (!cached.dirty) continue;
                if (!keySet) {
                    setCurrentKey(user.getKey());
                    keySet = true;
                }
                slices.put(e.getKey(), cached.acc);
            }
        }
        cache.clear();
        cachedSlices = 0;
    }

    /** For tests: slices held in the cache. */
    int cachedSlices() {
        return cachedSlices;
    }
}
