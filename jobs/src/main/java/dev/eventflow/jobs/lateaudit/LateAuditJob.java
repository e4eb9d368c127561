package dev.eventflow.jobs.lateaudit;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.UserEventInput;
import dev.eventflow.common.kafka.KafkaSinks;
import dev.eventflow.jobs.SuiteJob;
import dev.eventflow.jobs.windowstats.UserIdKey;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code late-audit}: Spark's late-event strategies (docs/spark-mapping.md) as one bounded-state
 * job beside the main one. One read of the input, two watermark tiers (main, default 5m; audit,
 * default 30m); every event is on time, late (behind the main tier, caught by the audit tier) or
 * lost (behind both). Per tumbling event-time audit window it writes one row: counts per tier,
 * max/p50/p99 lateness (KLL), affected users (HLL) and the late ratio; optionally a deterministic
 * sample of the late and lost events themselves; and the late SLIs as Flink metrics.
 *
 * <p>It replaces the Spark pattern
 *
 * <pre>
 * main  = stream.withWatermark("event_time", "5 minutes")
 * audit = stream.withWatermark("event_time", "30 minutes")
 * # in foreachBatch over audit: classify rows where event_time < (audit_max - 5m), log counts
 * </pre>
 *
 * which needs two queries, two checkpoints and an unbounded foreachBatch side channel; here one
 * source carries the audit tier's watermark and the main tier is derived from it exactly ({@link
 * AuditSpec}).
 *
 * <p>Topology: Kafka source (per-partition watermarks at the audit delay, idleness) -> dead-letter
 * split -> keyBy(user_id) -> {@link LateClassifier} (tier, audit window, sample side output,
 * metrics) -> keyBy(audit window) -> {@link AuditAggregator} -> exactly-once Kafka sinks.
 */
public final class LateAuditJob extends SuiteJob {

    public static final String NAME = "late-audit";

    /** The streams the topology produces. */
    public record Outputs(DataStream<AuditRow> audit, DataStream<LateSample> samples) {}

    public LateAuditJob() {
        super(
                NAME,
                "late-event audit: on-time / late / lost against two watermark tiers, per-window"
                        + " late SLIs, deterministic late samples (Spark: dual withWatermark tiers +"
                        + " foreachBatch logging)",
                LateAuditOptions::optionSet);
    }

    @Override
    protected void validateJobOptions(ParsedOptions o) {
        LateAuditOptions.auditSpec(o);
    }

    /**
     * The pure topology, fed by events that carry event-time timestamps and the AUDIT tier's
     * watermarks. {@code sampler} null: no samples ({@link Outputs#samples} stays empty).
     */
    public static Outputs defineWorkflow(
            DataStream<UserEvent> events, AuditSpec spec, LateSampler sampler) {
        SingleOutputStreamOperator<AuditEntry> classified =
                events.keyBy(new UserIdKey())
                        .transform(
                                Operators.CLASSIFY.operatorName(),
                                TypeInformation.of(AuditEntry.class),
                                new LateClassifierOperator(new LateClassifier(spec, sampler)))
                        .uid(Operators.CLASSIFY.uid());
        SingleOutputStreamOperator<AuditRow> audit =
                classified
                        .keyBy(new WindowKey())
                        .process(new AuditAggregator(spec), TypeInformation.of(AuditRow.class))
                        .name(Operators.AGGREGATE.operatorName())
                        .uid(Operators.AGGREGATE.uid());
        return new Outputs(audit, classified.getSideOutput(LateClassifier.SAMPLES));
    }

    @Override
    public void buildPipeline(StreamExecutionEnvironment env, ParsedOptions o) {
        buildPipeline(env, o, UnaryOperator.identity());
    }

    /**
     * The production pipeline; {@code beforeClassify} lets a test splice an operator (a failure
     * injector) between parsing and classification. Production passes identity.
     */
    public static void buildPipeline(
            StreamExecutionEnvironment env,
            ParsedOptions o,
            UnaryOperator<DataStream<UserEvent>> beforeClassify) {
        AuditSpec spec = LateAuditOptions.auditSpec(o);
        SingleOutputStreamOperator<UserEvent> events =
                UserEventInput.read(
                        env, o, NAME, Duration.ofMillis(spec.auditDelayMs), Operators.class);

        LateSampler sampler = LateAuditOptions.sampler(o);
        Outputs out = defineWorkflow(beforeClassify.apply(events), spec, sampler);
        KafkaSinks.write(
                out.audit,
                o,
                NAME,
                "audit",
                new AuditRowSerializationSchema(o.get(LateAuditOptions.OUTPUT_TOPIC)),
                Operators.SINK_AUDIT);
        if (sampler != null) {
            KafkaSinks.write(
                    out.samples,
                    o,
                    NAME,
                    "samples",
                    new LateSampleSerializationSchema(o.get(LateAuditOptions.SAMPLE_TOPIC)),
                    Operators.SINK_SAMPLES);
        }
    }

    @Override
    protected String banner(ParsedOptions o) {
        String samples = o.get(LateAuditOptions.SAMPLE_TOPIC);
        return flow(
                o,
                o.get(CommonOptions.INPUT_TOPIC),
                o.get(LateAuditOptions.OUTPUT_TOPIC),
                String.format(
                        "tiers: main %s, audit %s; windows %s; samples: %s",
                        o.get(LateAuditOptions.MAIN_DELAY),
                        o.get(LateAuditOptions.AUDIT_DELAY),
                        o.get(LateAuditOptions.AUDIT_WINDOW),
                        samples == null
                                ? "off"
                                : samples + " at " + o.get(LateAuditOptions.SAMPLE_RATE)));
    }

    /** Keys audit entries by their window start. */
    static final class WindowKey implements KeySelector<AuditEntry, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(AuditEntry entry) {
            return entry.windowStart();
        }
    }
}
