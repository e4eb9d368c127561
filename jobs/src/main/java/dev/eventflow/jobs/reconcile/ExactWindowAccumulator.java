package dev.eventflow.jobs.reconcile;

import dev.eventflow.jobs.windowstats.WindowStatsAccumulator;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code window-aggregation}'s accumulator (the very same class, so every other field is computed
 * by the same code) plus the exact set of sessions: the {@code countDistinct} that a streaming job
 * must not keep, affordable here because a batch run holds one key's windows at a time.
 */
public final class ExactWindowAccumulator {

    final WindowStatsAccumulator stats;
    final Set<String> sessions;

    ExactWindowAccumulator(WindowStatsAccumulator stats, Set<String> sessions) {
        this.stats = stats;
        this.sessions = sessions;
    }

    ExactWindowAccumulator(WindowStatsAccumulator stats) {
        this(stats, new HashSet<>());
    }
}
