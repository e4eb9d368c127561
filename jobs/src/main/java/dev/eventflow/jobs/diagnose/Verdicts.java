package dev.eventflow.jobs.diagnose;

import dev.eventflow.common.config.Durations;
import dev.eventflow.jobs.diagnose.Snapshot.Checkpoints;
import dev.eventflow.jobs.diagnose.Snapshot.Flink;
import dev.eventflow.jobs.diagnose.Snapshot.JobDetail;
import dev.eventflow.jobs.diagnose.Snapshot.JobSummary;
import dev.eventflow.jobs.diagnose.Snapshot.Partition;
import dev.eventflow.jobs.diagnose.Snapshot.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The judgement of {@code diagnose}: a pure function from a collected {@link Snapshot} to {@link
 * Verdict}s, one per check, in the order a user would debug "no output": input, consumer group,
 * output, job, watermark, checkpoints, backpressure.
 */
public final class Verdicts {

    /** Beyond watermark delay + idleness, a watermark this much further behind is suspicious. */
    static final long WATERMARK_SLACK_MS = Duration.ofMinutes(1).toMillis();

    private Verdicts() {}

    public static List<Verdict> judge(Snapshot s) {
        List<Verdict> v = new ArrayList<>();
        input(s, v);
        sameTimestamp(s, v);
        output(s, v);
        s.flink().ifPresent(f -> flink(s, f, v));
        s.state().ifPresent(f -> stateGrowth(s, f, v));
        return v;
    }

    /** Fewer sampled event times than this say nothing about a constant timestamp. */
    static final int SAME_TIMESTAMP_MIN_SAMPLE = 10;

    /** Fewer checkpoints than this say nothing about growth. */
    static final int GROWTH_MIN_POINTS = 5;

    /** Growth over the history by at least this factor, without a pause, is "without bound". */
    static final double GROWTH_FACTOR = 1.5;

    /**
     * All sampled events of the input carry one event time: the producer stamps a constant (a
     * default, a deploy or batch time) rather than when each event happened. The watermark then
     * stops just behind that time, windows after it never close, and later real times arrive late.
     */
    private static void sameTimestamp(Snapshot s, List<Verdict> v) {
        List<Long> times = s.input().sampledEventTimes();
        if (times.size() < SAME_TIMESTAMP_MIN_SAMPLE) return;
        long min = times.stream().mapToLong(Long::longValue).min().getAsLong();
        long max = times.stream().mapToLong(Long::longValue).max().getAsLong();
        if (min == max) {
            v.add(
                    Verdict.problem(
                            "all "
                                    + times.size()
                                    + " newest events of '"
                                    + s.input().name()
                                    + "' carry the same event_time "
                                    + instant(min)
                                    + ": the producer writes a constant instead of the time each"
                                    + " event happened, so the watermark stops at that time minus"
                                    + " the delay, no later window ever closes, and events with"
                                    + " real times are judged against it; fix event_time at the"
                                    + " producer"));
        } else {
            v.add(
                    Verdict.ok(
                            "the "
                                    + times.size()
                                    + " newest events of '"
                                    + s.input().name()
                                    + "' span event times "
                                    + instant(min)
                                    + " .. "
                                    + instant(max)));
        }
    }

