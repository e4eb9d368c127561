package dev.eventflow.common.kafka;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.flink.OperatorId;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;

/**
 * Kafka sinks with the suite's delivery presets: Spark's {@code kafka.transactional.id} sink, done
 * as Flink's two-phase commit.
 *
 * <p>EXACTLY_ONCE: every checkpoint interval each sink subtask writes into an open Kafka
 * transaction; the checkpoint pre-commits it and {@code notifyCheckpointComplete} commits it.
 * Readers with {@code isolation.level=read_committed} therefore see output only once per
 * checkpoint, and after a failure the uncommitted transaction is aborted and its records are
 * recomputed from the checkpointed offsets and state: each result appears exactly once. The
 * transaction must outlive a checkpoint interval (plus recovery time), hence the validated {@code
 * --transaction-timeout}.
 */
public final class KafkaSinks {

    /**
     * The sink roles of the suite's jobs. A transactional id is {@code
     * <prefix>-<role>-<subtask>-<checkpoint>}; knowing every role lets {@link TransactionalIdGuard}
     * tell this deployment's ids from those of a deployment whose prefix merely extends this one.
     */
    public static final List<String> ROLES =
            List.of("out", "late", "dlq", "dlq-jdbc", "audit", "samples", "diff", "windows");

    private KafkaSinks() {}

    /**
     * Writes {@code stream} to Kafka through {@link #create}, as operator {@code id} (its name and
     * its uid, which savepoints match sink state by).
     */
    public static <T> DataStreamSink<T> write(
            DataStream<T> stream,
            ParsedOptions o,
            String jobName,
            String role,
            KafkaRecordSerializationSchema<T> serializer,
            OperatorId id) {
        return stream.sinkTo(create(o, jobName, role, serializer))
                .name(id.operatorName())
                .uid(id.uid());
    }

    /**
     * @param role short, stable name of this sink within the job ({@code out}, {@code late}, {@code
     *     dlq}); it makes the transactional id unique per sink, and labels the sink's {@code
     *     eventflow_records_out_total}
     */
    public static <T> KafkaSink<T> create(
            ParsedOptions o,
            String jobName,
            String role,
            KafkaRecordSerializationSchema<T> serializer) {
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException(
                    "unknown sink role '" + role + "': add it to KafkaSinks.ROLES " + ROLES);
        }
        CommonOptions.Delivery delivery = o.get(CommonOptions.DELIVERY);
        KafkaSinkBuilder<T> b =
                KafkaSink.<T>builder()
                        .setBootstrapServers(o.get(CommonOptions.BOOTSTRAP_SERVERS))
                        .setRecordSerializer(
                                new CountingRecordSerializationSchema<>(serializer, role))
                        .setDeliveryGuarantee(
                                delivery == CommonOptions.Delivery.EXACTLY_ONCE
                                        ? DeliveryGuarantee.EXACTLY_ONCE
                                        : DeliveryGuarantee.AT_LEAST_ONCE);
        if (delivery == CommonOptions.Delivery.EXACTLY_ONCE) {
            b.setTransactionalIdPrefix(KafkaSettings.transactionalIdPrefix(o, jobName) + "-" + role)
                    .setProperty(
                            "transaction.timeout.ms",
                            Long.toString(o.get(CommonOptions.TRANSACTION_TIMEOUT).toMillis()));
        }
        o.kafkaProperties().forEach(b::setProperty);
        return b.build();
    }
}
