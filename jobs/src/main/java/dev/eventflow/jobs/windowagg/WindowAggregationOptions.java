package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.config.InvalidOptionException;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.OptionGroups;
import dev.eventflow.common.config.OptionSet;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.jdbc.JdbcOptions;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Options of {@code window-aggregation}: the common ones plus window shape and sketch size. */
public final class WindowAggregationOptions {

    private WindowAggregationOptions() {}

    public static final Option<Duration> WINDOW_SIZE =
            Option.duration("window-size", Duration.ofMinutes(5), "event-time window length")
                    .check(d -> !d.isZero(), "must be positive");

    public static final Option<Duration> WINDOW_SLIDE =
            Option.duration(
                            "window-slide",
                            Duration.ofMinutes(1),
                            "how often a window starts; equal to --window-size for tumbling windows")
                    .check(d -> !d.isZero(), "must be positive");

    public static final Option<Integer> HLL_LG_K =
            OptionGroups.HLL_LG_K.describedAs(
                    "log2 of the HLL buckets behind approx_sessions (relative error"
                            + " ~1.04/sqrt(2^k))");

    /** The window shape and sketch size, shared with {@code reconcile}, which recomputes them. */
    public static final List<Option<?>> WINDOWS = List.of(WINDOW_SIZE, WINDOW_SLIDE, HLL_LG_K);

    public static final Option<String> JOB_VERSION =
            Option.optionalString(
                    "job-version",
                    "when set, every output row carries it as \"job_version\" (which deployment wrote it)");

    public static final Option<OutputMode> OUTPUT_MODE =
            Option.choice(
                    "output-mode",
                    OutputMode.class,
                    OutputMode.APPEND,
                    "append: each window written once when the watermark passes its end (key"
                            + " user_id); update: written then, again with corrected values for"
                            + " each event within --allowed-lateness, and a last time with"
                            + " \"final\": true (an upsert stream keyed by user_id + window bounds,"
                            + " for a compacted --output-topic)");

    public static final Option<Duration> ALLOWED_LATENESS =
            Option.duration(
                    "allowed-lateness",
                    Duration.ZERO,
                    "update mode: how long after a window's end (in event time, measured by the"
                            + " watermark) events still correct it; later ones go to --late-topic."
                            + " Only with --output-mode update");

    /** How and when window rows are written. */
    public static final List<Option<?>> UPDATES = List.of(OUTPUT_MODE, ALLOWED_LATENESS);

    /** The PostgreSQL output ({@code --jdbc-*}), its table named after what it holds. */
    public static final List<Option<?>> JDBC_OUTPUT =
            JdbcOptions.JDBC_OUTPUT.stream()
                    .map(
                            option ->
                                    option == JdbcOptions.TABLE
                                            ? JdbcOptions.TABLE.withDefault(
                                                    "user_windows",
                                                    "[schema.]table the window rows are upserted"
                                                            + " into, key (user_id, window_start,"
                                                            + " window_end); created when missing")
                                            : option)
                    .collect(Collectors.toList());

    public static OptionSet optionSet() {
        OptionSet set =
                OptionGroups.streamingJob(
                                OptionGroups.EVENT_TIME, OptionGroups.LATE_OUTPUT, WINDOWS, UPDATES)
                        .add(JOB_VERSION);
        JDBC_OUTPUT.forEach(set::add);
        return set;
    }

    /**
     * The allowed lateness in milliseconds (0 in append mode).
     *
     * @throws InvalidOptionException naming {@code --allowed-lateness} when it is set without
     *     {@code --output-mode update}
     */
    public static long allowedLatenessMs(ParsedOptions o) {
        Duration lateness = o.get(ALLOWED_LATENESS);
        if (o.get(OUTPUT_MODE) != OutputMode.UPDATE && !lateness.isZero()) {
            throw new InvalidOptionException(
                    "--allowed-lateness "
                            + Option.show(lateness)
                            + " needs --output-mode update: in append mode a window is written"
                            + " once and cannot be corrected (late events go to --late-topic)");
        }
        return lateness.toMillis();
    }

    public static WindowSpec windowSpec(ParsedOptions o) {
        Duration size = o.get(WINDOW_SIZE);
        Duration slide = o.get(WINDOW_SLIDE);
        if (slide.compareTo(size) > 0) {
            throw new InvalidOptionException(
                    "--window-slide "
                            + Option.show(slide)
                            + " must not exceed --window-size "
                            + Option.show(size)
                            + " (events between windows would be silently skipped)");
        }
        return new WindowSpec(size.toMillis(), slide.toMillis(), o.get(HLL_LG_K));
    }
}