    /**
     * The job's full state size over its completed checkpoints: growing at every checkpoint, by
     * {@link #GROWTH_FACTOR} or more overall and still growing over the last third, is state
     * without a bound (keys never cleared, an unbounded join, windows that never fire).
     */
    private static void stateGrowth(Snapshot s, Snapshot.StateFacts f, List<Verdict> v) {
        List<Snapshot.CheckpointSize> h = f.history();
        String largest =
                f.operators().isEmpty()
                        ? ""
                        : "; largest operator '"
                                + f.operators().get(0).operator()
                                + "' ("
                                + bytes(f.operators().get(0).stateSize())
                                + ")";
        if (h.size() < GROWTH_MIN_POINTS) {
            v.add(
                    Verdict.ok(
                            "state "
                                    + (h.isEmpty()
                                            ? "size unknown"
                                            : bytes(h.get(h.size() - 1).stateSize()))
                                    + largest
                                    + "; "
                                    + h.size()
                                    + " checkpoint(s) in "
                                    + f.source()
                                    + ", too few to judge growth"));
            return;
        }
        long first = h.get(0).stateSize();
        long last = h.get(h.size() - 1).stateSize();
        long twoThirds = h.get(h.size() * 2 / 3).stateSize();
        boolean neverShrinks = true;
        for (int i = 1; i < h.size(); i++) {
            neverShrinks &= h.get(i).stateSize() >= h.get(i - 1).stateSize();
        }
        String span =
                human(Math.max(0, h.get(h.size() - 1).completedAt() - h.get(0).completedAt()));
        if (neverShrinks && first > 0 && last >= GROWTH_FACTOR * first && last > twoThirds) {
            v.add(
                    Verdict.problem(
                            "state growing without bound: "
                                    + bytes(first)
                                    + " -> "
                                    + bytes(last)
                                    + " over "
                                    + h.size()
                                    + " checkpoints ("
                                    + span
                                    + ", "
                                    + f.source()
                                    + "), never shrinking and still growing"
                                    + largest
                                    + ". State that only grows is kept for keys that never come"
                                    + " back: give it a TTL or a timer that clears it (running-counts"
                                    + " --state-ttl / --timeout), bound joins, and check that the"
                                    + " watermark advances so windows fire and free their state"));
        } else {
            v.add(
                    Verdict.ok(
                            "state "
                                    + bytes(last)
                                    + " at the latest checkpoint, "
                                    + bytes(first)
                                    + " "
                                    + span
                                    + " before ("
                                    + h.size()
                                    + " checkpoints, "
                                    + f.source()
                                    + "): not growing without bound"
                                    + largest));
        }
    }

    /** Bytes as a person reads them: 812 B, 12.4 KiB, 3.1 MiB, 2.0 GiB. */
    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double x = n;
        int u = -1;
        while (x >= 1024 && u < units.length - 1) {
            x /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", x, units[u]);
    }

