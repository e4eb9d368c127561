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
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What tests do with a broker: produce synchronously, and read back what is committed the way a
 * downstream consumer of an exactly-once job must, with {@code isolation.level=read_committed}.
 *
 * <p>Every wait is a poll loop with a deadline, never a fixed sleep: tests are as fast as the
 * broker allows and fail with a message instead of hanging. Each call uses its own short-lived
 * client, so there is no shared state between calls or threads, and no consumer group is involved
 * (partitions are assigned, offsets are never committed).
 */
public final class KafkaTestClient {

    private static final Duration POLL = Duration.ofMillis(100);

    private final String bootstrapServers;
    private final Properties security;

    /**
     * @param bootstrapServers any reachable broker, usually {@link
     *     EmbeddedKafkaCluster#bootstrapServers()}
     */
    public KafkaTestClient(String bootstrapServers) {
        this(bootstrapServers, new Properties());
    }

    /**
     * @param security client properties added to every producer and consumer, e.g. the SASL
     *     settings of {@link EmbeddedKafkaCluster#withSaslScram}
     */
    public KafkaTestClient(String bootstrapServers, Properties security) {
        this.bootstrapServers = bootstrapServers;
        this.security = new Properties();
        this.security.putAll(security);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Sends every record with {@code acks=all} and returns only when all are acknowledged, so a
     * test's input is durably in the log before the code under test starts.
     *
     * @throws IllegalArgumentException if a record is addressed to another topic
     * @throws IllegalStateException if any send fails
     */
    public void produce(String topic, List<ProducerRecord<byte[], byte[]>> records) {
        for (ProducerRecord<byte[], byte[]> r : records) {
            if (!r.topic().equals(topic))
                throw new IllegalArgumentException(
                        "record for " + r.topic() + " in produce(" + topic + ", ...)");
        }
        Properties p = new Properties();
        p.putAll(security);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
            for (ProducerRecord<byte[], byte[]> r : records) acks.add(producer.send(r));
            producer.flush();
            for (Future<RecordMetadata> ack : acks) ack.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing to " + topic, e);
        } catch (Exception e) {
            throw new IllegalStateException("producing to " + topic + " failed", e);
        }
    }

    /** Convenience for one record: UTF-8 key (may be null) and value to the given partition. */
    public void produce(String topic, int partition, String key, String value) {
        produce(topic, List.of(new ProducerRecord<>(topic, partition, utf8(key), utf8(value))));
    }

    /**
     * Everything committed on every partition of {@code topic} at the time of the call.
     *
     * <p>The end of each partition is its end offset as seen by a read_committed consumer, i.e. the
     * last stable offset: records of transactions still open are beyond it, aborted records and
     * transaction markers are skipped. Records committed while this runs are not returned, so the
     * result is a consistent snapshot.
     *
     * @throws AssertionError if the topic does not exist, or the snapshot cannot be read in {@code
     *     timeout}
     */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = readCommittedConsumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic, timeout);
            if (partitions.isEmpty())
                throw new AssertionError("topic " + topic + " does not exist");
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            while (!reached(consumer, end)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(
                            "timed out after "
                                    + timeout
                                    + " reading "
                                    + topic
                                    + " up to "
                                    + end
                                    + "; read "
                                    + out.size()
                                    + " records");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < end.get(tp)) out.add(r);
                }
            }
            return out;
        }
    }

    /**
     * Reads {@code topic} with read_committed from the beginning, polling until {@code until} holds
     * for all records read so far, and returns those records. Meant for output that a job under
     * test commits over time (e.g. once per checkpoint). If the topic does not exist yet, waits for
     * it within the same deadline.
     *
     * @throws AssertionError on timeout, saying how many records were seen
     */
    public List<ConsumerRecord<byte[], byte[]>> awaitRecords(
            String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> until, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = readCommittedConsumer()) {
            List<TopicPartition> partitions = List.of();
            while (!until.test(out)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(
                            "timed out after "
                                    + timeout
                                    + " waiting on "
                                    + topic
                                    + (partitions.isEmpty() ? " (topic not found)" : "")
                                    + "; saw "
                                    + out.size()
                                    + " records");
                }
                if (partitions.isEmpty()) {
                    partitions = partitionsIfPresent(consumer, topic);
                    if (partitions.isEmpty()) continue;
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                }
                consumer.poll(POLL).forEach(out::add);
            }
            return out;
        }
    }

    /** How many partitions {@code topic} has; 0 if it does not exist. */
    public int partitionCount(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = readCommittedConsumer()) {
            return partitions(consumer, topic, Duration.ofSeconds(30)).size();
        }
    }

    private static List<TopicPartition> partitions(
            KafkaConsumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.listTopics(timeout).get(topic);
        if (infos == null) return List.of();
        return infos.stream()
                .map(pi -> new TopicPartition(topic, pi.partition()))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                .collect(Collectors.toList());
    }

    /**
     * One bounded metadata look-up for {@link #awaitRecords}: empty while the topic is absent or
     * the look-up did not finish within one poll interval (the caller's deadline governs).
     */
    private static List<TopicPartition> partitionsIfPresent(
            KafkaConsumer<byte[], byte[]> consumer, String topic) {
        try {
            return partitions(consumer, topic, POLL);
        } catch (TimeoutException e) {
            return List.of();
        }
    }

    private static boolean reached(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) return false;
        }
        return true;
    }

    private KafkaConsumer<byte[], byte[]> readCommittedConsumer() {
        Properties p = new Properties();
        p.putAll(security);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A partition already read to its end otherwise parks each fetch for the default 500 ms.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
