package dev.eventflow.common.testing;

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
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(slots)
                        .build());
    }
}
