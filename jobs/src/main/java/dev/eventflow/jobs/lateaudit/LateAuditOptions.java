package dev.eventflow.jobs.lateaudit;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.InvalidOptionException;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.OptionGroups;
import dev.eventflow.common.config.OptionSet;
import dev.eventflow.common.config.ParsedOptions;
import java.time.Duration;
import java.util.List;

/**
 * Options of {@code late-audit}: a continuous job's groups with idleness but no {@code
 * --watermark-delay} (the two tiers replace it) and no late topic ({@code --output-topic} defaults
 * to the audit topic), plus the tiers, the audit window and the sampling.
 */
public final class LateAuditOptions {

    private LateAuditOptions() {}

    /** Audit rows go here by default, never into the main job's result topic. */
    public static final Option<String> OUTPUT_TOPIC =
            Option.string(
                    "output-topic",
                    "user-events-late-audit",
                    "topic the audit rows (one per audit window) are written to");

    public static final Option<Duration> MAIN_DELAY =
            Option.duration(
                    "main-delay",
                    Duration.ofMinutes(5),
                    "watermark delay of the main (fast) tier: events behind it are late");

    public static final Option<Duration> AUDIT_DELAY =
            Option.duration(
                    "audit-delay",
                    Duration.ofMinutes(30),
                    "watermark delay of the audit tier: events behind it are lost; audit rows are written when it passes a window");

    public static final Option<Duration> AUDIT_WINDOW =
            Option.duration(
                            "audit-window",
                            Duration.ofMinutes(1),
                            "length of the tumbling event-time windows the audit rows summarise")
                    .check(d -> !d.isZero(), "must be positive");

    public static final Option<String> SAMPLE_TOPIC =
            Option.optionalString(
                    "sample-topic",
                    "topic for a deterministic sample of late and lost events (no sampling when unset)");

    public static final Option<Double> SAMPLE_RATE =
            Option.decimal(
                            "sample-rate",
                            0.05,
                            "fraction of late and lost events written to --sample-topic, chosen by a hash of event_id")
                    .check(r -> r > 0 && r <= 1, "must be in (0, 1]");

    public static final Option<Integer> HLL_LG_K =
            OptionGroups.HLL_LG_K.describedAs("log2 of the HLL buckets behind affected_users");

    public static OptionSet optionSet() {
        // The two tiers replace --watermark-delay; idleness applies as everywhere.
        return OptionGroups.streamingJob(List.of(CommonOptions.IDLENESS))
                .replace(OUTPUT_TOPIC)
                .add(MAIN_DELAY)
                .add(AUDIT_DELAY)
                .add(AUDIT_WINDOW)
                .add(SAMPLE_TOPIC)
                .add(SAMPLE_RATE)
                .add(HLL_LG_K);
    }

    /** The validated tiers and window. */
    public static AuditSpec auditSpec(ParsedOptions o) {
        Duration main = o.get(MAIN_DELAY);
        Duration audit = o.get(AUDIT_DELAY);
        if (audit.compareTo(main) < 0) {
            throw new InvalidOptionException(
                    "--audit-delay "
                            + Option.show(audit)
                            + " must not be shorter than --main-delay "
                            + Option.show(main)
                            + " (the audit tier must wait at least as long as the main tier)");
        }
        return new AuditSpec(
                main.toMillis(), audit.toMillis(), o.get(AUDIT_WINDOW).toMillis(), o.get(HLL_LG_K));
    }

    /** The sampler, or null when {@code --sample-topic} is not set. */
    public static LateSampler sampler(ParsedOptions o) {
        return o.get(SAMPLE_TOPIC) == null ? null : new LateSampler(o.get(SAMPLE_RATE));
    }
}
