package dev.eventflow.jobs.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.Parsed;
import dev.eventflow.common.event.ParsingDeserializationSchema;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.event.UserEventParser;
import dev.eventflow.common.flink.UserEventInput;
import dev.eventflow.common.kafka.KafkaSinks;
import dev.eventflow.common.kafka.KafkaSources;
import dev.eventflow.common.time.EventTimeWatermarks;
import dev.eventflow.jobs.SuiteJob;
import dev.eventflow.jobs.windowagg.WindowAggregationOptions;
import dev.eventflow.jobs.windowstats.UserIdKey;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.ReduceFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code reconcile}, the accurate half of the "Fast + Accurate" pattern (docs/spark-mapping.md):
 * {@code window-aggregation}'s aggregation recomputed in Flink's BATCH runtime mode over a bounded
 * range of the input, with EXACT distinct sessions, diffed per (user, window) against what the fast
 * path published. A team runs it nightly to learn how much the fast path lost to lateness and
 * approximation.
 *
 * <p>It replaces the Spark practice of re-running the query as a batch job ({@code
 * spark.read.format("kafka").option("startingOffsetsByTimestamp", ...)}, {@code countDistinct}
 * allowed in batch) and comparing by hand. In BATCH mode there is no late data: Flink sorts each
 * key's input and every window sees every event of the range, whatever its arrival order.
 *
 * <p>Inputs: {@code --input-topic} from the first record stamped at or after {@code --from} to
 * before the first stamped at or after {@code --to} (per partition, by Kafka timestamp); the whole
 * {@code --fast-topic}. Only windows entirely inside [from, to) are compared ({@link
 * ReconcileRange}). Outputs: difference rows and one row per window on {@code --output-topic}
 * ({@link ReportSerialization}), malformed input on {@code --dlq-topic}, a summary on stdout.
 */
public final class ReconcileJob extends SuiteJob {

    public static final String NAME = "reconcile";

    /**
     * The streams the topology produces: every (user, window) that does not match, and one summary
     * per compared window.
     */
    public record Outputs(DataStream<DiffRow> differences, DataStream<WindowSummary> windows) {}

    /** What the last run of this instance reported (null before its first run ends). */
    private volatile Result lastResult;

    public ReconcileJob() {
        super(
                NAME,
                "batch recomputation of window-aggregation over a time range, exact distinct"
                        + " sessions, diff against the fast path's output (Spark: the \"Fast +"
                        + " Accurate\" periodic batch reconciliation)",
                ReconcileOptions::optionSet,
                RuntimeExecutionMode.BATCH);
    }

    @Override
    protected void validateJobOptions(ParsedOptions o) {
        ReconcileOptions.range(o);
    }

