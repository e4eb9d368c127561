package dev.eventflow.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EffectiveConfigTest {

    @Test
    void everyOptionWithItsValueAndSecretsMasked() {
        OptionSet set = OptionGroups.streamingJob(OptionGroups.EVENT_TIME);
        ParsedOptions o =
                set.parse(
                        new String[] {
                            "--bootstrap-servers", "b:9092",
                            "--watermark-delay", "5m",
                            "--kafka.security.protocol", "SASL_SSL",
                            "--kafka.sasl.jaas.config",
                                    "org.apache.kafka.common.security.plain.PlainLoginModule"
                                            + " required username=\"u\" password=\"hunter2\";",
                            "--kafka.ssl.truststore.password", "changeit",
                            "--kafka.ssl.key.password", "k",
                            "--kafka.ssl.keystore.key", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
                            "--kafka.sasl.oauthbearer.token.endpoint.url", "https://idp/token"
                        });
        String line = EffectiveConfig.describe(set, o);
        assertThat(line)
                .contains("--bootstrap-servers b:9092")
                .contains("--watermark-delay 5m")
                .contains("--input-topic user-events") // a default
                .contains("--metrics-port 0")
                .contains("--progress-log-interval 30s")
                .contains("--kafka.security.protocol SASL_SSL")
                .contains("--kafka.sasl.jaas.config " + EffectiveConfig.MASK)
                .contains("--kafka.ssl.truststore.password " + EffectiveConfig.MASK)
                .contains("--kafka.ssl.key.password " + EffectiveConfig.MASK)
                .contains("--kafka.ssl.keystore.key " + EffectiveConfig.MASK)
                .doesNotContain("hunter2")
                .doesNotContain("changeit")
                .doesNotContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC")
                .doesNotContain("--checkpoint-dir"); // unset optional option
        assertThat(line.lines().count()).isEqualTo(1);
    }

    @Test
    void secretsByName() {
        assertThat(EffectiveConfig.isSecret("sasl.jaas.config")).isTrue();
        assertThat(EffectiveConfig.isSecret("ssl.keystore.location")).isTrue();
        assertThat(EffectiveConfig.isSecret("ssl.key.password")).isTrue();
        assertThat(EffectiveConfig.isSecret("basic.auth.user.info.secret")).isTrue();
        assertThat(EffectiveConfig.isSecret("api-key")).isTrue();
        assertThat(EffectiveConfig.isSecret("security.protocol")).isFalse();
        assertThat(EffectiveConfig.isSecret("key.serializer")).isFalse();
        assertThat(EffectiveConfig.isSecret("bootstrap-servers")).isFalse();
    }
}
