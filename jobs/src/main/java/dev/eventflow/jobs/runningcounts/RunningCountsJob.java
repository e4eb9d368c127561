package dev.eventflow.jobs.runningcounts;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.UserEventInput;
import dev.eventflow.common.kafka.KafkaSinks;
import dev.eventflow.jobs.SuiteJob;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code running-counts}: per user, a running count with first/last seen and last session, emitted
 * as an update on every event to a compacted topic keyed by user_id (an upsert table), with an
 * optional inactivity timeout that ends a user with an {@code expired} row and a tombstone. It
 * replaces the Spark snippet
 *
 * <pre>
 * events.groupBy("user").applyInPandasWithState(update_count, output_schema, state_schema,
 *     outputMode="update", timeoutConf="NoTimeout" | "ProcessingTimeTimeout" | "EventTimeTimeout")
 * </pre>
 *
 * and the unbounded-state trap of a running count per user whose state, without a timeout or TTL,
 * grows with every new user forever (docs/spark-mapping.md, "Late data vs state cleanup").
 *
 * <p>With {@code --timeout-mode event-time} a session ends where consecutive events (in event-time
 * order) are more than {@code --timeout} apart, and rows are written once the watermark passes
 * their events: the same rows on every replay of the same input, unlike Spark's {@code
 * EventTimeTimeout} (see {@link RunningCountFunction}).
 *
 * <p>Input: JSON user events on {@code --input-topic}. Outputs: updates on {@code --output-topic}
 * (key user_id; created with {@code cleanup.policy=compact} by {@code --create-topics}), malformed
 * records on {@code --dlq-topic}. No event is late for a running count: every valid event counts.
 *
 * <p>Topology: Kafka source with per-partition watermarks -> dead-letter split -> keyBy(user_id) ->
 * {@link RunningCountFunction} (ValueState + one timer per user) -> two-phase-commit Kafka sinks.
 */
public final class RunningCountsJob extends SuiteJob {

    public static final String NAME = "running-counts";

    /** Keys events by user_id (Spark's {@code groupBy("user")}). */
    public static final KeySelector<UserEvent, String> BY_USER = e -> e.userId;

    public RunningCountsJob() {
        super(
                NAME,
                "per-user running count, first/last seen, last session as an upsert topic, with"
                        + " timeouts and TTL (Spark: applyInPandasWithState, update mode,"
                        + " GroupStateTimeout)",
                RunningCountsOptions::optionSet);
    }

    @Override
    protected void validateJobOptions(ParsedOptions o) {
        RunningCountsOptions.validate(o);
    }

    /** The function as configured by the options. */
    public static RunningCountFunction function(ParsedOptions o) {
        return new RunningCountFunction(
                o.get(RunningCountsOptions.TIMEOUT_MODE),
                o.get(RunningCountsOptions.TIMEOUT),
                o.get(RunningCountsOptions.STATE_TTL));
    }

    /**
     * The pure topology, fed by any stream of events that already carries event-time timestamps and
     * watermarks (the Kafka source in production; in-memory data in tests).
     */
    public static SingleOutputStreamOperator<ActivityUpdate> defineWorkflow(
            DataStream<UserEvent> events, RunningCountFunction function) {
        return events.keyBy(BY_USER, Types.STRING)
                .process(function, TypeInformation.of(ActivityUpdate.class))
                .name(Operators.RUNNING_COUNT.operatorName())
                .uid(Operators.RUNNING_COUNT.uid());
    }

    /**
     * The production pipeline: Kafka in, topology, Kafka out. {@code beforeState} lets a test
     * splice an operator (a failure injector) in front of the stateful operator; production passes
     * identity.
     */
    public static void buildPipeline(
            StreamExecutionEnvironment env,
            ParsedOptions o,
            UnaryOperator<DataStream<UserEvent>> beforeState) {
        SingleOutputStreamOperator<UserEvent> events =
                UserEventInput.read(env, o, NAME, Operators.class);

        KafkaSinks.write(
                defineWorkflow(beforeState.apply(events), function(o)),
                o,
                NAME,
                "out",
                new ActivityUpdateSerializationSchema(o.get(CommonOptions.OUTPUT_TOPIC)),
                Operators.SINK_UPDATES);
    }

    @Override
    public void buildPipeline(StreamExecutionEnvironment env, ParsedOptions o) {
        buildPipeline(env, o, UnaryOperator.identity());
    }

    /** The output is an upsert table: {@code --create-topics} creates it compacted. */
    @Override
    protected Map<String, Map<String, String>> topicConfigs(ParsedOptions o) {
        return Map.of(o.get(CommonOptions.OUTPUT_TOPIC), Map.of("cleanup.policy", "compact"));
    }

    @Override
    protected String banner(ParsedOptions o) {
        Duration timeout = o.get(RunningCountsOptions.TIMEOUT);
        return flow(
                o,
                o.get(CommonOptions.INPUT_TOPIC),
                o.get(CommonOptions.OUTPUT_TOPIC),
                "timeout: "
                        + Option.show(o.get(RunningCountsOptions.TIMEOUT_MODE))
                        + (timeout.isZero() ? "" : " " + Option.show(timeout)));
    }
}
