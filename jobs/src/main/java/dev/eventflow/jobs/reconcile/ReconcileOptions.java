package dev.eventflow.jobs.reconcile;

import dev.eventflow.common.config.InvalidOptionException;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.OptionGroups;
import dev.eventflow.common.config.OptionSet;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.MalformedEventException;
import dev.eventflow.common.time.EventTimes;
import dev.eventflow.jobs.windowagg.WindowAggregationOptions;
import dev.eventflow.jobs.windowstats.WindowSpec;

/**
 * Options of {@code reconcile}: the range ({@code --from}, {@code --to}), the fast path's topic and
 * window shape, on a bounded job's groups ({@link OptionGroups#batchJob}: no {@code --bounded} or
 * {@code --starting-offsets}, which the range replaces, and no event-time, checkpointing or late
 * options, since a batch run has no watermarks, checkpoints or late data).
 */
public final class ReconcileOptions {

    private ReconcileOptions() {}

    private static final String TIME_FORMAT =
            "must be an ISO-8601 instant with a zone or offset (2026-01-01T10:00:00Z) or epoch milliseconds";

    public static final Option<String> OUTPUT_TOPIC =
            Option.string(
                    "output-topic",
                    "user-events-reconcile",
                    "topic the reconcile report (difference rows and one row per window) is written to");

    public static final Option<String> FROM =
            Option.string(
                            "from",
                            null,
                            "start of the range, inclusive: ISO-8601 with zone or epoch millis; reading starts at the first record of each partition whose Kafka timestamp is >= it")
                    .check(ReconcileOptions::isTime, TIME_FORMAT);

    public static final Option<String> TO =
            Option.string(
                            "to",
                            null,
                            "end of the range, exclusive: ISO-8601 with zone or epoch millis; reading stops before the first record of each partition whose Kafka timestamp is >= it")
                    .check(ReconcileOptions::isTime, TIME_FORMAT);

    public static final Option<String> FAST_TOPIC =
            Option.string(
                    "fast-topic",
                    "processed-user-events",
                    "the fast path's output (window-aggregation's --output-topic), read in full");

    public static final Option<Integer> WORST_WINDOWS =
            Option.integer("worst-windows", 10, "how many worst windows the summary lists")
                    .check(n -> n >= 0, "must be >= 0");

    public static OptionSet optionSet() {
        OptionSet set =
                OptionGroups.batchJob().replace(OUTPUT_TOPIC).add(FROM).add(TO).add(FAST_TOPIC);
        WindowAggregationOptions.WINDOWS.forEach(set::add);
        return set.add(WORST_WINDOWS);
    }

    static boolean isTime(String s) {
        try {
            EventTimes.parse(s.trim());
            return true;
        } catch (MalformedEventException e) {
            return false;
        }
    }

    static long time(String s) {
        try {
            return EventTimes.parse(s.trim());
        } catch (MalformedEventException e) {
            throw new InvalidOptionException(e.getMessage());
        }
    }

    /** The validated range: {@code --from} before {@code --to}, at least one window between. */
    public static ReconcileRange range(ParsedOptions o) {
        long from = time(o.get(FROM));
        long to = time(o.get(TO));
        if (from >= to) {
            throw new InvalidOptionException(
                    "--to " + o.get(TO) + " must be after --from " + o.get(FROM));
        }
        WindowSpec spec = WindowAggregationOptions.windowSpec(o);
        long firstStart = Math.floorDiv(from + spec.slideMs - 1, spec.slideMs) * spec.slideMs;
        if (firstStart + spec.sizeMs > to) {
            throw new InvalidOptionException(
                    "--from "
                            + o.get(FROM)
                            + " .. --to "
                            + o.get(TO)
                            + " holds no whole window of --window-size "
                            + Option.show(o.get(WindowAggregationOptions.WINDOW_SIZE))
                            + ": only windows entirely inside the range are compared");
        }
        return new ReconcileRange(from, to);
    }
}
