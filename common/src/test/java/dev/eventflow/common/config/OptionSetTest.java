package dev.eventflow.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OptionSetTest {

    private final OptionSet options = new OptionSet(CommonOptions.ALL);

    @Test
    void parsesValuesFlagsDefaultsAndKafkaPassThrough() {
        ParsedOptions o =
                options.parse(
                        "--bootstrap-servers",
                        "b:9092",
                        "--watermark-delay",
                        "90s",
                        "--bounded",
                        "--state-backend",
                        "hashmap",
                        "--kafka.security.protocol",
                        "SASL_SSL",
                        "--kafka.sasl.mechanism=PLAIN");
        assertThat(o.get(CommonOptions.BOOTSTRAP_SERVERS)).isEqualTo("b:9092");
        assertThat(o.get(CommonOptions.WATERMARK_DELAY)).isEqualTo(Duration.ofSeconds(90));
        assertThat(o.get(CommonOptions.BOUNDED)).isTrue();
        assertThat(o.get(CommonOptions.STATE_BACKEND))
                .isEqualTo(CommonOptions.StateBackend.HASHMAP);
        assertThat(o.get(CommonOptions.INPUT_TOPIC)).isEqualTo("user-events");
        assertThat(o.get(CommonOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.get(CommonOptions.GROUP_ID)).isNull();
        assertThat(o.kafkaProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void unknownOptionIsNamedWithASuggestion() {
        assertThatThrownBy(
                        () ->
                                options.parse(
                                        "--bootstrap-servers", "b:1", "--watermark-dealy", "1m"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("unknown option --watermark-dealy")
                .hasMessageContaining("did you mean --watermark-delay?");
    }

    @Test
    void badDurationNamesTheOptionAndTheFormat() {
        assertThatThrownBy(
                        () ->
                                options.parse(
                                        "--bootstrap-servers", "b:1", "--idleness", "10 minutes"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageStartingWith("--idleness: '10 minutes' is not a duration");
    }

    @Test
    void missingRequiredOptionAndMissingValue() {
        assertThatThrownBy(() -> options.parse("--input-topic", "x"))
                .hasMessageContaining("missing required option --bootstrap-servers");
        assertThatThrownBy(() -> options.parse("--bootstrap-servers", "b:1", "--input-topic"))
                .hasMessage("--input-topic needs a value");
        assertThatThrownBy(() -> options.parse("--bootstrap-servers", "b:1", "--input-topic", " "))
                .hasMessageContaining("--input-topic must not be empty");
    }

    @Test
    void badChoiceAndRangeChecks() {
        assertThatThrownBy(() -> options.parse("--bootstrap-servers", "b:1", "--delivery", "maybe"))
                .hasMessageContaining(
                        "--delivery: 'maybe' is not one of exactly-once|at-least-once");
        assertThatThrownBy(
                        () -> options.parse("--bootstrap-servers", "b:1", "--max-parallelism", "0"))
                .hasMessageContaining("--max-parallelism must be between 1 and 32768 (got 0)");
        assertThatThrownBy(
                        () ->
                                options.parse(
                                        "--bootstrap-servers",
                                        "b:1",
                                        "--checkpoint-interval",
                                        "0s"))
                .hasMessageContaining("--checkpoint-interval must be at least 10ms");
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        String help = options.help("usage");
        for (Option<?> o : CommonOptions.ALL) {
            assertThat(help).contains("--" + o.key());
        }
        assertThat(help)
                .contains("[default: 10m]")
                .contains("[required]")
                .contains("--kafka.<property>");
    }

    @Test
    void durationsRoundTrip() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThatThrownBy(() -> Durations.parse("5M"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("-1s"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aJobsOwnDefaultAppliesWhereverTheCommonOptionIsRead() {
        OptionSet set =
                new OptionSet(CommonOptions.ALL)
                        .replace(
                                CommonOptions.OUTPUT_TOPIC.withDefault("counts", "per-user counts"))
                        .remove(CommonOptions.LATE_TOPIC);
        ParsedOptions defaults = set.parse("--bootstrap-servers", "b:9092");
        assertThat(defaults.get(CommonOptions.OUTPUT_TOPIC)).isEqualTo("counts");
        assertThat(defaults.isSet(CommonOptions.OUTPUT_TOPIC)).isFalse();
        assertThat(
                        set.parse("--bootstrap-servers", "b:9092", "--output-topic", "x")
                                .get(CommonOptions.OUTPUT_TOPIC))
                .isEqualTo("x");
        assertThat(set.help("usage")).contains("counts").doesNotContain("--late-topic");
        assertThatThrownBy(() -> set.parse("--bootstrap-servers", "b:9092", "--late-topic", "l"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("unknown option --late-topic");
        assertThatThrownBy(() -> set.replace(Option.string("nope", "x", "undeclared")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--nope");
    }
}
