package dev.eventflow.jobs.joins;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.Parsed;
import dev.eventflow.common.event.ParsingDeserializationSchema;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.UserEventInput;
import dev.eventflow.common.kafka.KafkaSinks;
import dev.eventflow.common.kafka.KafkaSources;
import dev.eventflow.common.time.EventTimeWatermarks;
import dev.eventflow.jobs.SuiteJob;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy;
import org.apache.flink.streaming.util.retryable.AsyncRetryStrategies;

/**
 * {@code joins}: Spark's streaming joins (stream-stream and stream-static), one mode each, written
 * exactly once to Kafka.
 *
 * <ul>
 *   <li>{@code interval}: each click joins its impression (key impression_id) when {@code
 *       impression_time <= click_time <= impression_time + bound}, with Flink's interval join
 *       (Spark: stream-stream join with {@code withWatermark} on both sides and a time-range
 *       condition);
 *   <li>{@code left-outer} / {@code full-outer}: the same, plus impressions (and clicks) without a
 *       match, emitted with null fields once the watermark passes their deadline ({@link
 *       OuterIntervalJoinFunction}; Spark: {@code joinType = "leftOuter"} / {@code "fullOuter"});
 *   <li>{@code enrich}: user events enriched with the latest profile of their user from a compacted
 *       topic ({@link ProfileEnrichmentFunction}; Spark: stream-static join);
 *   <li>{@code enrich-async}: user events enriched with their user's profile looked up in Redis,
 *       asynchronously, with a bounded number of lookups in flight, a timeout, retries with backoff
 *       and a flagged fallback ({@link RedisProfileLookup}; Spark: a UDF or {@code mapPartitions}
 *       that calls an external store).
 * </ul>
 *
 * An unbounded stream-stream join is refused at start-up ({@link JoinsOptions#joinBoundMs}).
 *
 * <p>Topology of the stream-stream modes: two Kafka sources with per-partition watermarks ->
 * dead-letter split -> late-row routing (each side against its own watermark) -> keyBy
 * impression_id -> join -> two-phase-commit Kafka sinks (joined rows, late rows, dead letters).
 */
public final class JoinsJob extends SuiteJob {

    public static final String NAME = "joins";

    /** The two streams of a stream-stream join. */
    public record Outputs(DataStream<JoinedRow> joined, DataStream<LateRow> late) {}

    public JoinsJob() {
        super(
                NAME,
                "ad impressions x clicks: interval, left/full outer interval joins with bounded"
                        + " state; user events enriched from a compacted profiles topic (Spark:"
                        + " stream-stream and stream-static joins)",
                JoinsOptions::optionSet);
    }

    @Override
    protected void validateJobOptions(ParsedOptions o) {
        if (o.get(JoinsOptions.MODE).isStreamStream()) JoinsOptions.joinBoundMs(o);
        if (o.get(JoinsOptions.MODE) == JoinMode.ENRICH_ASYNC) JoinsOptions.redisUri(o);
    }

