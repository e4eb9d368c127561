package dev.eventflow.common.jdbc;

import dev.eventflow.common.event.DeadLetter;
import dev.eventflow.common.event.Json;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upserts records into a PostgreSQL table in batches and emits the rows the database rejects as
 * {@link DeadLetter}s with its reason, so a bad row never stops the job.
 *
 * <p>Guarantee: at-least-once writes of idempotent upserts. Rows are buffered and written (one
 * transaction per batch) when the batch is full, when the oldest row has waited {@code
 * flushIntervalMs}, at the end of input, and in {@link #prepareSnapshotPreBarrier} before every
 * checkpoint barrier leaves this operator: when a checkpoint completes, every row of the records
 * before it is in the table. After a failure the job restores the last checkpoint and recomputes
 * the records after it; rewriting a row with the same key replaces it ({@code ON CONFLICT ... DO
 * UPDATE}), so the table ends as after one run. The buffer is empty at every checkpoint, so the
 * operator keeps no state.
 *
 * <p>Rejected rows: a batch that fails with a data error (SQLSTATE class 22 or 23, {@link
 * SqlStates}) is rolled back and its rows are written again one by one, each in its own
 * transaction; the row that fails again is emitted as a dead letter (before the barrier, so the
 * dead-letter sink writes it exactly once) and the others are written. Any other error (connection
 * lost, server down, table dropped) fails the task: Flink restarts it from the last checkpoint and
 * the rows are written again. There is no retry loop here: recovery is Flink's restart.
 *
 * <p>Why an operator and not a Sink V2 sink (Flink's JDBC connector's {@code JdbcSink} is one): a
 * sink writer has no output, so it cannot hand a rejected row to the exactly-once dead-letter sink;
 * the connector's writer retries a failing batch and then fails the job, which would stop the job
 * on one bad row forever.
 */
public final class JdbcUpsertOperator<T> extends AbstractStreamOperator<DeadLetter>
        implements OneInputStreamOperator<T, DeadLetter>, ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcUpsertOperator.class);

    private final JdbcTarget target;
    private final JdbcRows<T> rows;
    private final int batchSize;
    private final long flushIntervalMs;

    private transient Connection connection;
    private transient PreparedStatement upsert;
    private transient List<Object[]> batch;
    private transient boolean flushTimerSet;
    private transient Counter rowsWritten;
    private transient Counter rowsRejected;
    private transient Counter batchesWritten;

    public JdbcUpsertOperator(
            JdbcTarget target, JdbcRows<T> rows, int batchSize, long flushIntervalMs) {
        this.target = target;
        this.rows = rows;
        this.batchSize = batchSize;
        this.flushIntervalMs = flushIntervalMs;
    }

    @Override
    public void open() throws Exception {
        super.open();
        batch = new ArrayList<>(batchSize);
        rowsWritten = getMetricGroup().counter("jdbcRowsWritten");
        rowsRejected = getMetricGroup().counter("jdbcRowsRejected");
        batchesWritten = getMetricGroup().counter("jdbcBatchesWritten");
        connect();
    }

    private void connect() throws SQLException {
        connection = target.connect();
        connection.setAutoCommit(false);
        upsert = connection.prepareStatement(rows.table().upsertSql(target.table()));
    }

    @Override
    public void processElement(StreamRecord<T> element) throws Exception {
        // Values are taken now: the record may be reused by the runtime after this call.
        batch.add(rows.values(element.getValue()));
        if (batch.size() >= batchSize) {
            flush();
        } else if (!flushTimerSet) {
            flushTimerSet = true;
            getProcessingTimeService()
                    .registerTimer(
                            getProcessingTimeService().getCurrentProcessingTime() + flushIntervalMs,
                            this);
        }
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        flushTimerSet = false;
        flush();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (connection != null) connection.close();
        } catch (SQLException e) {
            LOG.debug("closing the connection to {}", target, e);
        } finally {
            connection = null;
            super.close();
        }
    }

    /** Writes the buffered rows: one transaction, else row by row to isolate rejected rows. */
    private void flush() throws SQLException {
        if (batch.isEmpty()) return;
        try {
            for (Object[] values : batch) {
                bind(values);
                upsert.addBatch();
            }
            upsert.executeBatch();
            connection.commit();
            rowsWritten.inc(batch.size());
            batchesWritten.inc();
        } catch (SQLException e) {
            rollback(e);
            if (!SqlStates.isDataError(e)) throw failure(e);
            writeOneByOne();
        } finally {
            batch.clear();
            try {
                upsert.clearBatch();
            } catch (SQLException closed) {
                // the connection is gone; the task is failing with the error that matters
            }
        }
    }

    private void writeOneByOne() throws SQLException {
        for (Object[] values : batch) {
            try {
                bind(values);
                upsert.executeUpdate();
                connection.commit();
                rowsWritten.inc();
            } catch (SQLException e) {
                rollback(e);
                if (!SqlStates.isDataError(e)) throw failure(e);
                rowsRejected.inc();
                String reason = SqlStates.reason(e);
                LOG.warn("row dead-lettered, {}", reason);
                output.collect(new StreamRecord<>(deadLetter(values, reason)));
            }
        }
    }

    private void rollback(SQLException cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private SQLException failure(SQLException e) {
        return new SQLException(
                "writing to "
                        + target
                        + " failed ("
                        + SqlStates.reason(e)
                        + "); the job restarts"
                        + " from its last checkpoint and writes these rows again",
                SqlStates.state(e),
                e);
    }

    private void bind(Object[] values) throws SQLException {
        List<Column> columns = rows.table().columns();
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                upsert.setNull(i + 1, columns.get(i).jdbcType);
            } else {
                upsert.setObject(i + 1, values[i]);
            }
        }
    }

    /**
     * A rejected row as a dead letter: key = the first key column, value = the row as a JSON object
     * of its columns, source = {@code postgresql:<table>} (no Kafka coordinates: -1).
     */
    private DeadLetter deadLetter(Object[] values, String reason) {
        UpsertTable table = rows.table();
        Object key = values[table.indexOf(table.key().get(0))];
        byte[] json =
                Json.write(
                        g -> {
                            g.writeStartObject();
                            for (int i = 0; i < values.length; i++) {
                                String name = table.columns().get(i).name;
                                Object v = values[i];
                                if (v == null) {
                                    g.writeNullField(name);
                                } else if (v instanceof Long || v instanceof Integer) {
                                    g.writeNumberField(name, ((Number) v).longValue());
                                } else if (v instanceof Double) {
                                    g.writeNumberField(name, (Double) v);
                                } else if (v instanceof OffsetDateTime) {
                                    g.writeStringField(
                                            name, ((OffsetDateTime) v).toInstant().toString());
                                } else {
                                    g.writeStringField(name, v.toString());
                                }
                            }
                            g.writeEndObject();
                        });
        return new DeadLetter(
                reason,
                "postgresql:" + target.table(),
                -1,
                -1L,
                -1L,
                key == null ? null : key.toString().getBytes(StandardCharsets.UTF_8),
                json);
    }
}
