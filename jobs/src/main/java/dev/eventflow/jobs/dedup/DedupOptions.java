package dev.eventflow.jobs.dedup;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.OptionGroups;
import dev.eventflow.common.config.OptionSet;
import dev.eventflow.common.config.ParsedOptions;
import java.time.Duration;

/** Options of {@code dedup}: the common ones plus the deduplication horizon. */
public final class DedupOptions {

    private DedupOptions() {}

    public static final Option<Duration> DEDUP_HORIZON =
            Option.duration(
                    "dedup-horizon",
                    Duration.ZERO,
                    "an event_id is remembered until the watermark passes its event time + this;"
                            + " later copies pass again (0 = --watermark-delay, as Spark's"
                            + " dropDuplicatesWithinWatermark)");

    public static OptionSet optionSet() {
        return OptionGroups.streamingJob(OptionGroups.EVENT_TIME)
                .replace(
                        CommonOptions.OUTPUT_TOPIC.withDefault(
                                "user-events-deduped",
                                "topic the deduplicated events are written to"))
                .add(DEDUP_HORIZON);
    }

    /** {@code --dedup-horizon}, or {@code --watermark-delay} when unset (0). */
    public static Duration horizon(ParsedOptions o) {
        Duration h = o.get(DEDUP_HORIZON);
        if (!h.isZero()) return h;
        Duration delay = o.get(CommonOptions.WATERMARK_DELAY);
        // A zero watermark delay still needs a positive horizon: 1 ms forgets an id as soon as the
        // watermark passes its event time.
        return delay.isZero() ? Duration.ofMillis(1) : delay;
    }
}
