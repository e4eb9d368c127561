package dev.eventflow.bench.kafka;

import dev.eventflow.bench.SeededEvents;
import dev.eventflow.common.generator.UserEventGenerator;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the seeded sequence ({@link SeededEvents}) to a topic before a measurement, so that the
 * Kafka variants read exactly the records the in-memory variants generate. Records are keyed by
 * user and placed by {@link #partition}, the same rule the paced latency producer uses; malformed
 * records (no user) are spread round-robin.
 */
public final class SeededTopics {

    private SeededTopics() {}

    /** Produces the first {@code events} seeded records to {@code topic} and waits for the acks. */
    public static void produce(String bootstrapServers, String topic, int partitions, long events) {
        UserEventGenerator generator = SeededEvents.generator();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers)) {
            for (long i = 0; i < events; i++) {
                UserEventGenerator.Generated g = generator.next();
                producer.send(record(topic, partitions, i, g));
            }
            producer.flush();
        }
    }

    /** Record {@code index} of the sequence, placed on its partition. */
    public static ProducerRecord<byte[], byte[]> record(
            String topic, int partitions, long index, UserEventGenerator.Generated g) {
        byte[] key = g.key == null ? null : g.key.getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(
                topic,
                partition(g.key, index, partitions),
                key,
                g.json.getBytes(StandardCharsets.UTF_8));
    }

    /** The partition of a record: by user, or round-robin by index when it has none. */
    public static int partition(String userId, long index, int partitions) {
        return userId == null
                ? (int) Math.floorMod(index, (long) partitions)
                : Math.floorMod(userId.hashCode(), partitions);
    }

    /** A plain, idempotent producer batching for throughput (loading data is not measured). */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