    /**
     * The stream-stream topology, fed by impressions and clicks that already carry event-time
     * timestamps and watermarks (the Kafka sources in production; in-memory data in tests).
     */
    public static Outputs defineJoin(
            DataStream<AdImpression> impressions,
            DataStream<AdClick> clicks,
            JoinMode mode,
            long boundMs) {
        SingleOutputStreamOperator<AdImpression> onTimeImpressions =
                impressions
                        .transform(
                                Operators.LATE_IMPRESSIONS.operatorName(),
                                TypeInformation.of(AdImpression.class),
                                LateRowRouter.operator(LateRowRouter.impressions()))
                        .uid(Operators.LATE_IMPRESSIONS.uid());
        SingleOutputStreamOperator<AdClick> onTimeClicks =
                clicks.transform(
                                Operators.LATE_CLICKS.operatorName(),
                                TypeInformation.of(AdClick.class),
                                LateRowRouter.operator(LateRowRouter.clicks()))
                        .uid(Operators.LATE_CLICKS.uid());
        DataStream<LateRow> late =
                onTimeImpressions
                        .getSideOutput(LateRowRouter.LATE)
                        .union(onTimeClicks.getSideOutput(LateRowRouter.LATE));

        KeyedStream<AdImpression, String> left =
                onTimeImpressions.keyBy(new JoinKeys.ImpressionId());
        KeyedStream<AdClick, String> right = onTimeClicks.keyBy(new JoinKeys.ClickImpressionId());
        TypeInformation<JoinedRow> rowType = TypeInformation.of(JoinedRow.class);
        SingleOutputStreamOperator<JoinedRow> joined;
        switch (mode) {
            case INTERVAL:
                // Both bounds inclusive (Flink's default): impression_time <= click_time <=
                // impression_time + bound. State: an impression until the watermark reaches
                // impression_time + bound, a click until it reaches click_time.
                joined =
                        left.intervalJoin(right)
                                .between(Duration.ZERO, Duration.ofMillis(boundMs))
                                .process(new IntervalJoinFunction(), rowType)
                                .name(Operators.INTERVAL_JOIN.operatorName())
                                .uid(Operators.INTERVAL_JOIN.uid());
                break;
            case LEFT_OUTER:
            case FULL_OUTER:
                Operators op =
                        mode == JoinMode.LEFT_OUTER
                                ? Operators.LEFT_OUTER_JOIN
                                : Operators.FULL_OUTER_JOIN;
                joined =
                        left.connect(right)
                                .process(
                                        new OuterIntervalJoinFunction(
                                                boundMs, mode == JoinMode.FULL_OUTER),
                                        rowType)
                                .name(op.operatorName())
                                .uid(op.uid());
                break;
            default:
                throw new IllegalArgumentException(mode + " is not a stream-stream join");
        }
        return new Outputs(joined, late);
    }

    /** The stream-static topology: events enriched with the latest profile of their user. */
    public static DataStream<EnrichedEvent> defineEnrichment(
            DataStream<UserEvent> events, DataStream<ProfileUpdate> profiles) {
        return events.keyBy(new JoinKeys.EventUserId())
                .connect(profiles.keyBy(new JoinKeys.ProfileUserId()))
                .process(new ProfileEnrichmentFunction(), TypeInformation.of(EnrichedEvent.class))
                .name(Operators.ENRICH.operatorName())
                .uid(Operators.ENRICH.uid());
    }

    /**
     * The async topology: every event leaves once, enriched from Redis or flagged ({@link
     * EnrichedEvent#lookup}). {@code unorderedWait}: an event leaves as soon as its lookup answers,
     * so one slow key does not hold back the others; order is kept across watermarks, so event time
     * stays correct downstream.
     */
    public static DataStream<EnrichedEvent> defineAsyncEnrichment(
            DataStream<UserEvent> events,
            RedisProfileLookup lookup,
            Duration timeout,
            int capacity,
            int retries,
            Duration backoff) {
        AsyncRetryStrategy<EnrichedEvent> retry =
                retries == 0
                        ? AsyncRetryStrategies.NO_RETRY_STRATEGY
                        : new AsyncRetryStrategies.ExponentialBackoffDelayRetryStrategyBuilder<
                                        EnrichedEvent>(
                                        retries, backoff.toMillis(), backoff.toMillis() * 8, 2.0)
                                .ifResult(RedisProfileLookup.RETRY_WHEN_UNAVAILABLE)
                                .build();
        return AsyncDataStream.unorderedWaitWithRetry(
                        events, lookup, timeout.toMillis(), TimeUnit.MILLISECONDS, capacity, retry)
                .returns(TypeInformation.of(EnrichedEvent.class))
                .name(Operators.ENRICH_ASYNC.operatorName())
                .uid(Operators.ENRICH_ASYNC.uid());
    }

    @Override
    public void buildPipeline(StreamExecutionEnvironment env, ParsedOptions o) {
        switch (o.get(JoinsOptions.MODE)) {
            case ENRICH:
                buildEnrichment(env, o);
                break;
            case ENRICH_ASYNC:
                buildAsyncEnrichment(env, o, UnaryOperator.identity());
                break;
            default:
                buildJoin(env, o);
        }
    }

