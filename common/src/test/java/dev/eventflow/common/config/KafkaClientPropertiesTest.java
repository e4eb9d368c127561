package dev.eventflow.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Properties that carry a guarantee cannot be given through {@code --kafka.*}. */
class KafkaClientPropertiesTest {

    private final OptionSet options = new OptionSet(CommonOptions.ALL);

    @ParameterizedTest
    @CsvSource({
        "isolation.level, read_uncommitted, no option weakens it",
        "enable.idempotence, false, --delivery",
        "acks, 1, --delivery",
        "transaction.timeout.ms, 60000, --transaction-timeout",
        "transactional.id, x, --transactional-id-prefix",
        "transactional.id.prefix, x, --transactional-id-prefix",
        "bootstrap.servers, other:9092, --bootstrap-servers",
        "group.id, g, --group-id",
        "ISOLATION.LEVEL, read_uncommitted, read_committed"
    })
    void guardedPropertiesAreRefusedNamingTheDedicatedOption(
            String key, String value, String named) {
        assertThatThrownBy(
                        () -> options.parse("--bootstrap-servers", "b:1", "--kafka." + key, value))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageStartingWith("--kafka." + key + " is refused: ")
                .hasMessageContaining(named);
        assertThatThrownBy(
                        () ->
                                options.parse(
                                        "--bootstrap-servers",
                                        "b:1",
                                        "--kafka." + key + "=" + value))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining(named);
    }

    @ParameterizedTest
    @CsvSource({"security.protocol", "sasl.mechanism", "linger.ms", "max.poll.records"})
    void otherPropertiesPassThrough(String key) {
        ParsedOptions o = options.parse("--bootstrap-servers", "b:1", "--kafka." + key, "v");
        assertThat(o.kafkaProperties()).containsEntry(key, "v");
        assertThat(KafkaClientProperties.isGuarded(key)).isFalse();
    }
}
