package dev.eventflow.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.windowagg.Operators;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code window-aggregation} survives failures at the points of the two-phase commit where a bug
 * would lose or duplicate output: between a completed checkpoint and its commit, during a
 * checkpoint, and right after a restore (a failure while recovering from a failure). Each run: a
 * first batch is committed, the fault is armed, a second batch flows through the fault, the job
 * recovers through the suite's restart strategy ({@code --restart-backoff}) and the committed
 * output ({@code read_committed}) is compared window by window with the ground truth: nothing lost,
 * nothing twice.
 */
class FailurePointsITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    @BeforeEach
    @AfterEach
    void disarm() {
        CommitFault.reset();
        OperatorFault.reset();
    }

    @Test
    void aCheckpointCompletedButNotYetCommittedIsCommittedOnRestore() throws Exception {
        WindowRun run = new WindowRun(KAFKA);
        run.batch(61, 0, 30);
        JobClient job =
                run.start(
                        run.options(),
                        new Configuration(),
                        env -> CommitFault.install(env, Operators.SINK_RESULTS.uid(), true));
        try {
            run.awaitClosed(30);
            CommitFault.arm();
            run.batch(62, 30, 62);
            run.awaitClosed(62);
            job.cancel().get();

            assertThat(CommitFault.fired()).as("the commit was refused once").isTrue();
            // The restored committer committed exactly the refused transactions first: the
            // restore, not a later checkpoint, made them visible.
            assertThat(CommitFault.committedOnRestore())
                    .containsAll(CommitFault.refused())
                    .isNotEmpty();
            run.assertExact("between checkpoint completion and commit", WindowRun.closedUpTo(62));
        } finally {
            WindowRun.cancelQuietly(job);
        }
    }

    @Test
    void aFailureWhileTakingACheckpointLosesAndDuplicatesNothing() throws Exception {
        runWithOperatorFault(OperatorFault.Point.CHECKPOINT, false, "during a checkpoint", 63);
    }

    @Test
    void aSecondFailureRightAfterTheRestoreLosesAndDuplicatesNothing() throws Exception {
        runWithOperatorFault(
                OperatorFault.Point.RECORD, true, "mid-stream, then right after the restore", 65);
    }

    private void runWithOperatorFault(
            OperatorFault.Point point, boolean thenAfterRestore, String fault, long seed)
            throws Exception {
        WindowRun run = new WindowRun(KAFKA);
        run.batch(seed, 0, 30);
        JobClient job = run.start(run.options(), new Configuration(), env -> {});
        try {
            run.awaitClosed(30);
            OperatorFault.arm(point, thenAfterRestore);
            run.batch(seed + 1, 30, 62);
            run.awaitClosed(62);
            job.cancel().get();

            assertThat(OperatorFault.fired())
                    .as("injected failures")
                    .isEqualTo(thenAfterRestore ? 2 : 1);
            run.assertExact(fault, WindowRun.closedUpTo(62));
        } finally {
            WindowRun.cancelQuietly(job);
        }
    }
}
