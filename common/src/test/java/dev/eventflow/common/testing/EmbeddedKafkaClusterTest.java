package dev.eventflow.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rig itself: a real broker formatted like production, and read_committed reads that return
 * plain and committed records but never aborted ones.
 */
class EmbeddedKafkaClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void readCommittedSeesPlainAndCommittedRecordsButNotAbortedOnes() throws Exception {
        String topic = KAFKA.uniqueTopic("rig", 3);
        for (int p = 0; p < 3; p++) KAFKA.client().produce(topic, p, "k" + p, "plain-" + p);

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "rig-tx-" + topic);
        try (KafkaProducer<String, String> tx =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            tx.initTransactions();
            tx.beginTransaction();
            tx.send(new ProducerRecord<>(topic, 0, "a", "committed-0"));
            tx.send(new ProducerRecord<>(topic, 1, "b", "committed-1"));
            tx.commitTransaction();
            tx.beginTransaction();
            tx.send(new ProducerRecord<>(topic, 1, "c", "aborted-1"));
            tx.send(new ProducerRecord<>(topic, 2, "d", "aborted-2"));
            tx.flush(); // the aborted records really reach the log before the abort
            tx.abortTransaction();
        }

        assertThat(values(KAFKA.client().readCommitted(topic, WAIT)))
                .containsExactlyInAnyOrder(
                        "plain-0", "plain-1", "plain-2", "committed-0", "committed-1");
        // Without the isolation level the aborted records are visible: the filter did the work.
        assertThat(readUncommitted(topic, 3)).contains("aborted-1", "aborted-2");

        assertThat(KAFKA.client().awaitRecords(topic, records -> records.size() >= 5, WAIT))
                .hasSize(5);
    }

    @Test
    void brokerIsFormattedWithProductionFeatureLevels() throws Exception {
        try (Admin admin = KAFKA.cluster().newAdmin()) {
            FeatureMetadata features =
                    admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS);
            // The released metadata version, not the test kit's unreleased "latest testing" one.
            assertThat(features.finalizedFeatures().get("metadata.version").maxVersionLevel())
                    .isEqualTo(MetadataVersion.latestProduction().featureLevel());
            // Level 2 is the KIP-890 transaction protocol; without the explicit feature levels a
            // production metadata version alone would leave it at 0.
            assertThat(features.finalizedFeatures().get("transaction.version").maxVersionLevel())
                    .isEqualTo((short) 2);
            assertThat(features.finalizedFeatures()).containsKey("group.version");
        }
    }

    @Test
    void createTopicAppliesConfigs() throws Exception {
        String topic = KAFKA.uniqueTopic("configured", 2, Map.of("retention.ms", "123456"));
        assertThat(KAFKA.client().partitionCount(topic)).isEqualTo(2);
        try (Admin admin = KAFKA.cluster().newAdmin()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config =
                    admin.describeConfigs(List.of(resource))
                            .all()
                            .get(30, TimeUnit.SECONDS)
                            .get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo("123456");
        }
    }

    @Test
    void awaitRecordsTimesOutSayingHowManyRecordsItSaw() {
        String topic = KAFKA.uniqueTopic("await", 1);
        KAFKA.client().produce(topic, 0, null, "only");

        assertThatThrownBy(
                        () ->
                                KAFKA.client()
                                        .awaitRecords(
                                                topic,
                                                records -> records.size() >= 2,
                                                Duration.ofMillis(500)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("saw 1 records");
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records)
            values.add(new String(r.value(), StandardCharsets.UTF_8));
        return values;
    }

    /** Everything physically in the log, aborted data included, up to the high watermark. */
    private static List<String> readUncommitted(String topic, int partitions) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) tps.add(new TopicPartition(topic, i));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, WAIT);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime() - deadline).as("read deadline").isNegative();
                consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
            }
            return values;
        }
    }
}
