package dev.eventflow.common.kafka;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The shape of every result record the suite writes: one topic, a UTF-8 key that keeps related
 * records in one partition (and, on a compacted topic, the latest value per key), and a value
 * (null: a tombstone). A job's schema passes its topic, key and value functions; the value function
 * is usually the schema's own static {@code toJson}, which tests call directly.
 *
 * @param <T> the record written
 */
public class KeyedRecordSerializationSchema<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    /** A serializable function of a record. */
    @FunctionalInterface
    public interface Field<T, R> extends Serializable {
        R of(T record);
    }

    private final String topic;
    private final Field<T, String> key;
    private final Field<T, byte[]> value;

    protected KeyedRecordSerializationSchema(
            String topic, Field<T, String> key, Field<T, byte[]> value) {
        this.topic = topic;
        this.key = key;
        this.value = value;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T record, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic, key.of(record).getBytes(StandardCharsets.UTF_8), value.of(record));
    }
}
