package dev.eventflow.jobs.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.jobs.diagnose.Snapshot.Checkpoints;
import dev.eventflow.jobs.diagnose.Snapshot.Flink;
import dev.eventflow.jobs.diagnose.Snapshot.JobDetail;
import dev.eventflow.jobs.diagnose.Snapshot.JobSummary;
import dev.eventflow.jobs.diagnose.Snapshot.Partition;
import dev.eventflow.jobs.diagnose.Snapshot.Topic;
import dev.eventflow.jobs.diagnose.Snapshot.Vertex;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The verdict logic on hand-built snapshots: one scenario of "no output" per test. */
class VerdictsTest {

    private static final long NOW = Instant.parse("2026-01-01T12:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final long DELAY = 10 * MINUTE;
    private static final String JOB_ID = "0123456789abcdef0123456789abcdef";

    // ---- factories ----

    /** An input partition with records [0, end), committed at {@code committed}, newest at t. */
    private static Partition in(int p, long end, Long committed, Long newestEventTime) {
        return new Partition(
                p,
                0,
                end,
                end,
                committed,
                end == 0 ? null : newestEventTime,
                end == 0 ? null : newestEventTime,
                null,
                0,
                0);
    }

    private static Partition out(int p, long committedVisible, long uncommittedVisible, long open) {
        long end = Math.max(committedVisible, uncommittedVisible) + 1;
        return new Partition(
                p,
                0,
                end,
                end + open,
                null,
                null,
                null,
                null,
                committedVisible,
                uncommittedVisible);
    }

    private static Topic input(Partition... partitions) {
        return new Topic("user-events", true, List.of(partitions));
    }

    private static Topic output(Partition... partitions) {
        return new Topic("processed-user-events", true, List.of(partitions));
    }

    private static final Topic HEALTHY_INPUT =
            input(in(0, 100, 90L, NOW - MINUTE), in(1, 100, 100L, NOW - MINUTE));
    private static final Topic HEALTHY_OUTPUT = output(out(0, 40, 40, 0), out(1, 40, 40, 0));

    private static Snapshot kafkaOnly(Topic input, Topic output, long idlenessMs) {
        return new Snapshot(
                NOW,
                input,
                output,
                "eventflow-window-aggregation",
                true,
                Optional.empty(),
                DELAY,
                idlenessMs);
    }

    private static Snapshot withJob(
            Topic input, Topic output, String state, Long watermark, Checkpoints checkpoints) {
        JobSummary job = new JobSummary(JOB_ID, "window-aggregation", state, NOW - 60 * MINUTE);
        JobDetail detail =
                new JobDetail(
                        job,
                        List.of(
                                new Vertex(
                                        "v1",
                                        "Source: user-events",
                                        2,
                                        state,
                                        true,
                                        0,
                                        200,
                                        Long.MIN_VALUE,
                                        "ok"),
                                new Vertex(
                                        "v2",
                                        "window -> Sink",
                                        2,
                                        state,
                                        false,
                                        200,
                                        80,
                                        watermark,
                                        "ok")),
                        Optional.ofNullable(checkpoints));
        Flink flink =
                new Flink("http://jm:8081", true, null, List.of(job), null, Optional.of(detail));
        return new Snapshot(
                NOW,
                input,
                output,
                "eventflow-window-aggregation",
                true,
                Optional.of(flink),
                DELAY,
                MINUTE);
    }

    private static Checkpoints completed(int n, long at) {
        return new Checkpoints(n, 0, 0, at, null, null);
    }

    private static List<String> problems(Snapshot s) {
        return Verdicts.judge(s).stream().filter(Verdict::problem).map(Verdict::message).toList();
    }

    // ---- tests ----

    @Test
    void healthyPipelineHasNoProblem() {
        Snapshot s =
                withJob(
                        HEALTHY_INPUT,
                        HEALTHY_OUTPUT,
                        "RUNNING",
                        NOW - MINUTE - DELAY,
                        completed(12, NOW - 5_000));
        assertThat(problems(s)).isEmpty();
        assertThat(Verdicts.judge(s))
                .extracting(Verdict::toString)
                .anyMatch(
                        v -> v.startsWith("ok: group 'eventflow-window-aggregation' is 10 records"))
                .anyMatch(v -> v.startsWith("ok: job 'window-aggregation' is RUNNING"))
                .anyMatch(v -> v.startsWith("ok: watermark 2026-01-01T11:49:00Z trails"))
                .anyMatch(v -> v.startsWith("ok: 12 checkpoints") && v.endsWith("(5s ago)"));
    }

    @Test
    void missingTopics() {
        Snapshot s =
                kafkaOnly(
                        new Topic("user-events", false, List.of()),
                        new Topic("out", false, List.of()),
                        MINUTE);
        assertThat(problems(s))
                .anyMatch(p -> p.startsWith("input topic 'user-events' does not exist"))
                .anyMatch(p -> p.startsWith("output topic 'out' does not exist"));
    }

    @Test
    void emptyInputTopic() {
        Snapshot s = kafkaOnly(input(in(0, 0, null, null), in(1, 0, null, null)), output(), MINUTE);
        assertThat(problems(s)).anyMatch(p -> p.contains("is empty (no records in any of its 2"));
    }

    @Test
    void emptyPartitionIsAProblemOnlyWithIdlenessOff() {
        Topic oneEmpty = input(in(0, 10, 10L, NOW), in(1, 0, null, null));
        assertThat(problems(kafkaOnly(oneEmpty, HEALTHY_OUTPUT, 0)))
                .anyMatch(
                        p ->
                                p.startsWith(
                                        "partition(s) [1] of 'user-events' hold no data and"
                                                + " idleness is off"));
        assertThat(problems(kafkaOnly(oneEmpty, HEALTHY_OUTPUT, MINUTE)))
                .noneMatch(p -> p.contains("partition(s) [1]"));
        assertThat(Verdicts.judge(kafkaOnly(oneEmpty, HEALTHY_OUTPUT, MINUTE)))
                .contains(
                        Verdict.ok(
                                "partition(s) [1] of 'user-events' are empty; with --idleness 1m"
                                        + " they stop holding the watermark back once idle that"
                                        + " long"));
    }

    @Test
    void caughtUpWithoutOutputPointsAtAQuietProducer() {
        Topic caughtUp = input(in(0, 10, 10L, NOW), in(1, 5, 5L, NOW));
        assertThat(problems(kafkaOnly(caughtUp, output(out(0, 0, 0, 0)), MINUTE)))
                .anyMatch(p -> p.contains("lag 0") && p.contains("--starting-offsets latest"))
                .anyMatch(p -> p.contains("has no records"));
        assertThat(problems(kafkaOnly(caughtUp, HEALTHY_OUTPUT, MINUTE))).isEmpty();
    }

    @Test
    void groupWithoutCommittedOffsets() {
        Snapshot s =
                new Snapshot(
                        NOW,
                        HEALTHY_INPUT,
                        HEALTHY_OUTPUT,
                        "g",
                        false,
                        Optional.empty(),
                        DELAY,
                        MINUTE);
        assertThat(problems(s))
                .containsExactly(
                        "consumer group 'g' has no committed offsets on 'user-events': the job is"
                                + " not running, has not completed a checkpoint yet (Flink's Kafka"
                                + " source commits offsets only when a checkpoint completes), or"
                                + " uses another --group-id");
    }

    @Test
    void outputVisibleOnlyUncommitted() {
        Snapshot s = kafkaOnly(HEALTHY_INPUT, output(out(0, 0, 7, 2)), MINUTE);
        assertThat(problems(s))
                .anyMatch(
                        p ->
                                p.contains("7 records visible only read_uncommitted")
                                        && p.contains(
                                                "exactly-once output appears only on"
                                                        + " checkpoint"));
        assertThat(Verdicts.judge(s))
                .anyMatch(v -> !v.problem() && v.message().startsWith("a transaction is open"));
    }

    @Test
    void noJobRunning() {
        JobSummary failed = new JobSummary(JOB_ID, "window-aggregation", "FAILED", NOW);
        Flink flink =
                new Flink("http://jm:8081", true, null, List.of(failed), null, Optional.empty());
        Snapshot s =
                new Snapshot(
                        NOW,
                        HEALTHY_INPUT,
                        HEALTHY_OUTPUT,
                        "g",
                        true,
                        Optional.of(flink),
                        DELAY,
                        MINUTE);
        assertThat(problems(s))
                .containsExactly(
                        "no job RUNNING (jobs: window-aggregation FAILED), while the input has 10"
                                + " unread: start the job; for a FAILED or RESTARTING job read its"
                                + " exceptions (web UI > Exceptions, /jobs/<id>/exceptions)");
    }

    @Test
    void unreachableRestApi() {
        Flink flink =
                new Flink(
                        "http://jm:8081",
                        false,
                        "Connection refused",
                        List.of(),
                        null,
                        Optional.empty());
        Snapshot s =
                new Snapshot(
                        NOW,
                        HEALTHY_INPUT,
                        HEALTHY_OUTPUT,
                        "g",
                        true,
                        Optional.of(flink),
                        DELAY,
                        MINUTE);
        assertThat(problems(s)).singleElement().asString().contains("did not answer");
    }

    @Test
    void noWatermarkYet() {
        Topic oneEmpty = input(in(0, 10, 10L, NOW), in(1, 0, null, null));
        Snapshot s =
                withJob(
                        oneEmpty,
                        HEALTHY_OUTPUT,
                        "RUNNING",
                        Long.MIN_VALUE,
                        completed(3, NOW - 1000));
        assertThat(problems(s))
                .singleElement()
                .asString()
                .startsWith("no watermark yet")
                .contains("empty partition(s) [1]");
    }

    @Test
    void watermarkFarBehindTheNewestEventTime() {
        long wm = NOW - MINUTE - DELAY - 30 * MINUTE;
        Snapshot s = withJob(HEALTHY_INPUT, HEALTHY_OUTPUT, "RUNNING", wm, completed(3, NOW));
        assertThat(problems(s))
                .singleElement()
                .asString()
                .startsWith(
                        "watermark 2026-01-01T11:19:00Z trails the newest event time"
                                + " 2026-01-01T11:59:00Z by 40m")
                .contains("held back by a partition with old or no data")
                .contains("(10 records)");
    }

    @Test
    void newestEventsOlderThanTheWatermarkAreLate() {
        Snapshot s =
                withJob(HEALTHY_INPUT, HEALTHY_OUTPUT, "RUNNING", NOW + MINUTE, completed(3, NOW));
        assertThat(problems(s))
                .singleElement()
                .asString()
                .contains("is older than the watermark")
                .contains("everything arriving now is late");
    }

    @Test
    void noCheckpointCompleted() {
        Snapshot s =
                withJob(
                        HEALTHY_INPUT,
                        output(out(0, 0, 5, 5)),
                        "RUNNING",
                        NOW - MINUTE - DELAY,
                        new Checkpoints(0, 4, 1, null, NOW - 1000, "Checkpoint expired"));
        assertThat(problems(s))
                .anyMatch(
                        p ->
                                p.startsWith(
                                                "no checkpoint of 'window-aggregation' completed (4"
                                                        + " failed, 1 in progress)")
                                        && p.endsWith("latest failure: Checkpoint" + " expired"))
                .anyMatch(p -> p.contains("visible only read_uncommitted"));
    }

    @Test
    void latestCheckpointFailed() {
        Snapshot s =
                withJob(
                        HEALTHY_INPUT,
                        HEALTHY_OUTPUT,
                        "RUNNING",
                        NOW - MINUTE - DELAY,
                        new Checkpoints(5, 1, 0, NOW - 60_000, NOW - 1000, "timeout"));
        assertThat(problems(s))
                .singleElement()
                .asString()
                .startsWith("the latest checkpoint of 'window-aggregation' failed (timeout)");
    }

    @Test
    void jobNotRunning() {
        Snapshot s =
                withJob(
                        HEALTHY_INPUT,
                        HEALTHY_OUTPUT,
                        "RESTARTING",
                        NOW - MINUTE - DELAY,
                        completed(2, NOW));
        assertThat(problems(s))
                .singleElement()
                .asString()
                .startsWith("job 'window-aggregation' is RESTARTING, not RUNNING");
    }

    @Test
    void choosesTheJobByIdOrNameOrTheOnlyRunningOne() {
        JobSummary old = new JobSummary("a".repeat(32), "window-aggregation", "CANCELED", 1);
        JobSummary cur = new JobSummary("b".repeat(32), "window-aggregation", "RUNNING", 2);
        JobSummary other = new JobSummary("c".repeat(32), "dedup", "FINISHED", 3);
        List<JobSummary> jobs = List.of(old, cur, other);
        assertThat(FlinkRestProbe.choose(jobs, "a".repeat(32))).contains(old);
        assertThat(FlinkRestProbe.choose(jobs, "window-aggregation")).contains(cur);
        assertThat(FlinkRestProbe.choose(jobs, "dedup")).contains(other);
        assertThat(FlinkRestProbe.choose(jobs, "joins")).isEmpty();
        assertThat(FlinkRestProbe.choose(jobs, null)).contains(cur);
        assertThat(FlinkRestProbe.choose(List.of(old), null)).isEmpty();
    }

    // ---- event times all alike; state growing without bound ----

    private static Topic sampled(List<Long> times) {
        return new Topic("user-events", true, HEALTHY_INPUT.partitions(), times);
    }

    @Test
    void allEventsCarryingTheSameTimestampIsAProblem() {
        List<Long> same = java.util.Collections.nCopies(40, NOW - MINUTE);
        assertThat(problems(kafkaOnly(sampled(same), HEALTHY_OUTPUT, MINUTE)))
                .singleElement()
                .asString()
                .startsWith(
                        "all 40 newest events of 'user-events' carry the same event_time"
                                + " 2026-01-01T11:59:00Z");
        List<Long> spread = new java.util.ArrayList<>(same);
        spread.set(7, NOW - 2 * MINUTE);
        Snapshot fine = kafkaOnly(sampled(spread), HEALTHY_OUTPUT, MINUTE);
        assertThat(problems(fine)).isEmpty();
        assertThat(Verdicts.judge(fine))
                .contains(
                        Verdict.ok(
                                "the 40 newest events of 'user-events' span event times"
                                        + " 2026-01-01T11:58:00Z .. 2026-01-01T11:59:00Z"));
        // too few to tell a constant from a quiet topic
        assertThat(problems(kafkaOnly(sampled(same.subList(0, 9)), HEALTHY_OUTPUT, MINUTE)))
                .isEmpty();
    }

    private static Snapshot withHistory(long... sizes) {
        List<Snapshot.CheckpointSize> history = new java.util.ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            history.add(
                    new Snapshot.CheckpointSize(
                            i + 1, NOW - (sizes.length - i) * MINUTE, sizes[i], -1));
        }
        List<Snapshot.OperatorState> operators =
                List.of(
                        new Snapshot.OperatorState(
                                "running count per user", sizes[sizes.length - 1] - 100, 10),
                        new Snapshot.OperatorState("kafka sink", 100, 100));
        return kafkaOnly(HEALTHY_INPUT, HEALTHY_OUTPUT, MINUTE)
                .withState(
                        Optional.of(
                                new Snapshot.StateFacts(
                                        "REST http://jm:8081", history, operators)));
    }

