package dev.eventflow.jobs;

import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * Losing a TaskManager, in a MiniCluster: the fault the local-cluster script injects with {@code
 * kill -9}, in the test's JVM. The cluster has two TaskManagers with one slot each, so a job at
 * parallelism 2 has a subtask of every operator, and half of its state, on each. {@link
 * #killOneAndReplace} terminates the older live TaskManager (its tasks die without a final
 * checkpoint) and starts a replacement, as a supervisor or Kubernetes would; the job restores its
 * last completed checkpoint on the new slot.
 *
 * <pre>{@code
 * @RegisterExtension static final MiniClusterExtension FLINK = TaskManagerLoss.cluster();
 * @Test void test(@InjectMiniCluster MiniCluster cluster) { ... TaskManagerLoss.killOneAndReplace(cluster); ... }
 * }</pre>
 */
public final class TaskManagerLoss {

    /**
     * TaskManagers started so far per cluster; the MiniCluster indexes them, dead ones included.
     */
    private static final Map<MiniCluster, Integer> STARTED = new WeakHashMap<>();

    private TaskManagerLoss() {}

    /**
     * Two TaskManagers with one slot each; a dead one is noticed by missed heartbeats (every
     * second, dead after five; Flink's defaults are 10 s and 50 s), as a crashed process would be.
     */
    public static MiniClusterExtension cluster() {
        Configuration c = new Configuration();
        c.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
        c.set(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT, Duration.ofSeconds(5));
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(2)
                        .setNumberSlotsPerTaskManager(1)
                        .setConfiguration(c)
                        .build());
    }

    /** Terminates the older of the two live TaskManagers and starts a replacement. */
    public static synchronized void killOneAndReplace(MiniCluster cluster) throws Exception {
        int started = STARTED.getOrDefault(cluster, 2);
        cluster.terminateTaskManager(started - 2).get(60, TimeUnit.SECONDS);
        cluster.startTaskManager();
        STARTED.put(cluster, started + 1);
    }

    /** Whether the job has been through a restart (a failover) since it was submitted. */
    public static boolean restarted(MiniCluster cluster, JobID job) throws Exception {
        return cluster.getExecutionGraph(job)
                        .get(10, TimeUnit.SECONDS)
                        .getStatusTimestamp(JobStatus.RESTARTING)
                > 0;
    }
}
