package dev.eventflow.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sasl.jaas.config",
                "ssl.key.password",
                "ssl.keystore.password",
                "ssl.truststore.password",
                "ssl.keystore.key",
                "sasl.oauthbearer.client.credentials.client.secret",
                "sasl.login.token",
                "basic.auth.user.info.credentials",
                "redis.password",
                "SASL.JAAS.CONFIG",
                "api.key"
            })
    void secretKeysAreMasked(String key) {
        assertThat(Secrets.isSecret(key)).isTrue();
        assertThat(Secrets.mask(key, "s3cr3t")).isEqualTo(Secrets.MASK);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "security.protocol",
                "sasl.mechanism",
                "ssl.endpoint.identification.algorithm",
                "linger.ms",
                "bootstrap.servers",
                "client.id"
            })
    void otherKeysAreShown(String key) {
        assertThat(Secrets.isSecret(key)).isFalse();
        assertThat(Secrets.mask(key, "v")).isEqualTo("v");
    }

    @Test
    void maskedKeepsOrderAndNulls() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("security.protocol", "SASL_PLAINTEXT");
        config.put("sasl.jaas.config", "x password=\"p\";");
        config.put("ssl.key.password", null);
        assertThat(Secrets.masked(config))
                .containsExactly(
                        Map.entry("security.protocol", "SASL_PLAINTEXT"),
                        Map.entry("sasl.jaas.config", Secrets.MASK),
                        new java.util.AbstractMap.SimpleEntry<>("ssl.key.password", null));
    }
}
