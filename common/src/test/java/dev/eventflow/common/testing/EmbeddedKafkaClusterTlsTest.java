package dev.eventflow.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SASL_SSL variant of the embedded broker, with key material made by {@code keytool} at test
 * time: a client that trusts the broker's certificate and has the right credentials works; one with
 * a truststore that does not hold the certificate fails the TLS handshake.
 */
class EmbeddedKafkaClusterTlsTest {

    @RegisterExtension
    static final KafkaExtension KAFKA =
            KafkaExtension.withSaslScramOverTls(Map.of("alice", "alice-pw"));

    @TempDir Path dir;

    private static Properties client(Properties trust) {
        Properties p = new Properties();
        p.put("bootstrap.servers", KAFKA.bootstrapServers());
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"alice\" password=\"alice-pw\";");
        p.putAll(trust);
        return p;
    }

    @Test
    void aClientThatTrustsTheBrokerWorksAndHelpersToo() throws Exception {
        String topic = KAFKA.uniqueTopic("tls", 1);
        KAFKA.client().produce(topic, 0, "k", "v");
        assertThat(KAFKA.client().readCommitted(topic, Duration.ofSeconds(30))).hasSize(1);
        try (Admin admin = Admin.create(client(KAFKA.tls().clientTrust()))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
        }
    }

    @Test
    void aTruststoreWithoutTheBrokersCertificateFailsTheHandshake() {
        TestTls other = TestTls.generate(dir, "other", "other-ks-pw", "other-ts-pw");
        try (Admin admin = Admin.create(client(other.clientTrust()))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SslAuthenticationException.class);
        }
    }
}
