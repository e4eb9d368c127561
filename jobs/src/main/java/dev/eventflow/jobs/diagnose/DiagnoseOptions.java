package dev.eventflow.jobs.diagnose;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.OptionSet;
import java.time.Duration;
import java.util.List;

/**
 * The options of {@code diagnose}: where the job reads and writes, and where Flink's REST API is.
 */
public final class DiagnoseOptions {

    private DiagnoseOptions() {}

    public static final Option<String> REST_URL =
            Option.optionalString(
                    "rest-url",
                    "Flink REST endpoint (JobManager web UI), e.g. http://localhost:8081 [default: unset = Kafka checks only]");

    public static final Option<String> JOB =
            Option.optionalString(
                    "job",
                    "the Flink job to inspect, by name (e.g. window-aggregation) or job id [default: the only RUNNING job]");

    public static final Option<String> PROMETHEUS_URL =
            Option.optionalString(
                    "prometheus-url",
                    "Prometheus that scrapes the job's Flink reporter, e.g. http://localhost:9090: state size history and state per operator come from it [default: unset = from --rest-url]");

    public static final Option<Duration> PROMETHEUS_RANGE =
            Option.duration(
                            "prometheus-range",
                            Duration.ofHours(1),
                            "how far back the state size history is read from --prometheus-url")
                    .check(d -> d.toSeconds() >= 60, "must be at least 1m");

    public static final Option<Duration> TIMEOUT =
            Option.duration(
                            "timeout",
                            Duration.ofSeconds(15),
                            "deadline for each Kafka admin call, record read and REST call")
                    .check(d -> !d.isZero(), "must be positive");

    public static final Option<Integer> SCAN_RECORDS =
            Option.integer(
                            "scan-records",
                            1000,
                            "how many of the newest offsets per output partition are read to compare read_committed with read_uncommitted")
                    .check(n -> n >= 1, "must be at least 1");

    public static OptionSet optionSet() {
        return new OptionSet(
                List.of(
                        CommonOptions.BOOTSTRAP_SERVERS,
                        REST_URL,
                        PROMETHEUS_URL,
                        PROMETHEUS_RANGE,
                        JOB,
                        CommonOptions.INPUT_TOPIC,
                        CommonOptions.OUTPUT_TOPIC,
                        CommonOptions.GROUP_ID,
                        CommonOptions.WATERMARK_DELAY.withDefault(
                                CommonOptions.WATERMARK_DELAY.defaultValue(),
                                "the job's --watermark-delay (how far the watermark trails the newest event time)"),
                        CommonOptions.IDLENESS.withDefault(
                                CommonOptions.IDLENESS.defaultValue(),
                                "the job's --idleness (0 = idleness off: an empty partition holds the watermark back)"),
                        TIMEOUT,
                        SCAN_RECORDS));
    }
}
