package dev.eventflow.common.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventflow.common.event.DeadLetter;
import dev.eventflow.common.kafka.StartupCheckException;
import dev.eventflow.common.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link JdbcUpsertOperator} and {@link JdbcTables} on a real PostgreSQL server: batched writes
 * flushed at the batch size, on the flush timer and before every checkpoint barrier; idempotent
 * rewrites; a row the database rejects isolated and dead-lettered with the database's reason while
 * its batch-mates are written; a lost server failing the task instead; the table created when
 * missing and refused when its shape does not fit.
 */
class JdbcUpsertOperatorITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final OffsetDateTime T0 =
            OffsetDateTime.ofInstant(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC);

    /** A small table: (id, at) key, a count, an optional amount. */
    static final class Rows implements JdbcRows<Object[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public UpsertTable table() {
            return new UpsertTable(
                    List.of(
                            Column.text("id"),
                            Column.timestamptz("at"),
                            Column.bigint("n"),
                            Column.doublePrecision("amount").orNull()),
                    List.of("id", "at"));
        }

        @Override
        public Object[] values(Object[] record) {
            return record.clone();
        }
    }

    private String table;
    private JdbcTarget target;

    @BeforeEach
    void table() {
        table = POSTGRES.uniqueTable("rows");
        target =
                new JdbcTarget(
                        POSTGRES.jdbcUrl(),
                        table,
                        PostgresExtension.USER,
                        "EVENTFLOW_TEST_UNSET_VARIABLE",
                        PostgresExtension.PASSWORD);
    }

    private static Object[] row(String id, int minute, long n, Double amount) {
        return new Object[] {id, T0.plusMinutes(minute), n, amount};
    }

    private OneInputStreamOperatorTestHarness<Object[], DeadLetter> harness(int batchSize)
            throws Exception {
        OneInputStreamOperatorTestHarness<Object[], DeadLetter> h =
                new OneInputStreamOperatorTestHarness<>(
                        new JdbcUpsertOperator<>(target, new Rows(), batchSize, 1_000));
        h.open();
        return h;
    }

    private List<String> tableRows() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = POSTGRES.connect();
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery(
                                "SELECT id, at, n, amount FROM " + table + " ORDER BY id, at")) {
            while (r.next()) {
                out.add(
                        r.getString(1)
                                + "@"
                                + r.getObject(2, OffsetDateTime.class).toInstant()
                                + " n="
                                + r.getLong(3)
                                + " amount="
                                + r.getObject(4));
            }
        }
        return out;
    }

    @Test
    void createsTheTableThenWritesBatchesOnSizeTimerAndBarrierAndRewritesIdempotently()
            throws Exception {
        assertThat(JdbcTables.prepare(target, new Rows().table())).isTrue();
        assertThat(JdbcTables.prepare(target, new Rows().table())).as("second check").isFalse();

        try (OneInputStreamOperatorTestHarness<Object[], DeadLetter> h = harness(3)) {
            h.setProcessingTime(0);
            h.processElement(row("a", 0, 1, 1.5), 0);
            h.processElement(row("b", 0, 2, null), 0);
            assertThat(tableRows()).as("below the batch size, before the timer").isEmpty();
            h.processElement(row("c", 0, 3, 2.0), 0);
            assertThat(tableRows()).as("batch full").hasSize(3);

            h.processElement(row("d", 1, 4, null), 0);
            h.setProcessingTime(999);
            assertThat(tableRows()).hasSize(3);
            h.setProcessingTime(1_000);
            assertThat(tableRows()).as("flush interval").hasSize(4);

            assertThat(h.getProcessingTimeService().getNumActiveTimers())
                    .as("no timer once the batch is written")
                    .isZero();

            h.processElement(row("e", 1, 5, null), 0);
            h.prepareSnapshotPreBarrier(1);
            assertThat(tableRows()).as("flushed before the barrier").hasSize(5);
            // The buffer is empty at every checkpoint: the operator keeps no state at all.
            OperatorSubtaskState snapshot = h.snapshot(1, 0);
            assertThat(snapshot.getManagedOperatorState()).isEmpty();
            assertThat(snapshot.getManagedKeyedState()).isEmpty();
            assertThat(snapshot.getRawOperatorState()).isEmpty();

            // A replay writes the same rows again: same table.
            List<String> before = tableRows();
            for (Object[] r :
                    List.of(
                            row("a", 0, 1, 1.5),
                            row("b", 0, 2, null),
                            row("c", 0, 3, 2.0),
                            row("d", 1, 4, null),
                            row("e", 1, 5, null))) {
                h.processElement(r, 0);
            }
            h.prepareSnapshotPreBarrier(2);
            assertThat(tableRows()).isEqualTo(before);

            // A changed value for a key replaces the row.
            h.processElement(row("a", 0, 10, 9.0), 0);
            h.prepareSnapshotPreBarrier(3);
            assertThat(tableRows()).contains("a@2026-01-01T10:00:00Z n=10 amount=9.0");
            assertThat(h.extractOutputValues()).isEmpty();
        }
        assertThat(tableRows())
                .containsExactly(
                        "a@2026-01-01T10:00:00Z n=10 amount=9.0",
                        "b@2026-01-01T10:00:00Z n=2 amount=null",
                        "c@2026-01-01T10:00:00Z n=3 amount=2.0",
                        "d@2026-01-01T10:01:00Z n=4 amount=null",
                        "e@2026-01-01T10:01:00Z n=5 amount=null");
    }

    @Test
    void aRowTheDatabaseRejectsIsDeadLetteredWithItsReasonAndItsBatchMatesAreWritten()
            throws Exception {
        JdbcTables.prepare(target, new Rows().table());
        try (OneInputStreamOperatorTestHarness<Object[], DeadLetter> h = harness(10)) {
            h.processElement(row("ok-1", 0, 1, null), 0);
            // PostgreSQL text cannot hold a NUL character (SQLSTATE 22021, class 22).
            h.processElement(row("bad\u0000user", 0, 2, 3.0), 0);
            h.processElement(row("ok-2", 0, 3, null), 0);
            h.prepareSnapshotPreBarrier(1);

            assertThat(tableRows())
                    .containsExactly(
                            "ok-1@2026-01-01T10:00:00Z n=1 amount=null",
                            "ok-2@2026-01-01T10:00:00Z n=3 amount=null");
            List<DeadLetter> dead = h.extractOutputValues();
            assertThat(dead).hasSize(1);
            DeadLetter d = dead.get(0);
            assertThat(d.reason).startsWith("rejected by PostgreSQL (SQLSTATE 22021)");
            assertThat(d.reason).containsIgnoringCase("0x00");
            assertThat(d.sourceTopic).isEqualTo("postgresql:" + table);
            assertThat(d.sourceOffset).isEqualTo(-1L);
            assertThat(new String(d.key, StandardCharsets.UTF_8)).isEqualTo("bad\u0000user");
            assertThat(new String(d.value, StandardCharsets.UTF_8))
                    .isEqualTo(
                            "{\"id\":\"bad\\u0000user\",\"at\":\"2026-01-01T10:00:00Z\",\"n\":2,"
                                    + "\"amount\":3.0}");

            // The job goes on: later rows are written.
            h.processElement(row("ok-3", 0, 4, null), 0);
            h.prepareSnapshotPreBarrier(2);
            assertThat(tableRows()).hasSize(3);
        }
    }

    @Test
    void aConstraintViolationIsADataErrorToo() throws Exception {
        JdbcTables.prepare(target, new Rows().table());
        try (Connection c = POSTGRES.connect();
                Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + table + " ADD CONSTRAINT n_small CHECK (n < 100)");
        }
        try (OneInputStreamOperatorTestHarness<Object[], DeadLetter> h = harness(10)) {
            h.processElement(row("big", 0, 1_000, null), 0);
            h.processElement(row("small", 0, 1, null), 0);
            h.prepareSnapshotPreBarrier(1);
            assertThat(tableRows()).containsExactly("small@2026-01-01T10:00:00Z n=1 amount=null");
            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(d -> assertThat(d.reason).contains("SQLSTATE 23514", "n_small"));
        }
    }

    @Test
    void aLostServerFailsTheTaskInsteadOfDeadLetteringAndARestartWritesTheRows() throws Exception {
        JdbcTables.prepare(target, new Rows().table());
        OneInputStreamOperatorTestHarness<Object[], DeadLetter> h = harness(10);
        try {
            h.processElement(row("x", 0, 1, null), 0);
            POSTGRES.stop();
            assertThatThrownBy(() -> h.prepareSnapshotPreBarrier(1))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("the job restarts from its last checkpoint")
                    .satisfies(e -> assertThat(SqlStates.state((SQLException) e)).startsWith("08"));
            assertThat(h.extractOutputValues()).as("nothing dead-lettered").isEmpty();
        } finally {
            POSTGRES.start();
            h.close();
        }
        // What Flink's restart does: a new operator instance gets the replayed record again.
        try (OneInputStreamOperatorTestHarness<Object[], DeadLetter> again = harness(10)) {
            again.processElement(row("x", 0, 1, null), 0);
            again.prepareSnapshotPreBarrier(1);
        }
        assertThat(tableRows()).containsExactly("x@2026-01-01T10:00:00Z n=1 amount=null");
    }

    @Test
    void anExistingTableOfAnotherShapeIsRefusedWithWhatToChange() throws Exception {
        try (Connection c = POSTGRES.connect();
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE "
                            + table
                            + " (id text NOT NULL, at timestamp NOT NULL, n integer,"
                            + " note text NOT NULL, PRIMARY KEY (id))");
        }
        assertThatThrownBy(() -> JdbcTables.prepare(target, new Rows().table()))
                .isInstanceOf(StartupCheckException.class)
                .hasMessageContaining("table " + table + " exists with a shape")
                .hasMessageContaining("column at is timestamp without time zone, not timestamptz")
                .hasMessageContaining("column n is integer, not bigint")
                .hasMessageContaining("column amount is missing")
                .hasMessageContaining("column note is NOT NULL without a default")
                .hasMessageContaining("no primary key or unique index on exactly (id, at)");
    }

    @Test
    void aWrongPasswordFailsTheCheckWithoutShowingIt() {
        JdbcTarget wrong =
                new JdbcTarget(
                        POSTGRES.jdbcUrl(),
                        table,
                        PostgresExtension.USER,
                        "EVENTFLOW_TEST_UNSET_VARIABLE",
                        "not-the-password");
        assertThatThrownBy(() -> JdbcTables.prepare(wrong, new Rows().table()))
                .isInstanceOf(StartupCheckException.class)
                .hasMessageContaining("is not usable for --jdbc-table " + table)
                .hasMessageContaining("password authentication failed")
                .hasMessageNotContaining("not-the-password");
        assertThat(wrong.toString()).doesNotContain("not-the-password");
    }
}
