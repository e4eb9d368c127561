package dev.eventflow.common.jdbc;

import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.DeadLetter;
import dev.eventflow.common.flink.OperatorId;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Adds a PostgreSQL upsert output to a stream: Spark's {@code foreachBatch { batch =>
 * batch.write.jdbc(...) }} with a {@code MERGE}, done as Flink's batched writer flushed on every
 * checkpoint ({@link JdbcUpsertOperator}).
 */
public final class JdbcUpserts {

    private JdbcUpserts() {}

    /**
     * Upserts {@code stream} into {@code --jdbc-table} with the options' batch size and flush
     * interval, as operator {@code id}, at the stream's parallelism (so each key is always written
     * by the same subtask, in order).
     *
     * @return the rows the database rejected, as dead letters with its reason, for the job's
     *     dead-letter sink
     */
    public static <T> SingleOutputStreamOperator<DeadLetter> write(
            DataStream<T> stream, ParsedOptions o, JdbcRows<T> rows, OperatorId id) {
        return stream.transform(
                        id.operatorName(),
                        TypeInformation.of(DeadLetter.class),
                        new JdbcUpsertOperator<>(
                                JdbcOptions.target(o),
                                rows,
                                o.get(JdbcOptions.BATCH_SIZE),
                                o.get(JdbcOptions.FLUSH_INTERVAL).toMillis()))
                .uid(id.uid());
    }

    /**
     * The start-up check: the table exists with a shape the upsert can write, or is created.
     *
     * @throws dev.eventflow.common.kafka.StartupCheckException naming what to change
     */
    public static void prepareTable(ParsedOptions o, JdbcRows<?> rows) {
        JdbcTarget target = JdbcOptions.target(o);
        if (JdbcTables.prepare(target, rows.table())) {
            System.out.println("created table " + target);
        }
    }
}
