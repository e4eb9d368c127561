package dev.eventflow.common.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What tests do with a broker: produce synchronously, and read back what is committed the way a
 * downstream consumer must ({@code isolation.level=read_committed}). Waits are polls with a
 * deadline, never sleeps.
 */
public final class KafkaTestClient {

    private final String bootstrapServers;

    KafkaTestClient(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Sends every record and waits until all are acknowledged (acks=all). */
    public void produce(String topic, List<ProducerRecord<byte[], byte[]>> records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                if (!r.topic().equals(topic))
                    throw new IllegalArgumentException(
                            "record for " + r.topic() + " in produce(" + topic + ")");
                acks.add(producer.send(r));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) ack.get();
        } catch (Exception e) {
            throw new IllegalStateException("producing to " + topic + " failed", e);
        }
    }

    /** Convenience: string key (may be null) and value to one partition. */
    public void produce(String topic, int partition, String key, String value) {
        produce(
                topic,
                List.of(
                        new ProducerRecord<>(
                                topic,
                                partition,
                                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                                value == null ? null : value.getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * Everything committed on every partition right now: reads from the beginning up to the
     * read_committed end offsets (the last stable offsets) taken at the start.
     */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, timeout).stream()
                            .map(pi -> new TopicPartition(topic, pi.partition()))
                            .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "timed out reading "
                                    + topic
                                    + " up to "
                                    + end
                                    + ", read "
                                    + out.size());
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    /**
     * Polls {@code topic} (read_committed, from the beginning) until {@code until} holds for all
     * records read so far, and returns them.
     *
     * @throws AssertionError on timeout, saying how many records were seen
     */
    public List<ConsumerRecord<byte[], byte[]>> awaitRecords(
            String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> until, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, timeout).stream()
                            .map(pi -> new TopicPartition(topic, pi.partition()))
                            .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!until.test(out)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "timed out after "
                                    + timeout
                                    + " waiting on "
                                    + topic
                                    + "; saw "
                                    + out.size()
                                    + " records");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    /** How many partitions {@code topic} has; 0 if it does not exist. */
    public int partitionCount(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            var partitions = consumer.listTopics(Duration.ofSeconds(30)).get(topic);
            return partitions == null ? 0 : partitions.size();
        }
    }

    private static boolean reached(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) return false;
        }
        return true;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
