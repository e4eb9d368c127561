package dev.eventflow.jobs.dedup;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.UserEventInput;
import dev.eventflow.common.kafka.KafkaSinks;
import dev.eventflow.jobs.SuiteJob;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code dedup}: every event exactly once, even when producers retry and send it twice. It replaces
 * the Spark snippet
 *
 * <pre>
 * df.withWatermark("event_time", "10 minutes").dropDuplicatesWithinWatermark(["event_id"])
 * </pre>
 *
 * <p>Input: JSON user events on {@code --input-topic}. Outputs: the first copy of every event_id on
 * {@code --output-topic} (input format, key user_id), written exactly once; malformed records on
 * {@code --dlq-topic}. Copies of an id are recognised until the watermark passes the first copy's
 * {@code event_time + --dedup-horizon}; a copy arriving later passes again ({@link DedupFunction}).
 *
 * <p>Topology: Kafka source with per-partition watermarks -> dead-letter split -> keyBy(event_id)
 * -> {@link DedupFunction} (one Long and one event-time timer per remembered id) ->
 * two-phase-commit Kafka sinks.
 */
public final class DedupJob extends SuiteJob {

    public static final String NAME = "dedup";

    /** Keys events by event_id (Spark's {@code dropDuplicates(["event_id"])}). */
    public static final KeySelector<UserEvent, String> BY_EVENT_ID = e -> e.eventId;

    public DedupJob() {
        super(
                NAME,
                "drops duplicate event_ids within a watermark horizon, writes each event once"
                        + " (Spark: dropDuplicatesWithinWatermark)",
                DedupOptions::optionSet);
    }

    /**
     * The pure topology, fed by any stream of events that already carries event-time timestamps and
     * watermarks.
     */
    public static SingleOutputStreamOperator<UserEvent> defineWorkflow(
            DataStream<UserEvent> events, Duration horizon) {
        return events.keyBy(BY_EVENT_ID, Types.STRING)
                .process(new DedupFunction(horizon.toMillis()), TypeInformation.of(UserEvent.class))
                .name(Operators.DEDUPLICATE.operatorName())
                .uid(Operators.DEDUPLICATE.uid());
    }

    /**
     * The production pipeline. {@code beforeDedup} lets a test splice an operator (a failure
     * injector) in front of the stateful operator; production passes identity.
     */
    public static void buildPipeline(
            StreamExecutionEnvironment env,
            ParsedOptions o,
            UnaryOperator<DataStream<UserEvent>> beforeDedup) {
        SingleOutputStreamOperator<UserEvent> events =
                UserEventInput.read(env, o, NAME, Operators.class);

        KafkaSinks.write(
                defineWorkflow(beforeDedup.apply(events), DedupOptions.horizon(o)),
                o,
                NAME,
                "out",
                new DedupEventSerializationSchema(o.get(CommonOptions.OUTPUT_TOPIC)),
                Operators.SINK_EVENTS);
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
                o.get(CommonOptions.OUTPUT_TOPIC),
                "horizon " + Option.show(DedupOptions.horizon(o)));
    }
}
