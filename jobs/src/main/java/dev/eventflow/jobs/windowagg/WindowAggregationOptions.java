package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.InvalidOptionException;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.OptionSet;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.sketch.HllSketches;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.time.Duration;

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
            Option.integer(
                            "hll-lg-k",
                            HllSketches.DEFAULT_LG_K,
                            "log2 of the HLL buckets behind approx_sessions (relative error ~1.04/sqrt(2^k))")
                    .check(
                            k -> k >= HllSketches.MIN_LG_K && k <= HllSketches.MAX_LG_K,
                            "must be between "
                                    + HllSketches.MIN_LG_K
                                    + " and "
                                    + HllSketches.MAX_LG_K);

    public static final Option<String> JOB_VERSION =
            Option.optionalString(
                    "job-version",
                    "when set, every output row carries it as \"job_version\" (which deployment wrote it)");

    public static OptionSet optionSet() {
        OptionSet set = new OptionSet(CommonOptions.ALL);
        set.add(WINDOW_SIZE).add(WINDOW_SLIDE).add(HLL_LG_K).add(JOB_VERSION);
        return set;
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
