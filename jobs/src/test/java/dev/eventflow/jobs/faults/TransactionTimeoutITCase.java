package dev.eventflow.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.kafka.GuardedKafkaSink;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.windowagg.Operators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downtime longer than {@code --transaction-timeout}, between a completed checkpoint and its
 * commit: the broker aborts the checkpoint's pre-committed transactions, and the restored job can
 * no longer commit them while its source offsets are already past their records.
 *
 * <p>The downtime is real time on the broker: the job goes down right after checkpoint N completed
 * (every committer fails before committing N, {@link CommitFault#armUntilRestore}) and the suite's
 * restart strategy holds the restart for {@code --restart-backoff 4s}, twice the 2 s transaction
 * timeout; the broker's abort of timed-out transactions runs every 500 ms here.
 *
 * <ul>
 *   <li>Flink's KafkaSink alone logs an error, drops the transactions and goes on: the test shows
 *       the windows of checkpoint N missing from the output for good.
 *   <li>The suite's {@link GuardedKafkaSink} fails the job without restarting, naming the
 *       transaction, the checkpoint, the timeout and the recovery; restoring from the retained
 *       checkpoint before N writes the lost windows, and the output is exact.
 * </ul>
 */
class TransactionTimeoutITCase {

    @RegisterExtension
    static final KafkaExtension KAFKA =
            new KafkaExtension(
                    Map.of("transaction.abort.timed.out.transaction.cleanup.interval.ms", "500"));

    /** Keeps the checkpoint before the latest, as the suite's cluster configs do. */
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            FlinkTestCluster.withSlots(
                    4, Configuration.fromMap(Map.of("execution.checkpointing.num-retained", "2")));

    private static final Pattern RESTORED = Pattern.compile("of checkpoint (\\d+) \\(restored\\)");

    @TempDir Path checkpoints;

    @BeforeEach
    @AfterEach
    void disarm() {
        CommitFault.reset();
        OperatorFault.reset();
    }

    private String[] options() {
        return new String[] {
            "--transaction-timeout", "2s",
            "--restart-backoff", "4s",
            "--restart-max-backoff", "4s",
            "--checkpoint-dir", checkpoints.toUri().toString()
        };
    }

    @Test
    void flinksKafkaSinkAloneLosesTheAbortedTransactionsSilently() throws Exception {
        WindowRun run = new WindowRun(KAFKA);
        run.batch(71, 0, 30);
        JobClient job =
                run.start(
                        run.options(options()),
                        new Configuration(),
                        env -> CommitFault.install(env, Operators.SINK_RESULTS.uid(), false));
        try {
            run.awaitClosed(30);
            CommitFault.armUntilRestore();
            run.batch(72, 30, 62);
            run.repinAfter(CommitFault::fired, 62);
            // The restored committers hand the aborted transactions to Flink's committer, which
            // logs an error and drops them ...
            long deadline = System.nanoTime() + WindowRun.WAIT.toNanos();
            while (CommitFault.committedOnRestore().isEmpty()) {
                assertThat(System.nanoTime() - deadline).as("the restore").isNegative();
                Thread.onSpinWait();
            }
            // ... and the job rides on: a third batch's windows all arrive ...
            run.batch(75, 62, 94);
            run.awaitClosedBetween(62, 94);
            job.cancel().get();
            assertThat(CommitFault.fired()).isTrue();

            // ... but those of the aborted transactions never do.
            WindowRun.Tally t = run.tally(WindowRun.closedUpTo(94), false);
            assertThat(t.duplicated()).isZero();
            assertThat(t.lost()).as("windows lost with Flink's KafkaSink alone").isPositive();
            System.out.println(
                    "FAULT downtime > transaction timeout, Flink's KafkaSink alone: " + t);
        } finally {
            WindowRun.cancelQuietly(job);
        }
    }

    @Test
    void theGuardedSinkFailsLoudlyAndTheCheckpointBeforeRecoversEveryWindowOnce() throws Exception {
        WindowRun run = new WindowRun(KAFKA);
        run.batch(73, 0, 30);
        JobClient job =
                run.start(
                        run.options(options()),
                        new Configuration(),
                        env -> CommitFault.install(env, Operators.SINK_RESULTS.uid(), true));
        Throwable failure;
        try {
            run.awaitClosed(30);
            CommitFault.armUntilRestore();
            run.batch(74, 30, 62);
            run.repinAfter(CommitFault::fired, 62);
            // One restart (after the 6 s backoff), then the job fails for good: no retry loop.
            ExecutionException e =
                    org.junit.jupiter.api.Assertions.assertThrows(
                            ExecutionException.class,
                            () -> job.getJobExecutionResult().get(60, TimeUnit.SECONDS));
            failure = e;
        } finally {
            WindowRun.cancelQuietly(job);
        }
        assertThat(CommitFault.fired()).isTrue();
        Optional<GuardedKafkaSink.LostTransactionException> lost =
                ExceptionUtils.findThrowable(
                        failure, GuardedKafkaSink.LostTransactionException.class);
        assertThat(lost).as("the job failed on the lost transaction").isPresent();
        String message = lost.get().getMessage();
        assertThat(message)
                .contains("window-aggregation sink out")
                .contains("--transaction-timeout (2000 ms)")
                .contains("restore from the retained checkpoint BEFORE checkpoint")
                .containsAnyOf(CommitFault.refused().toArray(String[]::new));

        // Nothing committed since checkpoint N: the windows of its transactions are missing.
        long end = WindowRun.closedUpTo(62);
        assertThat(run.tally(end, false).lost()).isPositive();

        // The recovery the message names: the retained checkpoint before N.
        Matcher m = RESTORED.matcher(message);
        assertThat(m.find()).as(message).isTrue();
        long n = Long.parseLong(m.group(1));
        Path before = checkpointBefore(checkpoints.resolve(job.getJobID().toHexString()), n);
        Configuration restore = new Configuration();
        restore.setString("execution.state-recovery.path", before.toUri().toString());
        JobClient recovered = run.start(run.options(options()), restore, env -> {});
        try {
            run.awaitClosed(62);
            recovered.cancel().get();
            run.assertExact(
                    getClass(),
                    "downtime longer than --transaction-timeout (fails loudly, restored from the"
                            + " checkpoint before)",
                    1,
                    end);
        } finally {
            WindowRun.cancelQuietly(recovered);
        }
    }

    /** The newest retained checkpoint older than {@code n}. */
    private static Path checkpointBefore(Path jobDir, long n) throws Exception {
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("chk-"))
                    .filter(d -> Files.exists(d.resolve("_metadata")))
                    .filter(d -> id(d) < n)
                    .max((a, b) -> Long.compare(id(a), id(b)))
                    .orElseThrow(
                            () ->
                                    new AssertionError(
                                            "no retained checkpoint before "
                                                    + n
                                                    + " in "
                                                    + jobDir));
        }
    }

    private static long id(Path chk) {
        return Long.parseLong(chk.getFileName().toString().substring("chk-".length()));
    }
}
