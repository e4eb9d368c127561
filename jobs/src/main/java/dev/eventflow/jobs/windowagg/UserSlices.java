package dev.eventflow.jobs.windowagg;

import dev.eventflow.jobs.windowstats.WindowStatsAccumulator;
import java.util.Arrays;

/**
 * One user's slices on the heap, in start order: a handful of entries (a 5m/1m window needs at most
 * six), so small parallel arrays and linear search beat a map, allocate nothing per event, and box
 * no {@code Long}. A slice is <em>dirty</em> when it changed since it was last written to keyed
 * state. Used by {@link SlicedWindowOperator}'s cache only; not thread-safe.
 */
final class UserSlices {

    private long[] starts = new long[8];
    private WindowStatsAccumulator[] accs = new WindowStatsAccumulator[8];
    private boolean[] dirty = new boolean[8];
    private boolean[] persisted = new boolean[8];
    private int size;

    int size() {
        return size;
    }

    long start(int i) {
        return starts[i];
    }

    WindowStatsAccumulator acc(int i) {
        return accs[i];
    }

    boolean isDirty(int i) {
        return dirty[i];
    }

    void markDirty(int i) {
        dirty[i] = true;
    }

    /** Whether keyed state holds a copy of the slice (read from it, or written back since). */
    boolean isPersisted(int i) {
        return persisted[i];
    }

    /** After a write-back: every slice is in keyed state as cached. */
    void markAllWritten() {
        Arrays.fill(dirty, 0, size, false);
        Arrays.fill(persisted, 0, size, true);
    }

    boolean anyDirty() {
        for (int i = 0; i < size; i++) if (dirty[i]) return true;
        return false;
    }

    /** Index of the slice starting at {@code start}, or -1. */
    int indexOf(long start) {
        for (int i = 0; i < size; i++) if (starts[i] == start) return i;
        return -1;
    }

    /**
     * Adds a slice (not yet present), keeping start order; returns its index. A slice read from
     * state is clean and persisted; a new one is dirty and not persisted.
     */
    int insert(long start, WindowStatsAccumulator acc, boolean fromState) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            accs = Arrays.copyOf(accs, size * 2);
            dirty = Arrays.copyOf(dirty, size * 2);
            persisted = Arrays.copyOf(persisted, size * 2);
        }
        int i = size;
        while (i > 0 && starts[i - 1] > start) {
            starts[i] = starts[i - 1];
            accs[i] = accs[i - 1];
            dirty[i] = dirty[i - 1];
            persisted[i] = persisted[i - 1];
            i--;
        }
        starts[i] = start;
        accs[i] = acc;
        dirty[i] = !fromState;
        persisted[i] = fromState;
        size++;
        return i;
    }

    /** Removes the slices starting before {@code bound} (they are the first ones). */
    void removeBefore(long bound) {
        int n = 0;
        while (n < size && starts[n] < bound) n++;
        if (n == 0) return;
        System.arraycopy(starts, n, starts, 0, size - n);
        System.arraycopy(accs, n, accs, 0, size - n);
        System.arraycopy(dirty, n, dirty, 0, size - n);
        System.arraycopy(persisted, n, persisted, 0, size - n);
        Arrays.fill(accs, size - n, size, null);
        size -= n;
    }
}
