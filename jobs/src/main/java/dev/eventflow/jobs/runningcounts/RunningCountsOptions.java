package dev.eventflow.jobs.runningcounts;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.InvalidOptionException;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.OptionGroups;
import dev.eventflow.common.config.OptionSet;
import dev.eventflow.common.config.ParsedOptions;
import java.time.Duration;

/** Options of {@code running-counts}: the common ones plus the timeout mode, timeout and TTL. */
public final class RunningCountsOptions {

    private RunningCountsOptions() {}

    public static final Option<TimeoutMode> TIMEOUT_MODE =
            Option.choice(
                    "timeout-mode",
                    TimeoutMode.class,
                    TimeoutMode.NONE,
                    "when a user's session ends (an expired row, then a tombstone): none (never;"
                            + " only --state-ttl), processing-time (--timeout of wall-clock time"
                            + " without events; depends on when records are read) or event-time"
                            + " (a gap of more than --timeout between consecutive events in"
                            + " event-time order; rows are written once the watermark passes their"
                            + " events, the same whatever the replay speed or parallelism)");

    public static final Option<Duration> TIMEOUT =
            Option.duration(
                    "timeout",
                    Duration.ZERO,
                    "inactivity timeout per user; required (> 0) with --timeout-mode processing-time"
                            + " or event-time (0 = unset)");

    public static final Option<Duration> STATE_TTL =
            Option.duration(
                    "state-ttl",
                    Duration.ZERO,
                    "state time-to-live (processing time since the user's last event): silently"
                            + " drops idle users' state, no row, no tombstone (0 = off)");

    public static OptionSet optionSet() {
        return OptionGroups.streamingJob(OptionGroups.EVENT_TIME)
                .replace(
                        CommonOptions.OUTPUT_TOPIC.withDefault(
                                "user-running-counts",
                                "compacted topic the per-user updates and tombstones are written to"
                                        + " (key user_id)"))
                .add(TIMEOUT_MODE)
                .add(TIMEOUT)
                .add(STATE_TTL);
    }

    /**
     * @throws InvalidOptionException naming {@code --timeout} when it does not fit the mode
     */
    public static void validate(ParsedOptions o) {
        TimeoutMode mode = o.get(TIMEOUT_MODE);
        Duration timeout = o.get(TIMEOUT);
        if (mode != TimeoutMode.NONE && timeout.isZero()) {
            throw new InvalidOptionException(
                    "--timeout is required (> 0) with --timeout-mode " + Option.spell(mode));
        }
        if (mode == TimeoutMode.NONE && !timeout.isZero()) {
            throw new InvalidOptionException(
                    "--timeout "
                            + Option.show(timeout)
                            + " has no effect with --timeout-mode none; choose --timeout-mode"
                            + " processing-time or event-time (or --state-ttl for silent expiry)");
        }
    }
}
