package dev.eventflow.common.kafka;

import dev.eventflow.common.metrics.SuiteMetrics;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Counts the records a sink writes in {@link SuiteMetrics#RECORDS_OUT}, labelled with the sink's
 * role, and otherwise hands everything to the job's own schema. {@link KafkaSinks#create} wraps
 * every sink's schema in it, so every output of every job is counted the same way. A record is
 * counted when it is handed to the producer; under exactly-once it becomes visible to readers when
 * the checkpoint that follows commits its transaction.
 */
final class CountingRecordSerializationSchema<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final KafkaRecordSerializationSchema<T> schema;
    private final String output;
    private transient Counter recordsOut;

    CountingRecordSerializationSchema(KafkaRecordSerializationSchema<T> schema, String output) {
        this.schema = schema;
        this.output = output;
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext)
            throws Exception {
        // The exactly-once writer opens its schema twice (its own constructor and its parent's);
        // a second registration of the same name would leave the reporter with the first
        // counter and this one counting unseen.
        if (recordsOut == null) {
            recordsOut = SuiteMetrics.of(context.getMetricGroup()).recordsOut(output);
        }
        schema.open(context, sinkContext);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T element, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> record = schema.serialize(element, context, timestamp);
        if (record != null && recordsOut != null) recordsOut.inc();
        return record;
    }

    /** The job's own schema. */
    KafkaRecordSerializationSchema<T> schema() {
        return schema;
    }
}