    /**
     * The pure topology: events with event-time timestamps, the fast path's rows, the window shape
     * and the range. Meant for BATCH mode (every window fires at the end of input).
     */
    public static Outputs defineWorkflow(
            DataStream<UserEvent> events,
            DataStream<WindowResult> fast,
            WindowSpec spec,
            ReconcileRange range) {
        WindowAssigner<Object, TimeWindow> windows =
                spec.isTumbling()
                        ? TumblingEventTimeWindows.of(Duration.ofMillis(spec.sizeMs))
                        : SlidingEventTimeWindows.of(
                                Duration.ofMillis(spec.sizeMs), Duration.ofMillis(spec.slideMs));
        DataStream<AccurateWindow> accurate =
                events.keyBy(new UserIdKey())
                        .window(windows)
                        .aggregate(
                                new ExactWindowAggregate(spec.lgK),
                                new AccurateWindowFunction(),
                                ExactWindowAccumulatorSerializer.TYPE_INFO,
                                ExactWindowAccumulatorSerializer.TYPE_INFO,
                                TypeInformation.of(AccurateWindow.class))
                        .name(Operators.WINDOW.operatorName())
                        .uid(Operators.WINDOW.uid())
                        .filter(new AccurateInRange(range))
                        .name(Operators.IN_RANGE.operatorName())
                        .uid(Operators.IN_RANGE.uid());
        DataStream<WindowResult> fastInRange =
                fast.filter(new FastInRange(range))
                        .name(Operators.FAST_IN_RANGE.operatorName())
                        .uid(Operators.FAST_IN_RANGE.uid());
        SingleOutputStreamOperator<DiffRow> diffs =
                accurate.connect(fastInRange)
                        .keyBy(new AccurateKey(), new FastKey())
                        .process(new ReconcileDiff(spec.lgK), TypeInformation.of(DiffRow.class))
                        .name(Operators.DIFF.operatorName())
                        .uid(Operators.DIFF.uid());
        DataStream<DiffRow> differences =
                diffs.filter(new OnlyDifferences())
                        .name(Operators.ONLY_DIFFERENCES.operatorName())
                        .uid(Operators.ONLY_DIFFERENCES.uid());
        // In BATCH mode a keyed reduce emits only its final value per key: one row per window.
        DataStream<WindowSummary> summaries =
                diffs.map(new ToSummary(), TypeInformation.of(WindowSummary.class))
                        .name(Operators.TO_WINDOW_SUMMARY.operatorName())
                        .uid(Operators.TO_WINDOW_SUMMARY.uid())
                        .keyBy(new SummaryKey())
                        .reduce(new MergeSummaries())
                        .name(Operators.WINDOW_SUMMARY.operatorName())
                        .uid(Operators.WINDOW_SUMMARY.uid());
        return new Outputs(differences, summaries);
    }

    @Override
    public void buildPipeline(StreamExecutionEnvironment env, ParsedOptions o) {
        buildPipeline(env, o, UUID.randomUUID().toString());
    }

    /** As {@link #buildPipeline(StreamExecutionEnvironment, ParsedOptions)}, for a known run id. */
    public static void buildPipeline(
            StreamExecutionEnvironment env, ParsedOptions o, String runId) {
        WindowSpec spec = WindowAggregationOptions.windowSpec(o);
        ReconcileRange range = ReconcileOptions.range(o);
        UserEventParser parser =
                new UserEventParser(o.get(CommonOptions.MAX_FUTURE_SKEW).toMillis());
        SingleOutputStreamOperator<UserEvent> events =
                UserEventInput.parsed(
                        env,
                        KafkaSources.<Parsed<UserEvent>>base(
                                        o, NAME, o.get(CommonOptions.INPUT_TOPIC))
                                .setDeserializer(ParsingDeserializationSchema.userEvents(parser))
                                .setStartingOffsets(OffsetsInitializer.timestamp(range.fromMs))
                                .setBounded(OffsetsInitializer.timestamp(range.toMs))
                                .build(),
                        // Timestamps only: a BATCH run has no watermarks and no late data.
                        EventTimeWatermarks.forParsedRecords(Duration.ZERO, Duration.ZERO),
                        TypeInformation.of(UserEvent.class),
                        Operators.SOURCE,
                        Operators.ROUTE_DEAD_LETTERS);
        SingleOutputStreamOperator<WindowResult> fast =
                UserEventInput.parsed(
                        env,
                        KafkaSources.<Parsed<WindowResult>>base(
                                        o, NAME, o.get(ReconcileOptions.FAST_TOPIC))
                                .setDeserializer(FastRowParser.schema())
                                .setStartingOffsets(OffsetsInitializer.earliest())
                                .setBounded(OffsetsInitializer.latest())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        TypeInformation.of(WindowResult.class),
                        Operators.FAST_SOURCE,
                        Operators.ROUTE_FAST_DEAD_LETTERS);
        UserEventInput.sinkDeadLetters(
                o,
                NAME,
                UserEventInput.deadLetters(events).union(UserEventInput.deadLetters(fast)),
                Operators.SINK_DEAD_LETTERS);

        Outputs out = defineWorkflow(events, fast, spec, range);
        String report = o.get(ReconcileOptions.OUTPUT_TOPIC);
        KafkaSinks.write(
                out.differences,
                o,
                NAME,
                "diff",
                new ReportSerialization.Differences(report, runId),
                Operators.SINK_DIFFERENCES);
        KafkaSinks.write(
                out.windows,
                o,
                NAME,
                "windows",
                new ReportSerialization.Windows(report, runId),
                Operators.SINK_WINDOWS);
    }

