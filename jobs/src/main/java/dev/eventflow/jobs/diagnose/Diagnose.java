package dev.eventflow.jobs.diagnose;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.InvalidOptionException;
import dev.eventflow.common.config.OptionSet;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.kafka.KafkaSettings;
import dev.eventflow.jobs.Tool;
import dev.eventflow.jobs.diagnose.Snapshot.Flink;
import dev.eventflow.jobs.diagnose.Snapshot.JobDetail;
import dev.eventflow.jobs.diagnose.Snapshot.Partition;
import dev.eventflow.jobs.diagnose.Snapshot.Topic;
import dev.eventflow.jobs.diagnose.Snapshot.Vertex;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code diagnose}: why is there no output? The Flink counterpart of Spark's {@code for q in
 * spark.streams.active: print(q.lastProgress)}: one look at the Kafka topics and consumer group
 * (offsets, lag, newest event time per partition, read_committed vs read_uncommitted output) and,
 * with {@code --rest-url}, at the running job through Flink's REST API (records in/out, watermarks,
 * checkpoints, backpressure, state and checkpoint sizes per operator; or, with {@code
 * --prometheus-url}, the state facts from Prometheus), then one verdict per check: {@code PROBLEM:
 * ...} with the likely cause and fix, or {@code ok: ...}.
 *
 * <p>Exit codes: 0 no problem found, 3 a problem found, 2 bad options, 1 Kafka unreachable.
 */
public final class Diagnose implements Tool {

