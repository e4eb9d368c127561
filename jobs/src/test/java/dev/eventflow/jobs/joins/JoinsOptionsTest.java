package dev.eventflow.jobs.joins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.jobs.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The command line of {@code joins}: the refusal of unbounded stream-stream joins (exit code 2,
 * with the reason), what {@code --force-unbounded-join} allows, and {@code --help}.
 */
class JoinsOptionsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int launch(String... args) throws Exception {
        String[] all = new String[args.length + 3];
        all[0] = "joins";
        all[1] = "--bootstrap-servers";
        all[2] = "localhost:1";
        System.arraycopy(args, 0, all, 3, args.length);
        return Launcher.run(
                all,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static ParsedOptions parse(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-servers";
        all[1] = "localhost:1";
        System.arraycopy(args, 0, all, 2, args.length);
        ParsedOptions o = JoinsOptions.optionSet().parse(all);
        new JoinsJob().validate(o);
        return o;
    }

    @Test
    void anUnboundedJoinIsRefusedWithTheReason() throws Exception {
        assertThat(launch("--join-bound", "unbounded")).isEqualTo(2);
        assertThat(stderr())
                .contains("--join-bound unbounded refused")
                .contains("state forever")
                .contains("DON'T run a stream-stream join without watermark and bounds")
                .contains("--force-unbounded-join");
    }

    @Test
    void zeroMeansUnboundedAndIsRefusedToo() throws Exception {
        assertThat(launch("--mode", "left-outer", "--join-bound", "0")).isEqualTo(2);
        assertThat(stderr())
                .contains("--join-bound 0 refused")
                .contains("never emits its unmatched rows");
    }

    @Test
    void aBoundAboveOneDayIsRefused() throws Exception {
        assertThat(launch("--mode", "full-outer", "--join-bound", "25h")).isEqualTo(2);
        assertThat(stderr()).contains("--join-bound 25h refused: above 1d");
    }

    @Test
    void aBadBoundNamesTheOption() throws Exception {
        assertThat(launch("--join-bound", "ten")).isEqualTo(2);
        assertThat(stderr())
                .contains("--join-bound: 'ten' is not a duration")
                .contains("'unbounded'");
        err.reset();
        assertThat(launch("--mode", "inner")).isEqualTo(2);
        assertThat(stderr())
                .contains("--mode: 'inner' is not one of interval|left-outer|full-outer|enrich");
    }

    @Test
    void theDefaultAndBoundsUpToOneDayAreAccepted() {
        assertThat(JoinsOptions.joinBoundMs(parse())).isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(JoinsOptions.joinBoundMs(parse("--join-bound", "1d"))).isEqualTo(86_400_000L);
        assertThat(JoinsOptions.joinBoundMs(parse("--join-bound", "500ms"))).isEqualTo(500L);
    }

    @Test
    void forceAcceptsWhatIsOtherwiseRefused() {
        assertThat(
                        JoinsOptions.joinBoundMs(
                                parse("--join-bound", "unbounded", "--force-unbounded-join")))
                .isEqualTo(JoinsOptions.UNBOUNDED.toMillis());
        assertThat(JoinsOptions.joinBoundMs(parse("--join-bound", "7d", "--force-unbounded-join")))
                .isEqualTo(Duration.ofDays(7).toMillis());
    }

    @Test
    void theStreamStaticModeHasNoBoundToCheck() {
        parse("--mode", "enrich", "--join-bound", "unbounded");
    }

    @Test
    void helpListsTheJoinOptionsWithTheirDefaults() throws Exception {
        assertThat(launch("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--mode interval|left-outer|full-outer|enrich")
                .contains("[default: interval]")
                .contains("--impressions-topic <text>")
                .contains("[default: ad-impressions]")
                .contains("[default: ad-clicks]")
                .contains("[default: user-profiles]")
                .contains("--join-bound <text>")
                .contains("[default: 10m]")
                .contains("--force-unbounded-join")
                .contains("--watermark-delay");
    }

    @Test
    void enrichAsyncNeedsARedisUriAndSaneAsyncSettings() throws Exception {
        assertThat(launch("--mode", "enrich-async")).isEqualTo(2);
        assertThat(stderr()).contains("--mode enrich-async needs --redis-uri");
        err.reset();
        assertThat(launch("--mode", "enrich-async", "--redis-uri", "localhost:6379")).isEqualTo(2);
        assertThat(stderr()).contains("--redis-uri").contains("redis://");
        err.reset();
        assertThat(
                        launch(
                                "--mode",
                                "enrich-async",
                                "--redis-uri",
                                "redis://localhost:6379",
                                "--async-capacity",
                                "0"))
                .isEqualTo(2);
        assertThat(stderr()).contains("--async-capacity");

        ParsedOptions o =
                parse(
                        "--mode",
                        "enrich-async",
                        "--redis-uri",
                        "redis://:secret@redis:6379/2",
                        "--async-timeout",
                        "500ms");
        assertThat(o.get(JoinsOptions.MODE)).isEqualTo(JoinMode.ENRICH_ASYNC);
        assertThat(o.get(JoinsOptions.ASYNC_TIMEOUT)).isEqualTo(Duration.ofMillis(500));
        assertThat(o.get(JoinsOptions.ASYNC_RETRIES)).isEqualTo(3);
        assertThat(JoinsJob.redisHost(o.get(JoinsOptions.REDIS_URI)))
                .as("the banner shows no password")
                .isEqualTo("redis://redis:6379/2");
    }
}