    /**
     * {@code --mode enrich-async}: Kafka in, Redis lookups, Kafka out. {@code beforeLookup} lets a
     * test splice a failure injector in; production passes identity.
     */
    public static void buildAsyncEnrichment(
            StreamExecutionEnvironment env,
            ParsedOptions o,
            UnaryOperator<DataStream<UserEvent>> beforeLookup) {
        SingleOutputStreamOperator<UserEvent> events =
                UserEventInput.read(
                        env,
                        o,
                        NAME,
                        Operators.SOURCE_EVENTS,
                        Operators.SPLIT_EVENTS,
                        Operators.SINK_DEAD_LETTERS);
        Duration timeout = o.get(JoinsOptions.ASYNC_TIMEOUT);
        KafkaSinks.write(
                defineAsyncEnrichment(
                        beforeLookup.apply(events),
                        new RedisProfileLookup(
                                o.get(JoinsOptions.REDIS_URI),
                                o.get(JoinsOptions.REDIS_KEY_PREFIX),
                                timeout.toMillis()),
                        timeout,
                        o.get(JoinsOptions.ASYNC_CAPACITY),
                        o.get(JoinsOptions.ASYNC_RETRIES),
                        o.get(JoinsOptions.ASYNC_RETRY_BACKOFF)),
                o,
                NAME,
                "out",
                new EnrichedEventSerializationSchema(o.get(CommonOptions.OUTPUT_TOPIC)),
                Operators.SINK_ENRICHED_ASYNC);
    }

    private static void buildJoin(StreamExecutionEnvironment env, ParsedOptions o) {
        JoinMode mode = o.get(JoinsOptions.MODE);
        long boundMs = JoinsOptions.joinBoundMs(o);
        AdEventParser parser = parser(o);
        SingleOutputStreamOperator<AdImpression> impressions =
                UserEventInput.parsed(
                        env,
                        source(
                                o,
                                o.get(JoinsOptions.IMPRESSIONS_TOPIC),
                                parser.impressions(),
                                false),
                        watermarks(o, i -> i.eventTime()),
                        TypeInformation.of(AdImpression.class),
                        Operators.SOURCE_IMPRESSIONS,
                        Operators.SPLIT_IMPRESSIONS);
        SingleOutputStreamOperator<AdClick> clicks =
                UserEventInput.parsed(
                        env,
                        source(o, o.get(JoinsOptions.CLICKS_TOPIC), parser.clicks(), false),
                        watermarks(o, c -> c.eventTime()),
                        TypeInformation.of(AdClick.class),
                        Operators.SOURCE_CLICKS,
                        Operators.SPLIT_CLICKS);
        UserEventInput.sinkDeadLetters(
                o,
                NAME,
                UserEventInput.deadLetters(impressions).union(UserEventInput.deadLetters(clicks)),
                Operators.SINK_DEAD_LETTERS);

        Outputs out = defineJoin(impressions, clicks, mode, boundMs);
        KafkaSinks.write(
                out.joined,
                o,
                NAME,
                "out",
                new JoinedRowSerializationSchema(o.get(CommonOptions.OUTPUT_TOPIC)),
                Operators.SINK_RESULTS);
        KafkaSinks.write(
                out.late,
                o,
                NAME,
                "late",
                new LateRowSerializationSchema(o.get(CommonOptions.LATE_TOPIC)),
                Operators.SINK_LATE);
    }

    private static void buildEnrichment(StreamExecutionEnvironment env, ParsedOptions o) {
        SingleOutputStreamOperator<UserEvent> events =
                UserEventInput.parsed(
                        env,
                        KafkaSources.userEventsSource(o, NAME),
                        EventTimeWatermarks.forParsedRecords(
                                o.get(CommonOptions.WATERMARK_DELAY),
                                o.get(CommonOptions.IDLENESS)),
                        TypeInformation.of(UserEvent.class),
                        Operators.SOURCE_EVENTS,
                        Operators.SPLIT_EVENTS);
        // The profile table is not event-time data: no watermarks. It is always read from the
        // beginning when the job starts without state (the whole table is needed, whatever
        // --starting-offsets says for the events); restored state carries its offsets.
        SingleOutputStreamOperator<ProfileUpdate> profiles =
                UserEventInput.parsed(
                        env,
                        source(o, o.get(JoinsOptions.PROFILES_TOPIC), parser(o).profiles(), true),
                        WatermarkStrategy.noWatermarks(),
                        TypeInformation.of(ProfileUpdate.class),
                        Operators.SOURCE_PROFILES,
                        Operators.SPLIT_PROFILES);
        UserEventInput.sinkDeadLetters(
                o,
                NAME,
                UserEventInput.deadLetters(events).union(UserEventInput.deadLetters(profiles)),
                Operators.SINK_DEAD_LETTERS);

        KafkaSinks.write(
                defineEnrichment(events, profiles),
                o,
                NAME,
                "out",
                new EnrichedEventSerializationSchema(o.get(CommonOptions.OUTPUT_TOPIC)),
                Operators.SINK_ENRICHED);
    }