    public static final String NAME = "diagnose";
    public static final int EXIT_PROBLEM = 3;

    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "why no output? Kafka offsets, lag, event times; Flink watermarks, checkpoints (REST)";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        OptionSet set = DiagnoseOptions.optionSet();
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.print(
                    set.help(
                            "usage: "
                                    + NAME
                                    + " --bootstrap-servers B [--rest-url URL] [--prometheus-url URL]"
                                    + " [--job NAME_OR_ID]"
                                    + " [--option value ...]\n\n"
                                    + summary()
                                    + "\nExit codes: 0 no problem found, 3 problem(s) found, 2 bad"
                                    + " options, 1 Kafka unreachable."));
            return 0;
        }
        ParsedOptions o;
        try {
            o = set.parse(args);
        } catch (InvalidOptionException e) {
            err.println("error: " + e.getMessage());
            err.println("run '" + NAME + " --help' for the options");
            return 2;
        }
        String restUrl = o.get(DiagnoseOptions.REST_URL);
        String requested = o.get(DiagnoseOptions.JOB);
        Duration timeout = o.get(DiagnoseOptions.TIMEOUT);

        Optional<Flink> flink =
                restUrl == null
                        ? Optional.empty()
                        : Optional.of(new FlinkRestProbe(restUrl, timeout).collect(requested));
        String groupId = groupId(o, requested, flink);
        if (groupId == null) {
            err.println(
                    "error: --group-id is needed: the job's consumer group cannot be derived"
                            + " without --job NAME (or --rest-url with one RUNNING job)");
            return 2;
        }

        Snapshot snapshot;
        try (KafkaProbe kafka = new KafkaProbe(KafkaSettings.clientProperties(o), timeout)) {
            kafka.ping();
            Map<TopicPartition, OffsetAndMetadata> offsets = kafka.committedOffsets(groupId);
            String inputTopic = o.get(CommonOptions.INPUT_TOPIC);
            Topic input = kafka.input(inputTopic, offsets);
            Topic output =
                    kafka.output(
                            o.get(CommonOptions.OUTPUT_TOPIC), o.get(DiagnoseOptions.SCAN_RECORDS));
            boolean groupHasOffsets =
                    offsets.keySet().stream().anyMatch(tp -> tp.topic().equals(inputTopic));
            snapshot =
                    new Snapshot(
                            System.currentTimeMillis(),
                            input,
                            output,
                            groupId,
                            groupHasOffsets,
                            flink,
                            o.get(CommonOptions.WATERMARK_DELAY).toMillis(),
                            o.get(CommonOptions.IDLENESS).toMillis());
        } catch (KafkaProbe.UnreachableException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("error: reading from Kafka failed: " + e);
            return 1;
        }
        String prometheusUrl = o.get(DiagnoseOptions.PROMETHEUS_URL);
        if (prometheusUrl != null) {
            String jobName =
                    flink.flatMap(Flink::job)
                            .map(j -> j.summary().name())
                            .orElse(
                                    requested != null && !JOB_ID.matcher(requested).matches()
                                            ? requested
                                            : null);
            PrometheusProbe.Result r =
                    new PrometheusProbe(prometheusUrl, timeout)
                            .collect(
                                    jobName,
                                    o.get(DiagnoseOptions.PROMETHEUS_RANGE),
                                    snapshot.capturedAt());
            if (r.error() != null) err.println("warning: " + r.error());
            snapshot = snapshot.withState(r.facts());
        } else if (restUrl != null) {
            snapshot = snapshot.withState(new FlinkRestProbe(restUrl, timeout).state(flink.get()));
        }
        List<Verdict> verdicts = Verdicts.judge(snapshot);
        out.print(render(snapshot, verdicts));
        return verdicts.stream().anyMatch(Verdict::problem) ? EXIT_PROBLEM : 0;
    }

    /** --group-id, else eventflow-<job> for the job named by --job or found RUNNING. */
    static String groupId(ParsedOptions o, String requested, Optional<Flink> flink) {
        if (o.isSet(CommonOptions.GROUP_ID)) return o.get(CommonOptions.GROUP_ID);
        Optional<String> name = flink.flatMap(Flink::job).map(j -> j.summary().name());
        if (name.isPresent()) return KafkaSettings.groupId(o, name.get());
        if (requested != null && !JOB_ID.matcher(requested).matches()) {
            return KafkaSettings.groupId(o, requested);
        }
        return null;
    }

    /** The report: what was collected, then the verdicts. */
    static String render(Snapshot s, List<Verdict> verdicts) {
        StringBuilder b = new StringBuilder();
        b.append("== Kafka ==\n");
        topic(b, "input", s.input(), true);
        b.append("  consumer group '").append(s.groupId()).append("'");
        b.append(s.groupHasOffsets() ? "" : ": no committed offsets on the input").append('\n');
        topic(b, "output", s.output(), false);
        s.flink().ifPresent(f -> flink(b, f));
        s.state().ifPresent(f -> state(b, f));
        b.append("== Verdicts ==\n");
        verdicts.forEach(v -> b.append(v).append('\n'));
        return b.toString();
    }

    private static void state(StringBuilder b, Snapshot.StateFacts f) {
        b.append("== State (").append(f.source()).append(") ==\n");
        if (!f.history().isEmpty()) {
            Snapshot.CheckpointSize first = f.history().get(0);
            Snapshot.CheckpointSize last = f.history().get(f.history().size() - 1);
            b.append("  full state size: ")
                    .append(Verdicts.bytes(first.stateSize()))
                    .append(" at ")
                    .append(Verdicts.instant(first.completedAt()))
                    .append(" -> ")
                    .append(Verdicts.bytes(last.stateSize()))
                    .append(" at ")
                    .append(Verdicts.instant(last.completedAt()))
                    .append(" (")
                    .append(f.history().size())
                    .append(" points)\n");
        }
        for (Snapshot.OperatorState op : f.operators()) {
            b.append("  ").append(op.operator()).append(": state ");
            b.append(Verdicts.bytes(op.stateSize()));
            if (op.checkpointedSize() >= 0) {
                b.append(", checkpointed ").append(Verdicts.bytes(op.checkpointedSize()));
            }
            b.append('\n');
        }
    }

    private static void topic(StringBuilder b, String role, Topic t, boolean input) {
        b.append("  ").append(role).append(" topic '").append(t.name()).append("'");
        if (!t.exists()) {
            b.append(": does not exist\n");
            return;
        }
        b.append(": ").append(t.partitions().size()).append(" partitions\n");
        for (Partition p : t.partitions()) {
            b.append(String.format("    p%-3d", p.partition()));
            b.append(" offsets ").append(p.beginOffset()).append("..").append(p.endOffset());
            if (p.uncommittedEndOffset() != p.endOffset()) {
                b.append(" (read_uncommitted end ").append(p.uncommittedEndOffset()).append(')');
            }
            if (p.retained() == 0) b.append(" EMPTY");
            if (input) {
                b.append(
                        p.committedOffset() == null
                                ? "  committed -"
                                : "  committed " + p.committedOffset() + "  lag " + p.lag());
                if (p.lastTimestamp() != null) {
                    b.append("  newest: timestamp ").append(Verdicts.instant(p.lastTimestamp()));
                    b.append(
                            p.lastParseError() == null
                                    ? ", event_time " + Verdicts.instant(p.lastEventTime())
                                    : ", not a user event (" + p.lastParseError() + ")");
                }
            } else {
                b.append("  visible read_committed ").append(p.visibleCommitted());
                b.append(", read_uncommitted ").append(p.visibleUncommitted());
            }
            b.append('\n');
        }
    }

    private static void flink(StringBuilder b, Flink f) {
        b.append("== Flink (").append(f.restUrl()).append(") ==\n");
        if (!f.reachable()) {
            b.append("  unreachable: ").append(f.error()).append('\n');
            return;
        }
        if (f.jobs().isEmpty()) b.append("  no jobs\n");
        f.jobs()
                .forEach(
                        j ->
                                b.append("  job ")
                                        .append(j.id())
                                        .append(' ')
                                        .append(j.name())
                                        .append(' ')
                                        .append(j.state())
                                        .append('\n'));
        if (f.job().isEmpty()) return;
        JobDetail job = f.job().get();
        b.append("  inspecting '")
                .append(job.summary().name())
                .append("' (")
                .append(job.summary().id())
                .append(")\n");
        for (Vertex v : job.vertices()) {
            b.append("    ").append(v.name()).append('\n');
            b.append("      parallelism ").append(v.parallelism()).append(", ").append(v.status());
            b.append(", records in ").append(v.recordsIn()).append(", out ").append(v.recordsOut());
            if (!v.source()) {
                b.append(", watermark ")
                        .append(v.watermark() == null ? "-" : Verdicts.instant(v.watermark()));
            }
            if (v.backpressure() != null) b.append(", backpressure ").append(v.backpressure());
            b.append('\n');
        }
        job.checkpoints()
                .ifPresent(
                        c ->
                                b.append("    checkpoints: ")
                                        .append(c.completed())
                                        .append(" completed, ")
                                        .append(c.failed())
                                        .append(" failed, ")
                                        .append(c.inProgress())
                                        .append(" in progress, last completed ")
                                        .append(Verdicts.instant(c.lastCompletedAt()))
                                        .append(
                                                c.lastFailure() == null
                                                        ? ""
                                                        : "; latest failure at "
                                                                + Verdicts.instant(c.lastFailedAt())
                                                                + ": "
                                                                + c.lastFailure())
                                        .append('\n'));
    }
}
