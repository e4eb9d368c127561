package dev.eventflow.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JobArgsTest {

    @Test
    void kafkaJobDefaultsThenTheTestsOwnOptionsInOrder() {
        assertThat(JobArgs.kafkaJob("localhost:9092", "t-1").with("--input-topic", "t-1").toArray())
                .containsExactly(
                        "--bootstrap-servers", "localhost:9092",
                        "--group-id", "it-t-1",
                        "--transactional-id-prefix", "it-t-1",
                        "--starting-offsets", "earliest",
                        "--checkpoint-interval", "300ms",
                        "--input-topic", "t-1");
    }

    @Test
    void laterValuesReplaceEarlierOnesFlagsHaveNoValueAndOptionsCanBeDropped() {
        assertThat(
                        JobArgs.kafkaJob("b:1", "x")
                                .with("--checkpoint-interval", "2s")
                                .with("--parallelism", 2)
                                .flag("--bounded")
                                .without("--starting-offsets")
                                .toArray())
                .containsExactly(
                        "--bootstrap-servers",
                        "b:1",
                        "--group-id",
                        "it-x",
                        "--transactional-id-prefix",
                        "it-x",
                        "--checkpoint-interval",
                        "2s",
                        "--parallelism",
                        "2",
                        "--bounded");
    }

    @Test
    void anOptionNeedsItsDashes() {
        assertThatThrownBy(() -> JobArgs.empty().with("input-topic", "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input-topic");
    }
}
