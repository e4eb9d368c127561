package dev.eventflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line: help, and bad options failing fast with a message that names the option. */
class LauncherTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int launch(String... args) throws Exception {
        return Launcher.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsTheJobsAndEachJobsOptions() throws Exception {
        assertThat(launch("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("window-aggregation");
        out.reset();
        assertThat(launch("window-aggregation", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--window-size <duration>")
                .contains("[default: 5m]")
                .contains("--bootstrap-servers <text>")
                .contains("[required]");
    }

    @Test
    void everyRegisteredJobHasHelp() throws Exception {
        for (String job : Launcher.jobs().keySet()) {
            out.reset();
            assertThat(launch(job, "--help")).as(job).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("--bootstrap-servers");
        }
    }

    @Test
    void unknownJob() throws Exception {
        assertThat(launch("window-aggregatoin")).isEqualTo(2);
        assertThat(stderr()).contains("unknown job 'window-aggregatoin'");
    }

    @Test
    void unknownOption() throws Exception {
        assertThat(
                        launch(
                                "window-aggregation",
                                "--bootstrap-servers",
                                "localhost:9092",
                                "--window-szie",
                                "5m"))
                .isEqualTo(2);
        assertThat(stderr()).contains("unknown option --window-szie (did you mean --window-size?)");
    }

    @Test
    void badDuration() throws Exception {
        assertThat(
                        launch(
                                "window-aggregation",
                                "--bootstrap-servers",
                                "localhost:9092",
                                "--watermark-delay",
                                "ten"))
                .isEqualTo(2);
        assertThat(stderr()).contains("--watermark-delay: 'ten' is not a duration");
    }

    @Test
    void missingBrokersAndEmptyTopic() throws Exception {
        assertThat(launch("window-aggregation")).isEqualTo(2);
        assertThat(stderr()).contains("missing required option --bootstrap-servers");
        err.reset();
        assertThat(launch("window-aggregation", "--bootstrap-servers", "b:1", "--output-topic", ""))
                .isEqualTo(2);
        assertThat(stderr()).contains("--output-topic must not be empty");
    }

    @Test
    void slideLongerThanSizeIsRefused() throws Exception {
        assertThat(
                        launch(
                                "window-aggregation",
                                "--bootstrap-servers",
                                "b:1",
                                "--window-size",
                                "1m",
                                "--window-slide",
                                "5m"))
                .isEqualTo(2);
        assertThat(stderr()).contains("--window-slide 5m must not exceed --window-size 1m");
    }

    @Test
    void transactionTimeoutMustOutliveTheCheckpointInterval() throws Exception {
        assertThat(
                        launch(
                                "window-aggregation",
                                "--bootstrap-servers",
                                "b:1",
                                "--checkpoint-interval",
                                "20m"))
                .isEqualTo(1);
        assertThat(stderr())
                .contains(
                        "--transaction-timeout 15m must be longer than --checkpoint-interval 20m");
    }

    @Test
    void transactionTimeoutMustOutliveTheToleratedCheckpointFailures() throws Exception {
        assertThat(
                        launch(
                                "window-aggregation",
                                "--bootstrap-servers",
                                "b:1",
                                "--checkpoint-interval",
                                "5m",
                                "--tolerable-checkpoint-failures",
                                "3"))
                .isEqualTo(1);
        assertThat(stderr())
                .contains(
                        "--transaction-timeout 15m must be longer than (--tolerable-checkpoint-failures 3 + 1) x --checkpoint-interval 5m = 20m");
        err.reset();
        assertThat(
                        launch(
                                "window-aggregation",
                                "--bootstrap-servers",
                                "b:1",
                                "--tolerable-checkpoint-failures",
                                "-1"))
                .isEqualTo(2);
        assertThat(stderr()).contains("--tolerable-checkpoint-failures");
    }

    @Test
    void toolsAreListedApartAndAreNotJobs() throws Exception {
        assertThat(launch("--help")).isZero();
        String usage = out.toString(StandardCharsets.UTF_8);
        assertThat(usage.indexOf("tools:\n  diagnose")).isGreaterThan(usage.indexOf("jobs:"));
        assertThat(Launcher.jobs()).doesNotContainKey("diagnose");
        out.reset();
        assertThat(launch("diagnose", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--rest-url <text>")
                .contains("--job <text>")
                .contains("--idleness <duration>")
                .contains("[default: 1m]")
                .contains("--bootstrap-servers <text>");
    }

    @Test
    void guaranteesCannotBeSwitchedOffThroughKafkaPassThrough() throws Exception {
        String[][] cases = {
            {"--kafka.isolation.level", "read_uncommitted", "read_committed"},
            {"--kafka.enable.idempotence", "false", "--delivery"},
            {"--kafka.transaction.timeout.ms", "60000", "--transaction-timeout"},
            {"--kafka.transactional.id", "mine", "--transactional-id-prefix"},
        };
        for (String job : Launcher.jobs().keySet()) {
            for (String[] c : cases) {
                err.reset();
                assertThat(launch(job, "--bootstrap-servers", "b:1", c[0], c[1]))
                        .as(job + " " + c[0])
                        .isEqualTo(2);
                assertThat(stderr())
                        .as(job + " " + c[0])
                        .contains("error: " + c[0] + " is refused: ")
                        .contains(c[2]);
            }
        }
    }

    @Test
    void restartBackoffsAreCheckedAgainstEachOther() throws Exception {
        assertThat(
                        launch(
                                "dedup",
                                "--bootstrap-servers",
                                "b:1",
                                "--restart-backoff",
                                "5s",
                                "--restart-max-backoff",
                                "1s"))
                .isEqualTo(2);
        assertThat(stderr())
                .contains("--restart-max-backoff 1s must not be shorter than --restart-backoff 5s");
        err.reset();
        assertThat(launch("dedup", "--bootstrap-servers", "b:1", "--restart-max-attempts", "0"))
                .isEqualTo(2);
        assertThat(stderr()).contains("--restart-max-attempts must be >= 1");
    }
}
