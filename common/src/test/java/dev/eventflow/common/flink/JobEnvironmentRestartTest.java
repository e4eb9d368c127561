package dev.eventflow.common.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventflow.common.config.InvalidOptionException;
import dev.eventflow.common.config.OptionGroups;
import dev.eventflow.common.config.ParsedOptions;
import java.time.Duration;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** Every job's environment carries an explicit exponential-delay restart strategy. */
class JobEnvironmentRestartTest {

    private static ParsedOptions parse(String... extra) {
        String[] args = new String[extra.length + 2];
        args[0] = "--bootstrap-servers";
        args[1] = "b:1";
        System.arraycopy(extra, 0, args, 2, extra.length);
        return OptionGroups.streamingJob().parse(args);
    }

    @Test
    void defaultsAreAnExplicitExponentialDelayInStreamingAndBatch() {
        for (RuntimeExecutionMode mode : RuntimeExecutionMode.values()) {
            Configuration conf = JobEnvironment.configuration(parse(), "job", mode);
            assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY))
                    .isEqualTo("exponential-delay");
            assertThat(
                            conf.get(
                                    RestartStrategyOptions
                                            .RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
                    .isEqualTo(Duration.ofSeconds(1));
            assertThat(
                            conf.get(
                                    RestartStrategyOptions
                                            .RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                    .isEqualTo(Duration.ofMinutes(1));
            assertThat(
                            conf.get(
                                    RestartStrategyOptions
                                            .RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER))
                    .isEqualTo(2.0);
            assertThat(
                            conf.get(
                                    RestartStrategyOptions
                                            .RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD))
                    .isEqualTo(JobEnvironment.RESTART_RESET_AFTER);
            assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
                    .isEqualTo(20);
        }
    }

    @Test
    void optionsOverrideTheDefaultsAndReachTheEnvironment() {
        ParsedOptions o =
                parse(
                        "--restart-max-attempts",
                        "3",
                        "--restart-backoff",
                        "200ms",
                        "--restart-max-backoff",
                        "5s");
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, "job", RuntimeExecutionMode.STREAMING);
        Configuration conf = (Configuration) env.getConfiguration();
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
                .isEqualTo(3);
        assertThat(
                        conf.get(
                                RestartStrategyOptions
                                        .RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
                .isEqualTo(Duration.ofMillis(200));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aMaximumBackoffBelowTheFirstIsRefused() {
        assertThatThrownBy(
                        () ->
                                JobEnvironment.validate(
                                        parse(
                                                "--restart-backoff",
                                                "10s",
                                                "--restart-max-backoff",
                                                "2s")))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage(
                        "--restart-max-backoff 2s must not be shorter than --restart-backoff 10s");
        JobEnvironment.validate(parse());
    }
}