    private static void input(Snapshot s, List<Verdict> v) {
        Topic in = s.input();
        if (!in.exists()) {
            v.add(
                    Verdict.problem(
                            "input topic '"
                                    + in.name()
                                    + "' does not exist: the job cannot start; create it (or"
                                    + " run the job with --create-topics) or fix --input-topic"));
            return;
        }
        if (in.records() == 0) {
            v.add(
                    Verdict.problem(
                            "input topic '"
                                    + in.name()
                                    + "' is empty (no records in any of its "
                                    + in.partitions().size()
                                    + " partitions): there is nothing to process; check that the"
                                    + " producer writes to this topic on this cluster"));
            return;
        }
        v.add(
                Verdict.ok(
                        "input topic '"
                                + in.name()
                                + "' holds "
                                + in.records()
                                + " records in "
                                + in.partitions().size()
                                + " partitions"));
        List<Integer> empty = in.emptyPartitions();
        if (!empty.isEmpty()) {
            if (s.idlenessMs() == 0) {
                v.add(
                        Verdict.problem(
                                "partition(s) "
                                        + empty
                                        + " of '"
                                        + in.name()
                                        + "' hold no data and idleness is off (--idleness 0):"
                                        + " the source's watermark is the minimum over its"
                                        + " partitions, so an empty partition holds it back and"
                                        + " no event-time window ever fires; run the job with"
                                        + " --idleness (e.g. 1m) or produce to every partition"));
            } else {
                v.add(
                        Verdict.ok(
                                "partition(s) "
                                        + empty
                                        + " of '"
                                        + in.name()
                                        + "' are empty; with --idleness "
                                        + Durations.format(Duration.ofMillis(s.idlenessMs()))
                                        + " they stop holding the watermark back once idle that"
                                        + " long"));
            }
        }
        List<Integer> unparsable =
                in.partitions().stream()
                        .filter(p -> p.lastParseError() != null)
                        .map(Partition::partition)
                        .toList();
        if (!unparsable.isEmpty()) {
            v.add(
                    Verdict.problem(
                            "the newest record of partition(s) "
                                    + unparsable
                                    + " is not a valid user event (see above): the job sends such"
                                    + " records to the dead-letter topic; check the producer's"
                                    + " format (README \"Formats\")"));
        }
        if (!s.groupHasOffsets()) {
            v.add(
                    Verdict.problem(
                            "consumer group '"
                                    + s.groupId()
                                    + "' has no committed offsets on '"
                                    + in.name()
                                    + "': the job is not running, has not completed a checkpoint"
                                    + " yet (Flink's Kafka source commits offsets only when a"
                                    + " checkpoint completes), or uses another --group-id"));
            return;
        }
        long lag = in.lag();
        if (lag == 0) {
            boolean noOutput =
                    s.output().exists()
                            && s.output().partitions().stream()
                                            .mapToLong(Partition::visibleCommitted)
                                            .sum()
                                    == 0;
            String text =
                    "no new records since group '"
                            + s.groupId()
                            + "' committed its offsets (lag 0): the job has read everything";
            v.add(
                    noOutput
                            ? Verdict.problem(
                                    text
                                            + ", yet there is no output: the producer is quiet"
                                            + " (a job started with --starting-offsets latest on a"
                                            + " quiet topic reads nothing; restart it with"
                                            + " --starting-offsets earliest, or produce events),"
                                            + " or windows cannot close, see the watermark")
                            : Verdict.ok(text + " and is caught up"));
        } else {
            v.add(
                    Verdict.ok(
                            "group '"
                                    + s.groupId()
                                    + "' is "
                                    + lag
                                    + " records behind the end of '"
                                    + in.name()
                                    + "' (as of its last checkpoint)"));
        }
    }

    private static void output(Snapshot s, List<Verdict> v) {
        Topic out = s.output();
        if (!out.exists()) {
            v.add(
                    Verdict.problem(
                            "output topic '"
                                    + out.name()
                                    + "' does not exist: create it (or run the job with"
                                    + " --create-topics) or fix --output-topic"));
            return;
        }
        long committed = out.partitions().stream().mapToLong(Partition::visibleCommitted).sum();
        long uncommitted = out.partitions().stream().mapToLong(Partition::visibleUncommitted).sum();
        long pending =
                out.partitions().stream()
                        .mapToLong(p -> p.uncommittedEndOffset() - p.endOffset())
                        .sum();
        if (committed == 0 && uncommitted > 0) {
            v.add(
                    Verdict.problem(
                            "output topic '"
                                    + out.name()
                                    + "' has "
                                    + uncommitted
                                    + " records visible only read_uncommitted, none"
                                    + " read_committed: they belong to open or aborted"
                                    + " transactions. The job is not checkpointing (or fails"
                                    + " before a checkpoint completes): exactly-once output"
                                    + " appears only on checkpoint. A consumer that shows them"
                                    + " is not read_committed"));
        } else if (committed == 0) {
            v.add(
                    Verdict.problem(
                            "output topic '"
                                    + out.name()
                                    + "' has no records: nothing was emitted yet; see the"
                                    + " input, watermark and checkpoint checks"));
        } else {
            v.add(
                    Verdict.ok(
                            "output topic '"
                                    + out.name()
                                    + "' has "
                                    + committed
                                    + " records visible read_committed (among the newest"
                                    + " offsets scanned)"));
            if (uncommitted > committed) {
                v.add(
                        Verdict.ok(
                                (uncommitted - committed)
                                        + " records of '"
                                        + out.name()
                                        + "' are visible only read_uncommitted (an aborted"
                                        + " transaction after a restart, or the one still open):"
                                        + " read_committed consumers never see aborted ones"));
            }
        }
        if (pending > 0) {
            v.add(
                    Verdict.ok(
                            "a transaction is open on '"
                                    + out.name()
                                    + "' ("
                                    + pending
                                    + " offsets beyond the last stable offset): read_committed"
                                    + " consumers see them when the next checkpoint completes"));
        }
    }

