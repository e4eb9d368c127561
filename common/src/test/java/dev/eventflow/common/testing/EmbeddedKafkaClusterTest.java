package dev.eventflow.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rig itself: a real broker, and read_committed reads that never show aborted data. */
class EmbeddedKafkaClusterTest {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void readCommittedSeesPlainAndCommittedRecordsButNotAbortedOnes() {
        String topic = KAFKA.uniqueTopic("rig", 3);
        for (int p = 0; p < 3; p++) KAFKA.client().produce(topic, p, "k" + p, "plain-" + p);

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "rig-tx");
        try (KafkaProducer<String, String> tx =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            tx.initTransactions();
            tx.beginTransaction();
            tx.send(new ProducerRecord<>(topic, 0, "a", "committed-1"));
            tx.send(new ProducerRecord<>(topic, 1, "b", "committed-2"));
            tx.commitTransaction();
            tx.beginTransaction();
            tx.send(new ProducerRecord<>(topic, 2, "c", "aborted"));
            tx.flush();
            tx.abortTransaction();
        }

        List<String> values =
                KAFKA.client().readCommitted(topic, Duration.ofSeconds(30)).stream()
                        .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                        .collect(Collectors.toList());
        assertThat(values)
                .containsExactlyInAnyOrder(
                        "plain-0", "plain-1", "plain-2", "committed-1", "committed-2");

        List<?> awaited =
                KAFKA.client()
                        .awaitRecords(
                                topic, records -> records.size() >= 5, Duration.ofSeconds(30));
        assertThat(awaited).hasSize(5);
    }
}
