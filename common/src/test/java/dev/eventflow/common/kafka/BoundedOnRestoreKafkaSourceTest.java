package dev.eventflow.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The two fixes of {@link BoundedOnRestoreKafkaSource}, without a broker: restored splits get a
 * stopping offset, and the restored enumerator's first discovery ending without a change signals
 * the end of splits to the readers (the end-to-end proof is the savepoint upgrade ITCase in jobs).
 */
class BoundedOnRestoreKafkaSourceTest {

    private static final TopicPartition TP = new TopicPartition("events", 0);

    @Test
    void aRestoredSplitWithoutStoppingOffsetStopsAtTheLatestOffset() {
        KafkaPartitionSplit restored = new KafkaPartitionSplit(TP, 42);
        KafkaPartitionSplit bounded = BoundedOnRestoreKafkaSource.bounded(restored);
        assertThat(bounded.getStartingOffset()).isEqualTo(42);
        assertThat(bounded.getStoppingOffset()).contains(KafkaPartitionSplit.LATEST_OFFSET);

        KafkaPartitionSplit alreadyBounded = new KafkaPartitionSplit(TP, 42, 100);
        assertThat(BoundedOnRestoreKafkaSource.bounded(alreadyBounded)).isSameAs(alreadyBounded);
    }

    @Test
    void onlyBoundedSourcesAreWrapped() {
        KafkaSource<String> unbounded =
                KafkaSource.<String>builder()
                        .setBootstrapServers("localhost:9092")
                        .setTopics("events")
                        .setValueOnlyDeserializer(new SimpleStringSchema())
                        .build();
        assertThat(KafkaSources.boundedOnRestore(unbounded)).isSameAs(unbounded);
        assertThatThrownBy(() -> new BoundedOnRestoreKafkaSource<>(unbounded))
                .isInstanceOf(IllegalArgumentException.class);

        KafkaSource<String> bounded =
                KafkaSource.<String>builder()
                        .setBootstrapServers("localhost:9092")
                        .setTopics("events")
                        .setValueOnlyDeserializer(new SimpleStringSchema())
                        .setBounded(OffsetsInitializer.latest())
                        .build();
        assertThat(KafkaSources.boundedOnRestore(bounded))
                .isInstanceOf(BoundedOnRestoreKafkaSource.class);
    }

    @Test
    void anInitialDiscoveryWithoutChangeSignalsTheEndToEveryReaderNowAndLater() throws Exception {
        FakeContext fake = new FakeContext(0, 1);
        BoundedOnRestoreKafkaSource.WatchedContext watched =
                new BoundedOnRestoreKafkaSource.WatchedContext(fake);
        // The restored enumerator's first discovery: its handler finds nothing new and returns.
        watched.callAsync(() -> "no change", (result, error) -> {});
        fake.runPending();
        assertThat(fake.noMoreSplits).containsExactlyInAnyOrder(0, 1);
        assertThat(watched.signalledNoMoreSplits()).isTrue();
    }

    @Test
    void anInitialDiscoveryThatFindsPartitionsLeavesTheSignalToTheEnumerator() throws Exception {
        FakeContext fake = new FakeContext(0);
        BoundedOnRestoreKafkaSource.WatchedContext watched =
                new BoundedOnRestoreKafkaSource.WatchedContext(fake);
        // New partitions: the handler schedules their initialisation, whose handler signals itself.
        watched.callAsync(
                () -> "new partition",
                (result, error) -> watched.callAsync(() -> "splits", (r, e) -> {}));
        fake.runPending();
        assertThat(fake.noMoreSplits).isEmpty();
        assertThat(watched.signalledNoMoreSplits()).isFalse();
    }

    /** Runs async calls when asked, records signals; registered readers fixed at construction. */
    private static final class FakeContext implements SplitEnumeratorContext<KafkaPartitionSplit> {
        final Map<Integer, ReaderInfo> readers = new HashMap<>();
        final List<Integer> noMoreSplits = new ArrayList<>();
        final List<Runnable> pending = new ArrayList<>();

        FakeContext(int... subtasks) {
            for (int s : subtasks) readers.put(s, new ReaderInfo(s, "localhost"));
        }

        void runPending() {
            while (!pending.isEmpty()) pending.remove(0).run();
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
            pending.add(
                    () -> {
                        try {
                            handler.accept(callable.call(), null);
                        } catch (Exception e) {
                            handler.accept(null, e);
                        }
                    });
        }

        @Override
        public <T> void callAsync(
                Callable<T> callable, BiConsumer<T, Throwable> handler, long delay, long period) {
            throw new UnsupportedOperationException("not periodic in a bounded run");
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
            noMoreSplits.add(subtask);
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return readers;
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            return null;
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, SourceEvent event) {}

        @Override
        public int currentParallelism() {
            return readers.size();
        }

        @Override
        public void assignSplits(SplitsAssignment<KafkaPartitionSplit> assignment) {}

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            runnable.run();
        }
    }
}
