package dev.eventflow.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint storage ({@code --checkpoint-dir}, a local directory here) becomes unusable
 * mid-run and comes back. Running as root, a permission change would not stop writes, so the
 * directory is moved away and a regular file put in its place: every new checkpoint then fails to
 * create its directory, and a restore cannot read the last one.
 *
 * <p>What must hold: the failures are reported (Flink's failed-checkpoint count, the {@code
 * numberOfFailedCheckpoints} metric the suite's {@code EventflowCheckpointFailures} alert watches,
 * read here from the REST API that serves the same statistics); nothing is committed while no
 * checkpoint succeeds, and what was committed before stays exact; once the directory is back the
 * job (after {@code --tolerable-checkpoint-failures} failures in a row, restarted by the suite's
 * restart strategy, restore attempts failing until then) recovers and the final output is exact.
 */
class CheckpointStorageITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir Path tmp;

    @BeforeEach
    @AfterEach
    void disarm() {
        CommitFault.reset();
        OperatorFault.reset();
    }

    @Test
    void anUnusableCheckpointDirectoryIsReportedCommitsNothingAndTheJobRecoversWhenItIsBack(
            @InjectClusterRESTAddress URI rest) throws Exception {
        Path dir = tmp.resolve("checkpoints");
        Path away = tmp.resolve("checkpoints.away");
        Files.createDirectories(dir);
        WindowRun run = new WindowRun(KAFKA);
        run.batch(81, 0, 30);
        JobClient job =
                run.start(
                        run.options(
                                "--checkpoint-dir",
                                dir.toUri().toString(),
                                "--restart-max-backoff",
                                "2s"),
                        new Configuration(),
                        env -> {});
        try {
            run.awaitClosed(30);
            long failedBefore = failedCheckpoints(rest, job.getJobID());

            // Storage gone: the directory moved away, a regular file in its place.
            Files.move(dir, away);
            Files.writeString(dir, "not a directory");
            run.batch(82, 30, 62);
            long deadline = System.nanoTime() + WindowRun.WAIT.toNanos();
            while (failedCheckpoints(rest, job.getJobID()) <= failedBefore) {
                assertThat(System.nanoTime() - deadline).as("a failed checkpoint").isNegative();
                Thread.onSpinWait();
            }
            // Nothing new is committed without a checkpoint: the output is still batch 1's
            // windows, each once.
            WindowRun.Tally during = run.tally(WindowRun.closedUpTo(30), false);
            assertThat(during.lost()).isZero();
            assertThat(during.duplicated()).isZero();
            int committedDuring = during.checked();

            // Storage back.
            Files.delete(dir);
            Files.move(away, dir);
            run.awaitClosed(62);
            job.cancel().get();

            WindowRun.Tally t =
                    run.assertExact(
                            getClass(),
                            "checkpoint storage unusable mid-run, then back",
                            1,
                            WindowRun.closedUpTo(62));
            assertThat(t.checked()).isGreaterThan(committedDuring);
            System.out.println(
                    "FAULT checkpoint storage: failed checkpoints reported "
                            + (failedCheckpoints(rest, job.getJobID()) - failedBefore)
                            + ", committed while broken "
                            + committedDuring);
        } finally {
            WindowRun.cancelQuietly(job);
        }
    }

    /** The job's failed-checkpoint count, as the REST API reports it. */
    private static long failedCheckpoints(URI rest, JobID job) throws Exception {
        HttpResponse<String> r =
                HTTP.send(
                        HttpRequest.newBuilder(rest.resolve("/jobs/" + job + "/checkpoints"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) return -1; // the job is between attempts
        JsonNode counts = MAPPER.readTree(r.body()).path("counts");
        return counts.path("failed").asLong(-1);
    }
}
