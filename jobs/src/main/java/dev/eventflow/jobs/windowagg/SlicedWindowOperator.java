package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.metrics.SuiteMetrics;
import dev.eventflow.jobs.windowstats.WindowAssembler;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowSpec;
import dev.eventflow.jobs.windowstats.WindowStatsAccumulator;
import dev.eventflow.jobs.windowstats.WindowStatsAccumulatorSerializer;
import dev.eventflow.jobs.windowstats.WindowStatsAggregate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
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
 * <h2>Update mode ({@code --output-mode update})</h2>
 *
 * Built with an allowed lateness L ({@link #updating}), the operator keeps every slice until the
 * watermark has passed {@code end + L} of the last window containing it, and writes each window
 * several times, with its {@link WindowResult#revision} and {@link WindowResult#isFinal}:
 *
 * <ul>
 *   <li>revision 0 when the watermark passes the window's last millisecond (the same timer chain as
 *       append mode), final at once when L is 0;
 *   <li>for every event that arrives for a window already written but not yet past {@code end + L}:
 *       the window again, assembled from its slices with the event counted, revision + 1 (a window
 *       that was empty until then starts at revision 0);
 *   <li>when the watermark passes {@code end + L}: the window a last time, revision + 1, final.
 * </ul>
 *
 * Keyed {@link MapState} {@value #REVISIONS_STATE} (window end to the last revision written) holds
 * the windows written and not yet final; each has one timer at {@code end - 1 + L}, in the same
 * timer service as the firing chain, so that one user's work runs in event-time order: at timer
 * {@code t} the window due to be final at {@code t} is finalized, the window ending at {@code t +
 * 1} is fired, and then the slices whose every window is final are deleted. Every step is decided
 * by the timer's time, not by how far a watermark jumped, so a restore or a catch-up writes the
 * same rows. Append mode never touches this state or these timers.
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

    /** Update mode: window end to the last revision written, for windows not yet final. */
    static final String REVISIONS_STATE = "window-revisions";

    /** Users whose slices this subtask holds deserialized in its cache (bounded by the cache). */
    public static final String CACHED_KEYS = "eventflow_window_cached_keys";

    static final String TIMERS = "window-slice-timers";

    /** Operator state present only in snapshots taken in update mode. */
    static final String OUTPUT_MODE_STATE = "window-output-mode";

    /** The keyed state of the per-window layout (Flink's {@code WindowOperator}). */
    static final String LEGACY_WINDOW_STATE = "window-contents";

    /**
     * Default bound of the cache, in users: a few KB per user with small sketches, ~15 KB at worst
     * (six slices of full lgK-12 sketches), so at most ~150 MB per subtask.
     */
    public static final int DEFAULT_MAX_CACHED_USERS = 10_000;

    private final WindowSpec spec;
    private final int maxCachedUsers;

    /** Update mode (with {@link #allowedLatenessMs}, possibly 0) rather than append mode. */
    private final boolean update;

    private final long allowedLatenessMs;

    private transient WindowStatsAggregate aggregate;
    private transient MapState<Long, WindowStatsAccumulator> slices;
    private transient MapState<Long, Integer> revisions; // update mode only
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
        this(spec, maxCachedUsers, false, 0);
    }

    /** Update mode with {@code allowedLatenessMs} (0 allowed: each window once, final). */
    public static SlicedWindowOperator updating(WindowSpec spec, long allowedLatenessMs) {
        return updating(spec, allowedLatenessMs, DEFAULT_MAX_CACHED_USERS);
    }

    static SlicedWindowOperator updating(
            WindowSpec spec, long allowedLatenessMs, int maxCachedUsers) {
        return new SlicedWindowOperator(spec, maxCachedUsers, true, allowedLatenessMs);
    }

    private SlicedWindowOperator(
            WindowSpec spec, int maxCachedUsers, boolean update, long allowedLatenessMs) {
        if (maxCachedUsers < 1) {
            throw new IllegalArgumentException("maxCachedUsers must be positive");
        }
        if (allowedLatenessMs < 0) {
            throw new IllegalArgumentException("allowed lateness must not be negative");
        }
        this.spec = spec;
        this.maxCachedUsers = maxCachedUsers;
        this.update = update;
        this.allowedLatenessMs = allowedLatenessMs;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        if (context.isRestored()) {
            refuseLegacyWindowState();
            refuseOtherOutputMode(
                    context.getOperatorStateStore()
                            .getRegisteredStateNames()
                            .contains(OUTPUT_MODE_STATE));
        }
        if (update) {
            // Marks an update-mode snapshot (append mode registers nothing: its layout is as
            // before), so that a restore in the other mode is recognised.
            context.getOperatorStateStore()
                    .getListState(
                            new ListStateDescriptor<>(OUTPUT_MODE_STATE, StringSerializer.INSTANCE))
                    .update(List.of("update"));
        }
    }

    /**
     * Slices are kept differently in the two modes (append mode deletes a slice once its windows
     * have fired; update mode keeps it for the lateness, with revisions and timers of its own), so
     * a snapshot of one mode cannot run on in the other: the windows open at the switch would be
     * written from incomplete slices, or never cleaned up.
     */
    private void refuseOtherOutputMode(boolean savedInUpdateMode) {
        if (savedInUpdateMode == update) return;
        String saved = savedInUpdateMode ? "update" : "append";
        String now = update ? "update" : "append";
        throw new IllegalStateException(
                "This savepoint was taken with --output-mode "
                        + saved
                        + "; this job runs with --output-mode "
                        + now
                        + ". The window state of the two modes is not interchangeable (and their"
                        + " output records differ: key user_id vs user_id + window bounds). Start"
                        + " the "
                        + now
                        + "-mode job WITHOUT the savepoint, on its own --output-topic, with the"
                        + " old job's --group-id and --starting-offsets committed: the windows"
                        + " open at the switch come out incomplete, all later ones exact. See"
                        + " docs/operations.md, 'Savepoint upgrades: the runbook'.");
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
        if (update) {
            revisions =
                    getRuntimeContext()
                            .getMapState(
                                    new MapStateDescriptor<>(
                                            REVISIONS_STATE,
                                            LongSerializer.INSTANCE,
                                            IntSerializer.INSTANCE));
        }
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
        if (update) {
            processUpdating(event);
            return;
        }
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
        if (update) {
            onEventTimeUpdating(timer.getKey(), timer.getTimestamp());
            return;
        }
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

    // ---- update mode ----

    /**
     * The watermark minus the allowed lateness: a window whose last millisecond is at or below it
     * is final. Saturates at {@code Long.MIN_VALUE} (no watermark yet).
     */
    private long finalBound(long watermark) {
        return watermark < Long.MIN_VALUE + allowedLatenessMs
                ? Long.MIN_VALUE
                : watermark - allowedLatenessMs;
    }

    /**
     * Update mode: the event lands in its slice; the windows containing it that have been written
     * but are not final yet are written again at once, with the event counted; the ones still open
     * are left to their timers.
     */
    private void processUpdating(UserEvent event) throws Exception {
        long watermark = timers.currentWatermark();
        long firstLive = spec.firstOpenWindowMaxTimestamp(event.eventTime, finalBound(watermark));
        if (firstLive == Long.MIN_VALUE) {
            return; // final for every window: the router upstream already reported it
        }
        String user = (String) getCurrentKey();
        UserSlices mine = cached(user);
        long start = spec.paneStart(event.eventTime);
        int i = mine.indexOf(start);
        if (i < 0) {
            i = mine.insert(start, aggregate.createAccumulator(), false);
            long firstOpen = spec.firstOpenWindowMaxTimestamp(event.eventTime, watermark);
            if (firstOpen != Long.MIN_VALUE) {
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, firstOpen);
            }
        }
        aggregate.add(event, mine.acc(i));
        mine.markDirty(i);
        long lastMax = spec.lastWindowStart(event.eventTime) + spec.sizeMs - 1;
        for (long max = firstLive; max <= watermark && max <= lastMax; max += spec.slideMs) {
            long windowEnd = max + 1;
            Integer written = revisions.get(windowEnd);
            int revision;
            if (written == null) {
                // Empty when the watermark passed it: its first row, and its finalization timer.
                revision = 0;
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, max + allowedLatenessMs);
            } else {
                revision = written + 1;
            }
            revisions.put(windowEnd, revision);
            emit(user, mine, windowEnd, max, revision, false);
        }
    }

    /**
     * Update mode, at timer {@code t} of {@code user}: the window due to be final at {@code t}
     * written a last time, the window whose last millisecond is {@code t} written for the first
     * time (and the next window armed, as in append mode), then the slices no window that can still
     * change needs deleted. Only the timer's time decides, so the rows do not depend on how far the
     * watermark jumped.
     */
    private void onEventTimeUpdating(String user, long t) throws Exception {
        UserSlices mine = cached(user);
        // Normally exactly the window ending at t + 1 - lateness is due here. Reading them all
        // also finalizes, at their old times or at once, windows pending in a savepoint taken with
        // another --allowed-lateness, and re-arms the ones not due yet at their new time.
        List<Map.Entry<Long, Integer>> due = null;
        for (Map.Entry<Long, Integer> e : revisions.entries()) {
            long finalAt = e.getKey() - 1 + allowedLatenessMs;
            if (finalAt <= t) {
                if (due == null) due = new ArrayList<>();
                due.add(Map.entry(e.getKey(), e.getValue()));
            } else {
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, finalAt);
            }
        }
        if (due != null) {
            due.sort(Map.Entry.comparingByKey());
            for (Map.Entry<Long, Integer> e : due) {
                revisions.remove(e.getKey());
                emit(user, mine, e.getKey(), e.getKey() - 1, e.getValue() + 1, true);
            }
        }
        long windowEnd = t + 1;
        long windowStart = windowEnd - spec.sizeMs;
        // A finalization time need not be a window's last millisecond (lateness not a multiple of
        // the slide): then no window fires at t.
        boolean isWindowEnd = Math.floorMod(windowStart, spec.slideMs) == 0;
        boolean any = false;
        boolean next = false;
        for (int i = 0; isWindowEnd && i < mine.size(); i++) {
            long start = mine.start(i);
            if (start >= windowEnd) break;
            if (start < windowStart) continue; // kept for windows not final yet
            any = true;
            if (start >= windowStart + spec.slideMs) next = true;
        }
        if (any && (allowedLatenessMs == 0 || revisions.get(windowEnd) == null)) {
            if (allowedLatenessMs == 0) {
                emit(user, mine, windowEnd, t, 0, true);
            } else {
                revisions.put(windowEnd, 0);
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, t + allowedLatenessMs);
                emit(user, mine, windowEnd, t, 0, false);
            }
        }
        if (next) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, t + spec.slideMs);
        }
        // A slice is needed until the last window containing it is final.
        int expired = 0;
        while (expired < mine.size()
                && spec.lastWindowStart(mine.start(expired)) + spec.sizeMs - 1 + allowedLatenessMs
                        <= t) {
            if (mine.isPersisted(expired)) slices.remove(mine.start(expired));
            expired++;
        }
        if (expired > 0) mine.removeBefore(mine.start(expired - 1) + 1);
    }

    /** Assembles and writes one window of {@code user} from its cached slices. */
    private void emit(
            String user,
            UserSlices mine,
            long windowEnd,
            long maxTimestamp,
            int revision,
            boolean isFinal) {
        long windowStart = windowEnd - spec.sizeMs;
        assembler.reset();
        for (int i = 0; i < mine.size(); i++) {
            long start = mine.start(i);
            if (start >= windowEnd) break;
            if (start >= windowStart) assembler.add(mine.acc(i));
        }
        if (assembler.isEmpty()) return; // cannot happen: a written window keeps its slices
        output.collect(
                reuse.replace(
                        assembler
                                .toResult(user, windowStart, windowEnd)
                                .withRevision(revision, isFinal),
                        maxTimestamp));
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
