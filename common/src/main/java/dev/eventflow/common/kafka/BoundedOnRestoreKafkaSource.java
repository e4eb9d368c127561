package dev.eventflow.common.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;

/**
 * A bounded {@link KafkaSource} that also bounds the splits it gets back from a savepoint.
 *
 * <p>Why: a split records its stopping offset when the enumerator creates it, and the split is then
 * checkpointed with it. A job that ran unbounded (v1) checkpoints splits with no stopping offset;
 * restoring a {@code --bounded} job (v2) from that savepoint hands the reader those very splits, so
 * the v2 job would read forever although the source says it is bounded. This wrapper gives every
 * split that arrives without a stopping offset the stopping offset "latest" (the end offsets the
 * reader sees when it takes the split), which is what {@code --bounded} means for a fresh start
 * too. Splits that already carry a stopping offset are left alone. Everything else is the wrapped
 * source's own behaviour (same split and enumerator serializers, so savepoints are interchangeable
 * with a plain {@code KafkaSource}).
 */
public final class BoundedOnRestoreKafkaSource<T>
        implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    private final KafkaSource<T> delegate;

    public BoundedOnRestoreKafkaSource(KafkaSource<T> delegate) {
        if (delegate.getBoundedness() != Boundedness.BOUNDED) {
            throw new IllegalArgumentException("the wrapped KafkaSource must be bounded");
        }
        this.delegate = delegate;
    }

    /** The split as the bounded reader must see it: a stopping offset, "latest" if it had none. */
    static KafkaPartitionSplit bounded(KafkaPartitionSplit split) {
        if (split.getStoppingOffset().isPresent()) return split;
        return new KafkaPartitionSplit(
                split.getTopicPartition(),
                split.getStartingOffset(),
                KafkaPartitionSplit.LATEST_OFFSET);
    }

    @Override
    public Boundedness getBoundedness() {
        return delegate.getBoundedness();
    }

    @Override
    public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context)
            throws Exception {
        return new Reader<>(delegate.createReader(context));
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) {
        return delegate.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state)
            throws java.io.IOException {
        WatchedContext watched = new WatchedContext(context);
        return new RestoredEnumerator(delegate.restoreEnumerator(watched, state), watched);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return delegate.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return delegate.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return delegate.getProducedType();
    }

    /** The Kafka reader, with stopping offsets applied to every split it is given. */
    static final class Reader<T> implements SourceReader<T, KafkaPartitionSplit> {
        private final SourceReader<T, KafkaPartitionSplit> reader;

        Reader(SourceReader<T, KafkaPartitionSplit> reader) {
            this.reader = reader;
        }

        @Override
        public void addSplits(List<KafkaPartitionSplit> splits) {
            List<KafkaPartitionSplit> bounded = new ArrayList<>(splits.size());
            for (KafkaPartitionSplit s : splits) bounded.add(bounded(s));
            reader.addSplits(bounded);
        }

        @Override
        public void start() {
            reader.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            return reader.pollNext(output);
        }

        @Override
        public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
            return reader.snapshotState(checkpointId);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return reader.isAvailable();
        }

        @Override
        public void notifyNoMoreSplits() {
            reader.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent event) {
            reader.handleSourceEvents(event);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            reader.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            reader.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void pauseOrResumeSplits(
                Collection<String> splitsToPause, Collection<String> splitsToResume) {
            reader.pauseOrResumeSplits(splitsToPause, splitsToResume);
        }

        @Override
        public void close() throws Exception {
            reader.close();
        }
    }

    /**
     * The enumerator's context, watching the first one-off asynchronous call (the initial partition
     * discovery): if its handler schedules no follow-up (no new partition to initialise), the
     * restored enumerator will never signal the end of splits, so this does.
     */
    static final class WatchedContext implements SplitEnumeratorContext<KafkaPartitionSplit> {
        private final SplitEnumeratorContext<KafkaPartitionSplit> context;
        private int oneOffCalls;
        private boolean noMoreSplits;

        WatchedContext(SplitEnumeratorContext<KafkaPartitionSplit> context) {
            this.context = context;
        }

        @Override
        public <R> void callAsync(Callable<R> callable, BiConsumer<R, Throwable> handler) {
            boolean initialDiscovery = oneOffCalls++ == 0;
            if (!initialDiscovery) {
                context.callAsync(callable, handler);
                return;
            }
            context.callAsync(
                    callable,
                    (result, error) -> {
                        int before = oneOffCalls;
                        handler.accept(result, error);
                        if (error == null && oneOffCalls == before && !noMoreSplits) {
                            noMoreSplits = true;
                            context.registeredReaders()
                                    .keySet()
                                    .forEach(context::signalNoMoreSplits);
                        }
                    });
        }

        /** True once this context signalled "no more splits" on the enumerator's behalf. */
        boolean signalledNoMoreSplits() {
            return noMoreSplits;
        }

        @Override
        public <R> void callAsync(
                Callable<R> callable,
                BiConsumer<R, Throwable> handler,
                long initialDelayMs,
                long periodMs) {
            context.callAsync(callable, handler, initialDelayMs, periodMs);
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
            context.signalNoMoreSplits(subtask);
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            return context.metricGroup();
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
            context.sendEventToSourceReader(subtaskId, event);
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, int attemptNumber, SourceEvent event) {
            context.sendEventToSourceReader(subtaskId, attemptNumber, event);
        }

        @Override
        public int currentParallelism() {
            return context.currentParallelism();
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return context.registeredReaders();
        }

        @Override
        public Map<Integer, Map<Integer, ReaderInfo>> registeredReadersOfAttempts() {
            return context.registeredReadersOfAttempts();
        }

        @Override
        public void assignSplits(SplitsAssignment<KafkaPartitionSplit> newSplitAssignments) {
            context.assignSplits(newSplitAssignments);
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            context.runInCoordinatorThread(runnable);
        }

        @Override
        public void setIsProcessingBacklog(boolean isProcessingBacklog) {
            context.setIsProcessingBacklog(isProcessingBacklog);
        }
    }

    /**
     * The restored Kafka enumerator; readers that register after the end was signalled get it too.
     */
    static final class RestoredEnumerator
            implements SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> {
        private final SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> enumerator;
        private final WatchedContext context;

        RestoredEnumerator(
                SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> enumerator,
                WatchedContext context) {
            this.enumerator = enumerator;
            this.context = context;
        }

        @Override
        public void addReader(int subtaskId) {
            enumerator.addReader(subtaskId);
            if (context.signalledNoMoreSplits()) context.signalNoMoreSplits(subtaskId);
        }

        @Override
        public void start() {
            enumerator.start();
        }

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {
            enumerator.handleSplitRequest(subtaskId, requesterHostname);
        }

        @Override
        public void addSplitsBack(List<KafkaPartitionSplit> splits, int subtaskId) {
            enumerator.addSplitsBack(splits, subtaskId);
        }

        @Override
        public KafkaSourceEnumState snapshotState(long checkpointId) throws Exception {
            return enumerator.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            enumerator.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void handleSourceEvent(int subtaskId, SourceEvent event) {
            enumerator.handleSourceEvent(subtaskId, event);
        }

        @Override
        public void close() throws java.io.IOException {
            enumerator.close();
        }
    }
}