    private static void flink(Snapshot s, Flink f, List<Verdict> v) {
        if (!f.reachable()) {
            v.add(
                    Verdict.problem(
                            "the Flink REST API at "
                                    + f.restUrl()
                                    + " did not answer ("
                                    + f.error()
                                    + "): check --rest-url (the JobManager's web UI address, port"
                                    + " 8081 by default) and that the cluster is up"));
            return;
        }
        if (f.job().isEmpty()) {
            String jobs =
                    f.jobs().isEmpty()
                            ? "none"
                            : f.jobs().stream()
                                    .map(j -> j.name() + " " + j.state())
                                    .collect(Collectors.joining(", "));
            List<JobSummary> running =
                    f.jobs().stream().filter(j -> j.state().equals("RUNNING")).toList();
            if (f.requestedJob() != null) {
                v.add(
                        Verdict.problem(
                                "no job named or with id '"
                                        + f.requestedJob()
                                        + "' (jobs: "
                                        + jobs
                                        + "); fix --job"));
            } else if (running.isEmpty()) {
                long lag = s.input().lag();
                v.add(
                        Verdict.problem(
                                "no job RUNNING (jobs: "
                                        + jobs
                                        + ")"
                                        + (lag > 0
                                                ? ", while the input has " + lag + " unread"
                                                : "")
                                        + ": start the job; for a FAILED or RESTARTING job read"
                                        + " its exceptions (web UI > Exceptions,"
                                        + " /jobs/<id>/exceptions)"));
            } else {
                v.add(
                        Verdict.problem(
                                running.size()
                                        + " jobs are RUNNING ("
                                        + jobs
                                        + "): choose one with --job"));
            }
            return;
        }
        JobDetail job = f.job().get();
        String name = job.summary().name();
        if (!job.summary().state().equals("RUNNING")) {
            v.add(
                    Verdict.problem(
                            "job '"
                                    + name
                                    + "' is "
                                    + job.summary().state()
                                    + ", not RUNNING: read its exceptions (web UI > Exceptions,"
                                    + " /jobs/"
                                    + job.summary().id()
                                    + "/exceptions) and restart it from its latest checkpoint"));
        } else {
            v.add(Verdict.ok("job '" + name + "' is RUNNING"));
        }
        watermark(s, job, v);
        job.checkpoints().ifPresent(c -> checkpoints(s, name, c, v));
        job.vertices().stream()
                .filter(x -> "high".equalsIgnoreCase(x.backpressure()))
                .forEach(
                        x ->
                                v.add(
                                        Verdict.problem(
                                                "backpressure is high at '"
                                                        + x.name()
                                                        + "': an operator downstream of it (or the"
                                                        + " sink) cannot keep up, so lag grows and"
                                                        + " checkpoints slow down; scale out"
                                                        + " (--parallelism) or find the busy"
                                                        + " operator (web UI > BackPressure)")));
    }

