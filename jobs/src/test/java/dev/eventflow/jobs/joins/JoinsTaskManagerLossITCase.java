package dev.eventflow.jobs.joins;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.joins.JoinTestData.BOUND;
import static dev.eventflow.jobs.joins.JoinTestData.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.GuaranteeLedger;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.TaskManagerLoss;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stream-stream joins lose a TaskManager mid-stream and still write every joined row exactly
 * once. Two TaskManagers with one slot each run the job at parallelism 2, so each holds half of the
 * join state; the test terminates TaskManager 0 while the job runs (its tasks die without a final
 * checkpoint, as in a crash), starts a replacement (what a supervisor or Kubernetes does) and
 * produces the second half of the input during the outage. The job restores the last completed
 * checkpoint on the new slots, the uncommitted transaction of the lost tasks is aborted, and the
 * OUTPUT topic read with read_committed must equal a nested-loop join of all the input: nothing
 * lost, nothing duplicated, no row late.
 */
class JoinsTaskManagerLossITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = TaskManagerLoss.cluster();

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int PARTITIONS = 3;

    /** Impressions every 15 s from {@code fromMinute} for an hour, clicks as in JoinsITCase. */
    private static void generate(
            SplittableRandom r,
            String tag,
            long from,
            List<AdImpression> impressions,
            List<AdClick> clicks) {
        List<AdImpression> imps = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            imps.add(
                    new AdImpression(
                            tag + "-imp-" + i,
                            "u" + r.nextInt(20),
                            "ad-" + r.nextInt(5),
                            from + i * 15_000L));
        }
        List<AdClick> cls = new ArrayList<>();
        for (AdImpression imp : imps) {
            long delta =
                    switch (r.nextInt(6)) {
                        case 0 -> Long.MIN_VALUE; // never clicked
                        case 1 -> 0;
                        case 2 -> BOUND;
                        case 3 -> BOUND + 1;
                        case 4 -> -1_000;
                        default -> r.nextLong(BOUND);
                    };
            if (delta == Long.MIN_VALUE) continue;
            cls.add(
                    new AdClick(
                            "click-" + imp.impressionId(),
                            imp.impressionId(),
                            imp.userId(),
                            imp.eventTime() + delta));
        }
        for (int i = 0; i < 5; i++) {
            cls.add(new AdClick(tag + "-orphan-" + i, tag + "-none-" + i, "u0", from + i * MINUTE));
        }
        impressions.addAll(imps);
        clicks.addAll(cls);
    }

    private static String json(AdImpression m) {
        return String.format(
                "{\"impression_id\":\"%s\",\"user_id\":\"%s\",\"ad_id\":\"%s\",\"event_time\":\"%s\"}",
                m.impressionId(), m.userId(), m.adId(), Instant.ofEpochMilli(m.eventTime()));
    }

    private static String json(AdClick c) {
        return String.format(
                "{\"click_id\":\"%s\",\"impression_id\":\"%s\",\"user_id\":\"%s\",\"event_time\":%d}",
                c.clickId(), c.impressionId(), c.userId(), c.eventTime());
    }

    /** Each partition of each topic in event-time order, so that no row is ever late. */
    private static void produce(
            String impressionsTopic,
            String clicksTopic,
            List<AdImpression> impressions,
            List<AdClick> clicks) {
        List<ProducerRecord<byte[], byte[]>> imps = new ArrayList<>();
        List<AdImpression> sortedImps = new ArrayList<>(impressions);
        sortedImps.sort((a, b) -> Long.compare(a.eventTime(), b.eventTime()));
        for (int i = 0; i < sortedImps.size(); i++) {
            AdImpression m = sortedImps.get(i);
            imps.add(
                    JoinsITCase.record(
                            impressionsTopic, i % PARTITIONS, m.impressionId(), json(m)));
        }
        KAFKA.client().produce(impressionsTopic, imps);
        List<ProducerRecord<byte[], byte[]>> cls = new ArrayList<>();
        List<AdClick> sortedClicks = new ArrayList<>(clicks);
        sortedClicks.sort((a, b) -> Long.compare(a.eventTime(), b.eventTime()));
        for (int i = 0; i < sortedClicks.size(); i++) {
            AdClick c = sortedClicks.get(i);
            cls.add(JoinsITCase.record(clicksTopic, i % PARTITIONS, c.impressionId(), json(c)));
        }
        KAFKA.client().produce(clicksTopic, cls);
    }

    @ParameterizedTest
    @EnumSource(
            value = JoinMode.class,
            names = {"INTERVAL", "LEFT_OUTER", "FULL_OUTER"})
    void losingATaskManagerMidStreamLosesAndDuplicatesNoJoinedRow(
            JoinMode mode, @InjectMiniCluster MiniCluster cluster) throws Exception {
        String impressionsTopic = KAFKA.uniqueTopic("ad-impressions", PARTITIONS);
        String clicksTopic = KAFKA.uniqueTopic("ad-clicks", PARTITIONS);
        String output = KAFKA.uniqueTopic("joined-ad-clicks", 2);
        String late = KAFKA.uniqueTopic("late-ad-rows", 1);
        SplittableRandom r = new SplittableRandom(mode.ordinal() + 11);

        List<AdImpression> impressions = new ArrayList<>();
        List<AdClick> clicks = new ArrayList<>();
        generate(r, "a", at(0, 0), impressions, clicks);
        produce(impressionsTopic, clicksTopic, impressions, clicks);

        ParsedOptions o =
                JoinsOptions.optionSet()
                        .parse(
                                KAFKA.jobArgs(output)
                                        .with("--mode", Option.spell(mode))
                                        .with("--impressions-topic", impressionsTopic)
                                        .with("--clicks-topic", clicksTopic)
                                        .with("--output-topic", output)
                                        .with("--late-topic", late)
                                        .with("--dlq-topic", KAFKA.uniqueTopic("ad-dlq", 1))
                                        .with("--join-bound", "10m")
                                        .with("--watermark-delay", "1m")
                                        .with("--idleness", "0s")
                                        .with("--parallelism", 2)
                                        .with("--restart-backoff", "200ms")
                                        .with(
                                                "--state-backend",
                                                mode == JoinMode.INTERVAL ? "hashmap" : "rocksdb")
                                        .toArray());
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, JoinsJob.NAME, RuntimeExecutionMode.STREAMING);
        new JoinsJob().buildPipeline(env, o);
        JobClient job = env.executeAsync(JoinsJob.NAME);
        try {
            KAFKA.client().awaitRecords(output, rows -> rows.size() >= 20, WAIT);

            // A TaskManager dies mid-stream; a replacement comes up; input keeps arriving.
            TaskManagerLoss.killOneAndReplace(cluster);
            List<AdImpression> more = new ArrayList<>();
            List<AdClick> moreClicks = new ArrayList<>();
            // Starts after the first hour's last click (up to bound + 1 ms past 10:59:45), so each
            // partition stays in event-time order.
            generate(r, "b", at(90, 0), more, moreClicks);
            // Matched pins past the last row's bound and delay on every partition: the watermark
            // passes every real row, so every outer row is final.
            long pinTime = at(150, 0) + BOUND + 2 * MINUTE;
            for (int p = 0; p < PARTITIONS; p++) {
                more.add(new AdImpression("pin-" + p, "u0", "ad-0", pinTime + p));
                moreClicks.add(new AdClick("pin-click-" + p, "pin-" + p, "u0", pinTime + p));
            }
            produce(impressionsTopic, clicksTopic, more, moreClicks);
            impressions.addAll(more);
            clicks.addAll(moreClicks);

            List<JoinedRow> expected =
                    JoinTestData.nestedLoopJoin(
                            impressions,
                            clicks,
                            BOUND,
                            mode != JoinMode.INTERVAL,
                            mode == JoinMode.FULL_OUTER);
            KAFKA.client().awaitRecords(output, rows -> rows.size() >= expected.size(), WAIT);
            assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
            boolean restarted = TaskManagerLoss.restarted(cluster, job.getJobID());
            job.cancel().get(30, TimeUnit.SECONDS);

            List<JoinedRow> rows =
                    KAFKA.client().readCommitted(output, WAIT).stream()
                            .map(JoinsITCase::parseRow)
                            .toList();
            GuaranteeLedger.Count count =
                    GuaranteeLedger.record(
                            getClass(),
                            "joins (" + Option.spell(mode) + ")",
                            "TaskManager lost mid-stream",
                            1,
                            GuaranteeLedger.compare(expected, rows));
            assertThat(restarted).as("the job went through a restart").isTrue();
            if (count.lost() + count.duplicated() > 0) {
                List<JoinedRow> missing = new ArrayList<>(expected);
                rows.forEach(missing::remove);
                List<JoinedRow> extra = new ArrayList<>(rows);
                expected.forEach(extra::remove);
                System.err.println("MISSING " + missing + "\nEXTRA " + extra);
            }
            assertThat(count.lost()).isZero();
            assertThat(count.duplicated()).isZero();
            assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(KAFKA.client().readCommitted(late, WAIT)).as("nothing late").isEmpty();
        } finally {
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception alreadyGone) {
                // cancelled above
            }
        }
    }
}
