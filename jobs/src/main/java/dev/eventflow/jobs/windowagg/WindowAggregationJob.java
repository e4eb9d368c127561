package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.DeadLetterSerializationSchema;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.UserEventInput;
import dev.eventflow.common.jdbc.JdbcOptions;
import dev.eventflow.common.jdbc.JdbcUpserts;
import dev.eventflow.common.kafka.KafkaSinks;
import dev.eventflow.jobs.SuiteJob;
import dev.eventflow.jobs.windowstats.UserIdKey;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowResultSerializationSchema;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code window-aggregation}, the main job: per user and event-time window, {@code events}, {@code
 * approx_sessions} (HLL), {@code sum/avg/min/max_amount} and {@code purchases}, written exactly
 * once to Kafka. It replaces the Spark snippet
 *
 * <pre>
 * df.withWatermark("event_time", "10 minutes")
 *   .groupBy(window(col("event_time"), "5 minutes", "1 minute"), col("user_id"))
 *   .agg(count("*"), approx_count_distinct("session_id"), ...)
 *   .writeStream.format("kafka").option("kafka.transactional.id", ...).outputMode("append")
 * </pre>
 *
 * <p>Input: JSON user events on {@code --input-topic}. Outputs: window rows on {@code
 * --output-topic} (key user_id, each window once, when the watermark passes its end: Spark's append
 * mode), late events on {@code --late-topic}, malformed records on {@code --dlq-topic}. With {@code
 * --output-mode update --allowed-lateness D} (Spark's update mode), the output is an upsert stream
 * keyed by (user_id, window_start, window_end): each window written when the watermark passes its
 * end, again for every event within D of the end, and a last time flagged final; see {@link
 * SlicedWindowOperator} and docs/jobs/window-aggregation.md. With {@code --jdbc-url} the same rows
 * are also upserted into PostgreSQL ({@link #upsertIntoPostgres}), the fan-out Spark does with
 * {@code foreachBatch}.
 *
 * <p>Topology: Kafka source with per-partition bounded-out-of-orderness watermarks and idleness ->
 * dead-letter split -> keyBy(user_id) -> late-event routing -> sliding (or tumbling) event-time
 * windows aggregated per slice ({@link SlicedWindowOperator}: one accumulator update per event,
 * windows assembled from slices when they fire) -> two-phase-commit Kafka sinks.
 */
public final class WindowAggregationJob extends SuiteJob {

    public static final String NAME = "window-aggregation";

    /** The two streams the topology produces. */
    public record Outputs(DataStream<WindowResult> results, DataStream<LateEvent> late) {}

    public WindowAggregationJob() {
        super(
                NAME,
                "per-user sliding/tumbling event-time windows: count, HLL distinct sessions,"
                        + " amounts, purchases (Spark: withWatermark + groupBy(window) + agg, append"
                        + " mode, transactional Kafka sink)",
                WindowAggregationOptions::optionSet);
    }

    @Override
    protected void validateJobOptions(ParsedOptions o) {
        WindowAggregationOptions.windowSpec(o);
        WindowAggregationOptions.allowedLatenessMs(o);
    }

    /**
     * Update mode writes an upsert stream: {@code --create-topics} creates the output topic
     * compacted, and the start-up check refuses an existing one that is not (a delete-only topic
     * would lose the table's older windows to retention and keep every superseded revision).
     */
    @Override
    protected Map<String, Map<String, String>> topicConfigs(ParsedOptions o) {
        if (o.get(WindowAggregationOptions.OUTPUT_MODE) != OutputMode.UPDATE) return Map.of();
        return Map.of(o.get(CommonOptions.OUTPUT_TOPIC), Map.of("cleanup.policy", "compact"));
    }

    @Override
    protected Map<String, String> compactedTopics(ParsedOptions o) {
        if (o.get(WindowAggregationOptions.OUTPUT_MODE) != OutputMode.UPDATE) return Map.of();
        return Map.of(
                o.get(CommonOptions.OUTPUT_TOPIC),
                "the upsert stream of --output-mode update (--output-topic)");
    }

    /**
     * The pure topology, fed by any stream of events that already carries event-time timestamps and
     * watermarks (the Kafka source in production; in-memory data in tests).
     */
    public static Outputs defineWorkflow(DataStream<UserEvent> events, WindowSpec spec) {
        return defineWorkflow(events, spec, OutputMode.APPEND, 0);
    }

    /**
     * As {@link #defineWorkflow(DataStream, WindowSpec)}, in {@code mode}; {@code
     * allowedLatenessMs} applies to update mode only (0 in append mode).
     */
    public static Outputs defineWorkflow(
            DataStream<UserEvent> events,
            WindowSpec spec,
            OutputMode mode,
            long allowedLatenessMs) {
        boolean update = mode == OutputMode.UPDATE;
        if (!update && allowedLatenessMs != 0) {
            throw new IllegalArgumentException("allowed lateness needs update mode");
        }
        SingleOutputStreamOperator<UserEvent> onTime =
                routeLateEvents(events, spec, allowedLatenessMs);
        SingleOutputStreamOperator<WindowResult> results =
                keyedByUser(onTime)
                        .transform(
                                Operators.WINDOW.operatorName(),
                                TypeInformation.of(WindowResult.class),
                                update
                                        ? SlicedWindowOperator.updating(spec, allowedLatenessMs)
                                        : new SlicedWindowOperator(spec))
                        .uid(Operators.WINDOW.uid());
        return new Outputs(results, onTime.getSideOutput(LateEventRouter.LATE));
    }

    /**
     * keyBy(user_id), then the late-event router: the events that reach at least one open window
     * (those late for all go to its {@link LateEventRouter#LATE} side output). The router runs
     * inside an operator that checkpoints a watermark floor, so late decisions survive restores
     * (Flink does not checkpoint watermarks).
     */
    static SingleOutputStreamOperator<UserEvent> routeLateEvents(
            DataStream<UserEvent> events, WindowSpec spec) {
        return routeLateEvents(events, spec, 0);
    }

    /** With windows open {@code allowedLatenessMs} beyond their end (update mode). */
    static SingleOutputStreamOperator<UserEvent> routeLateEvents(
            DataStream<UserEvent> events, WindowSpec spec, long allowedLatenessMs) {
        return events.keyBy(new UserIdKey())
                .transform(
                        Operators.ROUTE_LATE_EVENTS.operatorName(),
                        events.getType(),
                        new LateEventRouterOperator(spec, allowedLatenessMs))
                .uid(Operators.ROUTE_LATE_EVENTS.uid());
    }

    /**
     * The router's output, declared keyed by user again: it is already partitioned by user, so no
     * second shuffle, and the window operator stays chained to the router, which is what makes the
     * router's lateness verdict exact.
     */
    static KeyedStream<UserEvent, String> keyedByUser(DataStream<UserEvent> onTime) {
        return DataStreamUtils.reinterpretAsKeyedStream(onTime, new UserIdKey(), Types.STRING);
    }

    /**
     * The production pipeline: Kafka in, topology, Kafka out. {@code beforeWindows} lets a test
     * splice an operator (a failure injector) between parsing and the windows; production passes
     * identity.
     */
    public static void buildPipeline(
            StreamExecutionEnvironment env,
            ParsedOptions o,
            UnaryOperator<DataStream<UserEvent>> beforeWindows) {
        WindowSpec spec = WindowAggregationOptions.windowSpec(o);
        OutputMode mode = o.get(WindowAggregationOptions.OUTPUT_MODE);
        long allowedLatenessMs = WindowAggregationOptions.allowedLatenessMs(o);
        // Object reuse: chained operators hand records on without a defensive copy. Safe here
        // because no function of this job keeps or changes a record after passing it on: the
        // parser makes new objects, the routers pass them through, the window operator keeps only
        // slice accumulators and emits a new row per window, and the sinks serialize at once.
        env.getConfig().enableObjectReuse();
        env.configure(timersOnHeap());
        SingleOutputStreamOperator<UserEvent> events =
                UserEventInput.read(env, o, NAME, Operators.class);

        Outputs out = defineWorkflow(beforeWindows.apply(events), spec, mode, allowedLatenessMs);
        KafkaSinks.write(
                out.results,
                o,
                NAME,
                "out",
                new WindowResultSerializationSchema(
                        o.get(CommonOptions.OUTPUT_TOPIC),
                        o.get(WindowAggregationOptions.JOB_VERSION),
                        mode == OutputMode.UPDATE),
                Operators.SINK_RESULTS);
        KafkaSinks.write(
                out.late,
                o,
                NAME,
                "late",
                new LateEventSerializationSchema(o.get(CommonOptions.LATE_TOPIC)),
                Operators.SINK_LATE);
        if (JdbcOptions.enabled(o)) upsertIntoPostgres(out.results, o);
    }

    /**
     * The fan-out's second output ({@code --jdbc-url}): the same rows upserted into PostgreSQL,
     * batched and flushed before every checkpoint barrier; rows the database rejects go to {@code
     * --dlq-topic} (exactly once, with its reason) and the job goes on.
     */
    static void upsertIntoPostgres(DataStream<WindowResult> results, ParsedOptions o) {
        KafkaSinks.write(
                JdbcUpserts.write(results, o, new WindowResultRows(), Operators.UPSERT_RESULTS),
                o,
                NAME,
                "dlq-jdbc",
                DeadLetterSerializationSchema.forDlq(o),
                Operators.SINK_REJECTED_ROWS);
    }

    /** With {@code --jdbc-url}: the table is checked (or created) before the job starts. */
    @Override
    protected AfterRun prepareRun(StreamExecutionEnvironment env, ParsedOptions o)
            throws Exception {
        if (JdbcOptions.enabled(o)) JdbcUpserts.prepareTable(o, new WindowResultRows());
        return super.prepareRun(env, o);
    }

    /** The RocksDB setting that keeps this job's event-time timers on the heap. */
    static final String TIMER_SERVICE_FACTORY = "state.backend.rocksdb.timer-service.factory";

    /**
     * Timers on the heap, also with RocksDB state: the sliced window operator keeps one or two
     * timers per active user (its next window ends), a few hundred bytes per user, and RocksDB's
     * timer queue (a seek per refill of its per-key-group cache) costs more than the windows' state
     * itself. Heap timers are checkpointed with the keyed state like RocksDB's. Jobs with a timer
     * per record (dedup, the joins) keep the cluster's setting.
     */
    static Configuration timersOnHeap() {
        Configuration conf = new Configuration();
        conf.setString(TIMER_SERVICE_FACTORY, "HEAP");
        return conf;
    }

    @Override
    public void buildPipeline(StreamExecutionEnvironment env, ParsedOptions o) {
        buildPipeline(env, o, UnaryOperator.identity());
    }

    @Override
    protected String banner(ParsedOptions o) {
        return flow(
                o,
                o.get(CommonOptions.INPUT_TOPIC),
                o.get(CommonOptions.OUTPUT_TOPIC)
                        + (o.get(WindowAggregationOptions.OUTPUT_MODE) == OutputMode.UPDATE
                                ? " (update mode, allowed lateness "
                                        + Option.show(
                                                o.get(WindowAggregationOptions.ALLOWED_LATENESS))
                                        + ")"
                                : "")
                        + (JdbcOptions.enabled(o) ? " + postgresql " + JdbcOptions.target(o) : ""),
                "late: " + o.get(CommonOptions.LATE_TOPIC));
    }
}