    @Test
    void stateThatGrowsAtEveryCheckpointIsUnbounded() {
        assertThat(problems(withHistory(1_000, 1_400, 2_000, 2_900, 4_000, 5_200)))
                .singleElement()
                .asString()
                .startsWith(
                        "state growing without bound: 1000 B -> 5.1 KiB over 6 checkpoints (5m,"
                                + " REST http://jm:8081), never shrinking and still growing;"
                                + " largest operator 'running count per user' (5.0 KiB)");
    }

    @Test
    void stateThatLevelsOffOrShrinksIsNotUnbounded() {
        // warm-up then a plateau: grew overall, but no longer
        assertThat(problems(withHistory(1_000, 3_000, 4_000, 4_000, 4_000, 4_000))).isEmpty();
        // windows fire and free their state
        assertThat(problems(withHistory(1_000, 3_000, 2_000, 3_500, 2_500, 3_800))).isEmpty();
        // small growth is not a leak
        Snapshot steady = withHistory(4_000, 4_100, 4_100, 4_200, 4_300);
        assertThat(problems(steady)).isEmpty();
        assertThat(Verdicts.judge(steady))
                .anyMatch(
                        v ->
                                v.message()
                                        .startsWith(
                                                "state 4.2 KiB at the latest checkpoint, 3.9 KiB 4m"
                                                        + " before (5 checkpoints"));
        // too few checkpoints to say
        assertThat(problems(withHistory(1_000, 2_000, 4_000))).isEmpty();
    }

    @Test
    void bytesReadLikeAPersonWritesThem() {
        assertThat(Verdicts.bytes(812)).isEqualTo("812 B");
        assertThat(Verdicts.bytes(12_700)).isEqualTo("12.4 KiB");
        assertThat(Verdicts.bytes(3L << 30)).isEqualTo("3.0 GiB");
    }

    @Test
    void prometheusLabelValuesAreFlinksFilteredJobNames() {
        assertThat(PrometheusProbe.labelValue("window-aggregation"))
                .isEqualTo("window_aggregation");
        assertThat(PrometheusProbe.labelValue("joins (left-outer)"))
                .isEqualTo("joins__left_outer_");
    }
}
