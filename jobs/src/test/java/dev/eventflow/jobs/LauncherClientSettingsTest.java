package dev.eventflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.Secrets;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

/**
 * How the launcher reports a Kafka client it could not build: the specific causes, the store named
 * by its setting, no secret value.
 */
class LauncherClientSettingsTest {

    @Test
    void theSpecificCausesAreKeptAndSecretsMasked() {
        KafkaException chain =
                new KafkaException(
                        "Failed to create new KafkaAdminClient",
                        new KafkaException(
                                "Failed to create new NetworkClient",
                                new KafkaException(
                                        new KafkaException(
                                                "Failed to load SSL keystore /etc/kafka/trust.p12 of type PKCS12",
                                                new IOException(
                                                        "keystore password was incorrect"
                                                                + " (tried hunter2-secret)")))));
        String problem = Launcher.clientSettingsProblem(chain);
        assertThat(problem)
                .isEqualTo(
                        "Failed to load SSL keystore /etc/kafka/trust.p12 of type PKCS12:"
                                + " keystore password was incorrect (tried hunter2-secret)");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("ssl.truststore.location", "/etc/kafka/trust.p12");
        settings.put("ssl.truststore.type", "PKCS12");
        settings.put("ssl.truststore.password", "hunter2-secret");
        assertThat(Launcher.masked(problem, settings))
                .isEqualTo(
                        "Failed to load SSL keystore /etc/kafka/trust.p12 (ssl.truststore.location)"
                                + " of type PKCS12: keystore password was incorrect (tried "
                                + Secrets.MASK
                                + ")");
    }
}
