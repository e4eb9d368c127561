package dev.eventflow.jobs.windowagg;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static dev.eventflow.jobs.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventflow.jobs.windowstats.WindowSpec;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Moving from per-window state to slices is an upgrade event. A savepoint of the earlier layout
 * (Flink's window operator under the same uid, one accumulator per window) cannot be turned into
 * slices, so the sliced operator refuses it at restore with a message that says what to do, on the
 * heap and on RocksDB; a savepoint whose windows had all fired carries nothing to convert and
 * restores.
 */
class WindowLayoutUpgradeTest {

    private static final WindowSpec SPEC = new WindowSpec(5 * MINUTE, MINUTE, 12);

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : null;
    }

    /** A checkpoint of the per-window layout, exactly as the earlier job graph wrote it. */
    private static OperatorSubtaskState[] perWindowCheckpoint(String backend, long watermark)
            throws Exception {
        try (WindowChain old =
                new WindowChain(
                        e -> NaiveWindowTopology.defineWorkflow(e, SPEC, Operators.WINDOW.uid()),
                        null,
                        backend(backend),
                        null)) {
            old.send(event("alice", "s1", at(2, 30)));
            old.send(event("bob", "s2", at(3, 10)));
            old.watermark(watermark);
            return old.checkpoint(1L);
        }
    }

    private static WindowChain sliced(String backend, OperatorSubtaskState[] restore)
            throws Exception {
        return new WindowChain(
                e -> WindowAggregationJob.defineWorkflow(e, SPEC), null, backend(backend), restore);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aSavepointWithOpenPerWindowStateIsRefusedWithInstructions(String backend)
            throws Exception {
        OperatorSubtaskState[] checkpoint = perWindowCheckpoint(backend, at(4, 0));
        assertThatThrownBy(() -> sliced(backend, checkpoint).close())
                .hasStackTraceContaining("per-window layout")
                .hasStackTraceContaining("Start this version WITHOUT the savepoint")
                .hasStackTraceContaining("--starting-offsets committed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aSavepointWhoseWindowsAllFiredRestores(String backend) throws Exception {
        OperatorSubtaskState[] checkpoint = perWindowCheckpoint(backend, at(10, 0));
        try (WindowChain restored = sliced(backend, checkpoint)) {
            restored.send(event("carol", "s3", at(12, 0)));
            restored.watermark(at(20, 0));
            assertThat(restored.rows()).hasSize(5); // carol's five windows
        }
    }
}