    @Override
    protected String banner(ParsedOptions o) {
        return flow(
                o,
                o.get(CommonOptions.INPUT_TOPIC)
                        + " over "
                        + ReconcileOptions.range(o)
                        + " against "
                        + o.get(ReconcileOptions.FAST_TOPIC),
                o.get(ReconcileOptions.OUTPUT_TOPIC),
                "");
    }

    /**
     * Notes the report topic's end offsets, builds the pipeline for a fresh run id and, once the
     * run has finished, reads this run's report rows back, summarises them and prints the summary.
     */
    @Override
    protected AfterRun prepareRun(StreamExecutionEnvironment env, ParsedOptions o)
            throws Exception {
        String reportTopic = o.get(ReconcileOptions.OUTPUT_TOPIC);
        Map<TopicPartition, Long> before = ReconcileReport.endOffsets(o, reportTopic);
        String runId = UUID.randomUUID().toString();
        buildPipeline(env, o, runId);
        return () -> {
            List<JsonNode> rows = ReconcileReport.readSince(o, reportTopic, before);
            ReconcileReport report = ReconcileReport.of(rows, runId);
            String text =
                    report.render(
                            runId,
                            ReconcileOptions.range(o),
                            reportTopic,
                            o.get(ReconcileOptions.WORST_WINDOWS));
            lastResult = new Result(runId, report, text);
            System.out.print(text);
        };
    }

    /** What a finished run reports. */
    public static final class Result {
        public final String runId;
        public final ReconcileReport report;
        public final String text;

        Result(String runId, ReconcileReport report, String text) {
            this.runId = runId;
            this.report = report;
            this.text = text;
        }
    }

    /**
     * Runs to the end through the suite's one {@link SuiteJob#run}, which reads this run's report
     * rows back, summarises and prints them; returns that summary.
     */
    public static Result runAndReport(ParsedOptions o) throws Exception {
        ReconcileJob job = new ReconcileJob();
        job.run(o);
        return job.lastResult;
    }

    // ---- small named functions (serializable, with stable types) ----

    static final class AccurateInRange implements FilterFunction<AccurateWindow> {
        private static final long serialVersionUID = 1L;
        private final ReconcileRange range;

        AccurateInRange(ReconcileRange range) {
            this.range = range;
        }

        @Override
        public boolean filter(AccurateWindow w) {
            return range.contains(w.row.windowStart, w.row.windowEnd);
        }
    }

    static final class FastInRange implements FilterFunction<WindowResult> {
        private static final long serialVersionUID = 1L;
        private final ReconcileRange range;

        FastInRange(ReconcileRange range) {
            this.range = range;
        }

        @Override
        public boolean filter(WindowResult r) {
            return range.contains(r.windowStart, r.windowEnd);
        }
    }

    static final class AccurateKey implements KeySelector<AccurateWindow, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(AccurateWindow w) {
            return w.key();
        }
    }

    static final class FastKey implements KeySelector<WindowResult, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(WindowResult r) {
            return ReconcileDiff.key(r.userId, r.windowStart, r.windowEnd);
        }
    }

    static final class OnlyDifferences implements FilterFunction<DiffRow> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(DiffRow d) {
            return d.kind != DiffRow.Kind.MATCH;
        }
    }

    static final class ToSummary implements MapFunction<DiffRow, WindowSummary> {
        private static final long serialVersionUID = 1L;

        @Override
        public WindowSummary map(DiffRow d) {
            return WindowSummary.of(d);
        }
    }

    static final class SummaryKey implements KeySelector<WindowSummary, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(WindowSummary s) {
            return s.key();
        }
    }

    static final class MergeSummaries implements ReduceFunction<WindowSummary> {
        private static final long serialVersionUID = 1L;

        @Override
        public WindowSummary reduce(WindowSummary a, WindowSummary b) {
            return WindowSummary.merge(a, b);
        }
    }
}