    private static void watermark(Snapshot s, JobDetail job, List<Verdict> v) {
        Optional<Long> min = job.minWatermark();
        if (min.isEmpty()) {
            v.add(Verdict.ok("no operator after the sources reports a watermark"));
            return;
        }
        long wm = min.get();
        if (wm == Long.MIN_VALUE) {
            List<Integer> empty = s.input().emptyPartitions();
            v.add(
                    Verdict.problem(
                            "no watermark yet: a source subtask has emitted none, so event-time"
                                    + " windows never fire. It has read no records: "
                                    + (empty.isEmpty()
                                            ? "no data arrived yet"
                                            : "empty partition(s) " + empty)
                                    + (s.idlenessMs() == 0
                                            ? " with idleness off (set --idleness, e.g. 1m)"
                                            : "")
                                    + ", or more source subtasks than partitions, or it is still"
                                    + " catching up"));
            return;
        }
        Optional<Long> newest = s.input().newestEventTime();
        if (newest.isEmpty()) {
            v.add(Verdict.ok("watermark at " + instant(wm)));
            return;
        }
        long delay = s.watermarkDelayMs();
        if (newest.get() < wm) {
            v.add(
                    Verdict.problem(
                            "the newest input event time "
                                    + instant(newest.get())
                                    + " is older than the watermark "
                                    + instant(wm)
                                    + ": everything arriving now is late (dropped or sent to the"
                                    + " late topic). Either the producer replays old data, or a"
                                    + " far-future event_time pushed the watermark ahead (lower"
                                    + " --max-future-skew); a larger --watermark-delay admits"
                                    + " stragglers"));
            return;
        }
        long behind = newest.get() - wm;
        String text =
                "watermark "
                        + instant(wm)
                        + " trails the newest event time "
                        + instant(newest.get())
                        + " by "
                        + human(behind)
                        + " (--watermark-delay "
                        + Durations.format(Duration.ofMillis(delay))
                        + ")";
        if (behind > delay + s.idlenessMs() + WATERMARK_SLACK_MS) {
            long lag = s.input().lag();
            v.add(
                    Verdict.problem(
                            text
                                    + ": the watermark is held back by a partition with old or no"
                                    + " data (see the newest event time per partition"
                                    + (s.idlenessMs() == 0 ? "; idleness is off" : "")
                                    + "), or the job lags behind the input"
                                    + (lag > 0 ? " (" + lag + " records)" : "")));
        } else {
            v.add(Verdict.ok(text));
        }
    }

    private static void checkpoints(Snapshot s, String name, Checkpoints c, List<Verdict> v) {
        if (c.completed() == 0) {
            v.add(
                    Verdict.problem(
                            "no checkpoint of '"
                                    + name
                                    + "' completed ("
                                    + c.failed()
                                    + " failed, "
                                    + c.inProgress()
                                    + " in progress): exactly-once output and the group's"
                                    + " offsets are committed only when a checkpoint completes,"
                                    + " so read_committed consumers see nothing. Check that"
                                    + " checkpointing is on (--checkpoint-interval) and the"
                                    + " failure cause (web UI > Checkpoints)"
                                    + (c.lastFailure() != null
                                            ? "; latest failure: " + c.lastFailure()
                                            : "")));
            return;
        }
        if (c.lastFailedAt() != null
                && (c.lastCompletedAt() == null || c.lastFailedAt() > c.lastCompletedAt())) {
            v.add(
                    Verdict.problem(
                            "the latest checkpoint of '"
                                    + name
                                    + "' failed ("
                                    + c.lastFailure()
                                    + ") after the last completed one at "
                                    + instant(c.lastCompletedAt())
                                    + ": output written since stays invisible to read_committed"
                                    + " consumers until one completes"));
            return;
        }
        v.add(
                Verdict.ok(
                        c.completed()
                                + " checkpoints of '"
                                + name
                                + "' completed, the last at "
                                + instant(c.lastCompletedAt())
                                + " ("
                                + Durations.format(
                                        Duration.ofMillis(
                                                Math.max(0, s.capturedAt() - c.lastCompletedAt())))
                                + " ago)"));
    }

    /** A duration as the options spell it, to the second (to the ms below one second). */
    static String human(long ms) {
        return Durations.format(ms < 1000 ? Duration.ofMillis(ms) : Duration.ofSeconds(ms / 1000));
    }

    static String instant(Long ms) {
        if (ms == null) return "never";
        if (ms == Long.MIN_VALUE) return "none";
        return Instant.ofEpochMilli(ms).toString();
    }
}
