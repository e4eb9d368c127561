package dev.eventflow.common.event;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a {@link DeadLetter} to the DLQ topic as it arrived (same key and value bytes, so it can
 * be replayed as-is after a fix) with the reason and source coordinates as headers: {@value
 * #REASON}, {@value #SOURCE_TOPIC}, {@value #SOURCE_PARTITION}, {@value #SOURCE_OFFSET}, {@value
 * #SOURCE_TIMESTAMP}.
 */
public final class DeadLetterSerializationSchema
        implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    public static final String REASON = "dlq.reason";
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    public static final String SOURCE_TIMESTAMP = "dlq.source.timestamp";

    private final String topic;

    public DeadLetterSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter d, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, bytes(d.reason));
        headers.add(SOURCE_TOPIC, bytes(d.sourceTopic));
        headers.add(SOURCE_PARTITION, bytes(Integer.toString(d.sourcePartition)));
        headers.add(SOURCE_OFFSET, bytes(Long.toString(d.sourceOffset)));
        headers.add(SOURCE_TIMESTAMP, bytes(Long.toString(d.sourceTimestamp)));
        return new ProducerRecord<>(topic, null, null, d.key, d.value, headers);
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
