package dev.eventflow.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SASL/SCRAM variant of the embedded broker: right credentials work, wrong ones are refused.
 */
class EmbeddedKafkaClusterSaslTest {

    @RegisterExtension
    static final KafkaExtension KAFKA = KafkaExtension.withSaslScram(Map.of("alice", "alice-pw"));

    private static Properties scram(String mechanism, String user, String password) {
        Properties p = new Properties();
        p.put("bootstrap.servers", KAFKA.bootstrapServers());
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", mechanism);
        p.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + user
                        + "\" password=\""
                        + password
                        + "\";");
        return p;
    }

    @Test
    void scramUsersAuthenticateWithBothMechanismsAndHelpersWork() throws Exception {
        String topic = KAFKA.uniqueTopic("sasl", 1);
        KAFKA.client().produce(topic, 0, "k", "v");
        assertThat(KAFKA.client().readCommitted(topic, Duration.ofSeconds(30))).hasSize(1);
        for (String m : List.of("SCRAM-SHA-256", "SCRAM-SHA-512")) {
            try (Admin admin = Admin.create(scram(m, "alice", "alice-pw"))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
            }
        }
    }

    @Test
    void aWrongPasswordIsAnAuthenticationError() {
        try (Admin admin = Admin.create(scram("SCRAM-SHA-256", "alice", "wrong"))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }
}
