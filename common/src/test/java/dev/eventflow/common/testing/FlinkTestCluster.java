package dev.eventflow.common.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The Flink MiniCluster every integration test uses: one TaskManager in the test's JVM, shared by
 * the test class.
 *
 * <pre>
 * &#64;RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);
 * </pre>
 */
public final class FlinkTestCluster {

    private FlinkTestCluster() {}

    public static MiniClusterExtension withSlots(int slots) {
        return withSlots(slots, new Configuration());
    }

    /**
     * As {@link #withSlots(int)}, with cluster settings (those a job cannot set for itself, e.g.
     * {@code execution.checkpointing.num-retained}).
     */
    public static MiniClusterExtension withSlots(int slots, Configuration cluster) {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setConfiguration(cluster)
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(slots)
                        .build());
    }
}
