package dev.eventflow.bench.jmh;

import dev.eventflow.bench.SeededEvents;
import dev.eventflow.common.event.MalformedEventException;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.event.UserEventParser;
import dev.eventflow.jobs.windowstats.WindowStatsAccumulator;
import dev.eventflow.jobs.windowstats.WindowStatsAggregate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Parsed seeded events and accumulators built from them, for the micro-benchmarks' set-up. */
final class Events {

    static final int LG_K = 12;

    private Events() {}

    /** The well-formed events among the first {@code n} seeded records. */
    static UserEvent[] parsed(int n) {
        UserEventParser parser = new UserEventParser(Duration.ofDays(36500).toMillis());
        List<UserEvent> out = new ArrayList<>();
        for (byte[] r : SeededEvents.records(n)) {
            try {
                out.add(parser.parse(r));
            } catch (MalformedEventException skipped) {
                // malformed records never reach an accumulator
            }
        }
        return out.toArray(new UserEvent[0]);
    }

    /**
     * An accumulator over {@code count} events starting at {@code from}: a user's slice or window
     * of the seeded stream has a few to a few dozen events.
     */
    static WindowStatsAccumulator accumulator(
            WindowStatsAggregate aggregate, UserEvent[] events, int from, int count) {
        WindowStatsAccumulator acc = aggregate.createAccumulator();
        for (int i = 0; i < count; i++)
            acc = aggregate.add(events[(from + i) % events.length], acc);
        return acc;
    }
}
