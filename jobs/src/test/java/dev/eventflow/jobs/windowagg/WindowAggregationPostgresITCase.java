package dev.eventflow.jobs.windowagg;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.DeadLetterSerializationSchema;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.jdbc.JdbcUpserts;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.common.testing.PostgresExtension;
import dev.eventflow.jobs.Launcher;
import dev.eventflow.jobs.TestEvents;
import dev.eventflow.jobs.windowstats.WindowResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code window-aggregation --jdbc-url ...}, the fan-out: one run writes its window rows exactly
 * once to Kafka (read back with {@code read_committed}) and upserts the same rows into a real
 * PostgreSQL server. Every test compares both sinks with a ground truth computed here, and the
 * sinks with each other field by field, across an injected failure and a database outage; a row the
 * database rejects goes to the DLQ with its reason while the job goes on.
 */
class WindowAggregationPostgresITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long SIZE = 5 * MINUTE;
    private static final long SLIDE = MINUTE;

    private String input;
    private String output;
    private String late;
    private String dlq;
    private String table;

    @BeforeEach
    void topicsAndTable() {
        input = KAFKA.uniqueTopic("user-events", 3);
        output = KAFKA.uniqueTopic("processed-user-events", 3);
        late = KAFKA.uniqueTopic("late-user-events", 1);
        dlq = KAFKA.uniqueTopic("user-events-dlq", 1);
        table = POSTGRES.uniqueTable("user_windows");
        FailOnce.reset();
    }

    @AfterEach
    void disarm() {
        FailOnce.reset();
        POSTGRES.start(); // in case a test left it down
    }

    private List<String> args(String... extra) {
        return List.of(
                KAFKA.jobArgs(input)
                        .with("--input-topic", input)
                        .with("--output-topic", output)
                        .with("--late-topic", late)
                        .with("--dlq-topic", dlq)
                        .with("--parallelism", 2)
                        .with("--jdbc-url", POSTGRES.jdbcUrl())
                        .with("--jdbc-table", table)
                        .with("--jdbc-user", PostgresExtension.USER)
                        .with("--jdbc-password", PostgresExtension.PASSWORD)
                        .with("--jdbc-batch-size", 50)
                        .toArray(extra));
    }

    private ParsedOptions options(String... extra) {
        return WindowAggregationOptions.optionSet().parse(args(extra).toArray(new String[0]));
    }

    /** As {@code SuiteJob.run} does: the table check, then the pipeline, started asynchronously. */
    private static JobClient start(ParsedOptions o, UnaryOperator<DataStream<UserEvent>> hook)
            throws Exception {
        JdbcUpserts.prepareTable(o, new WindowResultRows());
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, WindowAggregationJob.NAME, RuntimeExecutionMode.STREAMING);
        WindowAggregationJob.buildPipeline(env, o, hook);
        return env.executeAsync(WindowAggregationJob.NAME);
    }

    // ---- input ----

    private void produce(List<UserEvent> events, int partitions) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            UserEvent e = events.get(i);
            records.add(
                    new ProducerRecord<>(
                            input,
                            i % partitions,
                            e.userId.getBytes(StandardCharsets.UTF_8),
                            Json.event(e)));
        }
        KAFKA.client().produce(input, records);
    }

    /** One event at exactly {@code time} per partition: the watermark can reach time - 10m - 1. */
    private List<UserEvent> pins(long time) {
        List<UserEvent> pins = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            UserEvent pin = TestEvents.event("pin-" + p, "pin-session", time);
            KAFKA.client()
                    .produce(
                            input,
                            List.of(
                                    new ProducerRecord<>(
                                            input,
                                            p,
                                            pin.userId.getBytes(StandardCharsets.UTF_8),
                                            Json.event(pin))));
            pins.add(pin);
        }
        return pins;
    }

    // ---- output ----

    private static WindowResult fromJson(ConsumerRecord<byte[], byte[]> r) {
        try {
            JsonNode n = MAPPER.readTree(r.value());
            WindowResult w = new WindowResult();
            w.userId = n.get("user_id").asText();
            w.windowStart = Instant.parse(n.get("window_start").asText()).toEpochMilli();
            w.windowEnd = Instant.parse(n.get("window_end").asText()).toEpochMilli();
            w.events = n.get("events").asLong();
            w.approxSessions = n.get("approx_sessions").asLong();
            w.sumAmount = n.get("sum_amount").isNull() ? null : n.get("sum_amount").asDouble();
            w.avgAmount = n.get("avg_amount").isNull() ? null : n.get("avg_amount").asDouble();
            w.minAmount = n.get("min_amount").isNull() ? null : n.get("min_amount").asDouble();
            w.maxAmount = n.get("max_amount").isNull() ? null : n.get("max_amount").asDouble();
            w.purchases = n.get("purchases").asLong();
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<WindowResult> kafkaRows() {
        return KAFKA.client().readCommitted(output, WAIT).stream()
                .map(WindowAggregationPostgresITCase::fromJson)
                .collect(Collectors.toList());
    }

    private List<WindowResult> tableRows() throws SQLException {
        List<WindowResult> rows = new ArrayList<>();
        try (Connection c = POSTGRES.connect();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT * FROM " + table)) {
            while (r.next()) {
                WindowResult w = new WindowResult();
                w.userId = r.getString("user_id");
                w.windowStart =
                        r.getObject("window_start", OffsetDateTime.class)
                                .toInstant()
                                .toEpochMilli();
                w.windowEnd =
                        r.getObject("window_end", OffsetDateTime.class).toInstant().toEpochMilli();
                w.events = r.getLong("events");
                w.approxSessions = r.getLong("approx_sessions");
                w.sumAmount = (Double) r.getObject("sum_amount");
                w.avgAmount = (Double) r.getObject("avg_amount");
                w.minAmount = (Double) r.getObject("min_amount");
                w.maxAmount = (Double) r.getObject("max_amount");
                w.purchases = r.getLong("purchases");
                rows.add(w);
            }
        }
        return rows;
    }

    private boolean tableExists() throws SQLException {
        try (Connection c = POSTGRES.connect();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            r.next();
            return r.getBoolean(1);
        }
    }

    private int tableSize() {
        try {
            return tableRows().size();
        } catch (SQLException unreachable) {
            return -1;
        }
    }

    private static Map<String, WindowResult> byKey(List<WindowResult> rows) {
        Map<String, WindowResult> m = new TreeMap<>();
        for (WindowResult r : rows)
            m.put(ExpectedWindows.key(r.userId, r.windowStart, r.windowEnd), r);
        return m;
    }

    /** Both sinks match the ground truth, and hold the very same rows, field by field. */
    private void assertBothSinksExact(Map<String, ExpectedWindows.Row> expected, String fault)
            throws SQLException {
        List<WindowResult> kafka = kafkaRows();
        List<WindowResult> postgres = tableRows();
        ExpectedWindows.assertExactlyOnce(
                getClass(), "window-aggregation (+ PostgreSQL)", fault, 1, expected, kafka, 12);
        ExpectedWindows.assertMatches(expected, postgres, 12);
        assertThat(byKey(postgres)).isEqualTo(byKey(kafka));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline)
                throw new AssertionError("timed out waiting: " + what);
            Thread.sleep(100);
        }
    }

    private static void cancelQuietly(JobClient job) {
        try {
            job.cancel().get();
        } catch (Exception alreadyGone) {
            // finished or cancelled already
        }
    }

    /** Two batches of traffic; returns every event, the pins that hold the watermark included. */
    private List<UserEvent> batch(long seed, long shiftMinutes) {
        List<UserEvent> events = new ArrayList<>();
        for (UserEvent e : TestEvents.seeded(seed, 600, 12, 29, 2 * MINUTE)) {
            e.eventTime += shiftMinutes * MINUTE;
            events.add(e);
        }
        produce(events, 3);
        return events;
    }

    // ---- tests ----

    @Test
    void afterAFailureMidStreamKafkaHasEveryWindowOnceAndPostgresTheSameRows() throws Exception {
        List<UserEvent> all = new ArrayList<>(batch(61, 0));
        all.addAll(pins(at(30, 0)));

        JobClient job =
                start(
                        options("--state-backend", "rocksdb"),
                        stream ->
                                stream.map(new FailOnce()).name("fail-once").uid("test.fail-once"));
        try {
            // Rows of batch 1 are in both sinks before the failure is armed.
            KAFKA.client().awaitRecords(output, records -> !records.isEmpty(), WAIT);
            await("rows in postgres", () -> tableSize() > 0);
            FailOnce.arm(100);

            all.addAll(batch(62, 30));
            UserEvent probe = TestEvents.event("probe", "p", at(45, 30));
            produce(List.of(probe), 1);
            all.add(probe);
            all.addAll(pins(at(62, 0)));

            // The watermark stops at T0+52m-1ms: every window ending by T0+52m closes.
            Map<String, ExpectedWindows.Row> expected =
                    ExpectedWindows.compute(all, SIZE, SLIDE, at(52, 0));
            KAFKA.client()
                    .awaitRecords(
                            output,
                            records ->
                                    records.stream()
                                            .map(WindowAggregationPostgresITCase::fromJson)
                                            .anyMatch(
                                                    r ->
                                                            r.userId.equals("probe")
                                                                    && r.windowEnd == at(50, 0)),
                            WAIT);
            await("every window in postgres", () -> tableSize() == expected.size());
            job.cancel().get();
            assertThat(FailOnce.hasFailed()).as("the injected failure happened").isTrue();

            assertBothSinksExact(expected, "task failure mid-stream");
            assertThat(KAFKA.client().readCommitted(dlq, WAIT)).isEmpty();
        } finally {
            cancelQuietly(job);
        }
    }

    @Test
    void whilePostgresIsDownTheJobRestartsAndWhenItIsBackBothSinksAreExact(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        List<UserEvent> all = new ArrayList<>(batch(71, 0));
        all.addAll(pins(at(30, 0)));

        JobClient job = start(options("--state-backend", "hashmap"), UnaryOperator.identity());
        try {
            await("rows in postgres", () -> tableSize() > 0);
            POSTGRES.stop();

            all.addAll(batch(72, 30));
            UserEvent probe = TestEvents.event("probe", "p", at(45, 30));
            produce(List.of(probe), 1);
            all.add(probe);
            all.addAll(pins(at(62, 0)));

            // The next flush cannot reach the server: the task fails and the job restarts (from
            // its last checkpoint) until the server is back; nothing is dead-lettered.
            await("the job restarting while postgres is down", () -> restarted(cluster, job));
            POSTGRES.start();

            Map<String, ExpectedWindows.Row> expected =
                    ExpectedWindows.compute(all, SIZE, SLIDE, at(52, 0));
            await("every window in postgres", () -> tableSize() == expected.size());
            KAFKA.client().awaitRecords(output, records -> records.size() == expected.size(), WAIT);
            job.cancel().get();

            assertBothSinksExact(expected, "PostgreSQL down mid-stream");
            assertThat(KAFKA.client().readCommitted(dlq, WAIT)).isEmpty();
        } finally {
            cancelQuietly(job);
        }
    }

    private static boolean restarted(MiniCluster cluster, JobClient job) {
        try {
            return cluster.getExecutionGraph(job.getJobID())
                            .get()
                            .getStatusTimestamp(JobStatus.RESTARTING)
                    > 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aRowPostgresRejectsGoesToTheDlqWithItsReasonAndTheJobGoesOn() throws Exception {
        // PostgreSQL text cannot hold a NUL character; Kafka and JSON can.
        String badUser = "bad\u0000user";
        List<UserEvent> events = new ArrayList<>(TestEvents.seeded(81, 400, 8, 20, MINUTE));
        UserEvent bad = TestEvents.purchase(badUser, "s-bad", at(7, 30), 12.5);
        events.add(events.size() / 2, bad);
        produce(events, 3);

        // Through the launcher, as a user runs it: the table is created at start-up.
        assertThat(tableExists()).isFalse();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                Launcher.run(
                        launcherArgs("--bounded"),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(tableExists()).isTrue();

        Map<String, ExpectedWindows.Row> expected =
                ExpectedWindows.compute(events, SIZE, SLIDE, Long.MAX_VALUE);
        ExpectedWindows.assertMatches(expected, kafkaRows(), 12);
        Map<String, ExpectedWindows.Row> accepted = new TreeMap<>(expected);
        accepted.values().removeIf(r -> r.userId.equals(badUser));
        assertThat(accepted.size()).isEqualTo(expected.size() - 5);
        ExpectedWindows.assertMatches(accepted, tableRows(), 12);

        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.client().readCommitted(dlq, WAIT);
        assertThat(dead).hasSize(5); // the five sliding windows of the bad user's one event
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            assertThat(header(d, DeadLetterSerializationSchema.REASON))
                    .startsWith("rejected by PostgreSQL (SQLSTATE 22021)")
                    .contains("0x00");
            assertThat(header(d, DeadLetterSerializationSchema.SOURCE_TOPIC))
                    .isEqualTo("postgresql:" + table);
            assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo(badUser);
            JsonNode row = MAPPER.readTree(d.value());
            assertThat(row.get("user_id").asText()).isEqualTo(badUser);
            assertThat(row.get("events").asLong()).isEqualTo(1);
            assertThat(row.get("sum_amount").asDouble()).isEqualTo(12.5);
        }
        assertThat(
                        dead.stream()
                                .map(d -> fromJsonRow(d.value()))
                                .sorted()
                                .collect(Collectors.toList()))
                .containsExactly(
                        "2026-01-01T10:03:00Z",
                        "2026-01-01T10:04:00Z",
                        "2026-01-01T10:05:00Z",
                        "2026-01-01T10:06:00Z",
                        "2026-01-01T10:07:00Z");
    }

    private static String fromJsonRow(byte[] value) {
        try {
            return MAPPER.readTree(value).get("window_start").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String[] launcherArgs(String... extra) {
        List<String> a = new ArrayList<>();
        a.add(WindowAggregationJob.NAME);
        a.addAll(args(extra));
        return a.toArray(new String[0]);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void anIncompatibleTableAnUnreachableServerOrABadUrlStopTheStartWithAClearMessage()
            throws Exception {
        try (Connection c = POSTGRES.connect();
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE "
                            + table
                            + " (user_id text, window_start timestamp, window_end timestamptz,"
                            + " events integer)");
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out =
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThat(Launcher.run(launcherArgs("--bounded"), out, errStream)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("table " + table + " exists with a shape the upsert cannot write")
                .contains("column window_start is timestamp without time zone, not timestamptz")
                .contains("column events is integer, not bigint")
                .contains("column approx_sessions is missing")
                .contains(
                        "no primary key or unique index on exactly (user_id, window_start,"
                                + " window_end)")
                .contains("CREATE TABLE IF NOT EXISTS " + table);

        err.reset();
        List<String> unreachable = new ArrayList<>(List.of(launcherArgs("--bounded")));
        unreachable.set(
                unreachable.indexOf(POSTGRES.jdbcUrl()), "jdbc:postgresql://127.0.0.1:1/postgres");
        assertThat(Launcher.run(unreachable.toArray(new String[0]), out, errStream)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("PostgreSQL at jdbc:postgresql://127.0.0.1:1/postgres is not usable")
                .doesNotContain(PostgresExtension.PASSWORD);

        err.reset();
        List<String> badUrl = new ArrayList<>(List.of(launcherArgs("--bounded")));
        badUrl.set(badUrl.indexOf(POSTGRES.jdbcUrl()), "jdbc:mysql://db/x");
        assertThat(Launcher.run(badUrl.toArray(new String[0]), out, errStream)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--jdbc-url")
                .contains("must start with jdbc:postgresql:");
    }
}