    private static AdEventParser parser(ParsedOptions o) {
        return new AdEventParser(o.get(CommonOptions.MAX_FUTURE_SKEW).toMillis());
    }

    private static <T> WatermarkStrategy<Parsed<T>> watermarks(
            ParsedOptions o, EventTimeWatermarks.EventTimeOf<T> eventTime) {
        return EventTimeWatermarks.forParsed(
                o.get(CommonOptions.WATERMARK_DELAY), o.get(CommonOptions.IDLENESS), eventTime);
    }

    private static <T> Source<Parsed<T>, ?, ?> source(
            ParsedOptions o,
            String topic,
            ParsingDeserializationSchema<T> schema,
            boolean fromEarliest) {
        KafkaSourceBuilder<Parsed<T>> builder =
                KafkaSources.<Parsed<T>>base(o, NAME, topic).setDeserializer(schema);
        if (fromEarliest) builder.setStartingOffsets(OffsetsInitializer.earliest());
        // --bounded stays bounded after a restore from an unbounded run's savepoint.
        return KafkaSources.boundedOnRestore(builder.build());
    }

    /** Every topic the job touches in its mode, for start-up checks and topic creation. */
    @Override
    protected List<String> topics(ParsedOptions o) {
        if (o.get(JoinsOptions.MODE) == JoinMode.ENRICH_ASYNC) {
            return List.of(
                    o.get(CommonOptions.INPUT_TOPIC),
                    o.get(CommonOptions.OUTPUT_TOPIC),
                    o.get(CommonOptions.DLQ_TOPIC));
        }
        if (o.get(JoinsOptions.MODE) == JoinMode.ENRICH) {
            return List.of(
                    o.get(CommonOptions.INPUT_TOPIC),
                    o.get(JoinsOptions.PROFILES_TOPIC),
                    o.get(CommonOptions.OUTPUT_TOPIC),
                    o.get(CommonOptions.DLQ_TOPIC));
        }
        return List.of(
                o.get(JoinsOptions.IMPRESSIONS_TOPIC),
                o.get(JoinsOptions.CLICKS_TOPIC),
                o.get(CommonOptions.OUTPUT_TOPIC),
                o.get(CommonOptions.LATE_TOPIC),
                o.get(CommonOptions.DLQ_TOPIC));
    }

    /** The URI without a password, for the banner. */
    static String redisHost(String uri) {
        return uri == null ? "(no --redis-uri)" : uri.replaceFirst("//[^@/]*@", "//");
    }

    @Override
    protected String runName(ParsedOptions o) {
        return NAME + " " + Option.spell(o.get(JoinsOptions.MODE));
    }

    @Override
    protected String banner(ParsedOptions o) {
        JoinMode mode = o.get(JoinsOptions.MODE);
        String from =
                switch (mode) {
                    case ENRICH ->
                            o.get(CommonOptions.INPUT_TOPIC)
                                    + " x "
                                    + o.get(JoinsOptions.PROFILES_TOPIC);
                    case ENRICH_ASYNC ->
                            o.get(CommonOptions.INPUT_TOPIC)
                                    + " x redis "
                                    + redisHost(o.get(JoinsOptions.REDIS_URI))
                                    + " "
                                    + o.get(JoinsOptions.REDIS_KEY_PREFIX)
                                    + "<user_id>";
                    default ->
                            o.get(JoinsOptions.IMPRESSIONS_TOPIC)
                                    + " x "
                                    + o.get(JoinsOptions.CLICKS_TOPIC)
                                    + " within "
                                    + o.get(JoinsOptions.JOIN_BOUND);
                };
        return flow(
                o,
                from,
                o.get(CommonOptions.OUTPUT_TOPIC),
                mode.isStreamStream() ? "late: " + o.get(CommonOptions.LATE_TOPIC) : "");
    }
}
