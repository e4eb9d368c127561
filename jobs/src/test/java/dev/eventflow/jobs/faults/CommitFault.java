package dev.eventflow.jobs.faults;

import dev.eventflow.common.kafka.GuardedKafkaSink;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;
import org.apache.flink.streaming.api.transformations.SinkTransformation;

/**
 * Failure injection at the one point no operator of the job can reach: after a checkpoint has
 * completed and before the Kafka sink's committer has committed that checkpoint's transactions.
 *
 * <p>Flink commits in {@code CommitterOperator.notifyCheckpointComplete}, and {@code
 * OperatorChain.notifyCheckpointComplete} notifies every operator of a chain even when one of them
 * throws, so a failing neighbour operator cannot stop the commit; and a failure in another task
 * races with it. The only deterministic place is the committer itself. So, after a job's pipeline
 * is built, {@link #install} replaces the suite's sink of one operator (by uid) with a wrapper that
 * keeps everything of it (writer, state, serializers, post-commit topology: the job graph is the
 * same) and whose committer, once {@link #arm armed}, throws before its first commit of a
 * checkpoint with records: the task fails with that checkpoint completed and its transactions open,
 * exactly like a TaskManager lost at that instant. Everything it refuses and everything committed
 * on the next restore is recorded, so a test can check that the restore committed precisely those.
 *
 * <p>State is static: the MiniCluster runs in the test's JVM, so it survives the job's restarts.
 */
final class CommitFault {

    private static final AtomicBoolean ARMED = new AtomicBoolean();
    private static final AtomicBoolean FIRED = new AtomicBoolean();
    private static volatile boolean untilRestore;
    private static final Set<String> REFUSED = ConcurrentHashMap.newKeySet();
    private static final Set<String> COMMITTED_ON_RESTORE = ConcurrentHashMap.newKeySet();

    private CommitFault() {}

    static void reset() {
        ARMED.set(false);
        FIRED.set(false);
        untilRestore = false;
        REFUSED.clear();
        COMMITTED_ON_RESTORE.clear();
    }

    /**
     * The next commit (of a checkpoint with records) of the faulty sink fails, once; other subtasks
     * may commit their part of that checkpoint before the failure reaches them.
     */
    static void arm() {
        FIRED.set(false);
        untilRestore = false;
        ARMED.set(true);
    }

    /**
     * Every subtask's committer fails at its next commit of a checkpoint with records, until the
     * job restores: that checkpoint completes and none of its transactions is committed, as when
     * the whole job goes down right after a checkpoint.
     */
    static void armUntilRestore() {
        FIRED.set(false);
        untilRestore = true;
        ARMED.set(true);
    }

    static boolean fired() {
        return FIRED.get();
    }

    /** Transactional ids whose commit the fault refused. */
    static Set<String> refused() {
        return Set.copyOf(REFUSED);
    }

    /**
     * Transactional ids a committer restored from a checkpoint handed to the connector's committer
     * first (those of the restored checkpoint), and which it did not refuse by throwing.
     */
    static Set<String> committedOnRestore() {
        return Set.copyOf(COMMITTED_ON_RESTORE);
    }

    /**
     * Replaces the sink with operator uid {@code uid} by the faulty one; {@code guarded=false} also
     * removes the suite's {@link GuardedKafkaSink} from it (Flink's own KafkaSink behaviour).
     */
    static void install(StreamExecutionEnvironment env, String uid, boolean guarded) {
        for (Transformation<?> t : env.getTransformations()) {
            if (t instanceof SinkTransformation<?, ?> sink && uid.equals(t.getUid())) {
                replaceSink(sink, new FaultySink<>((GuardedKafkaSink<?>) sink.getSink(), guarded));
                return;
            }
        }
        throw new IllegalArgumentException("no sink with uid " + uid);
    }

    private static void replaceSink(SinkTransformation<?, ?> t, Sink<?> sink) {
        try {
            Field f = SinkTransformation.class.getDeclaredField("sink");
            f.setAccessible(true);
            f.set(t, sink);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot replace the sink of " + t, e);
        }
    }

    /** The suite's sink (or the plain KafkaSink inside it), with a faulty committer. */
    static final class FaultySink<IN>
            implements LineageVertexProvider,
                    TwoPhaseCommittingStatefulSink<IN, KafkaWriterState, KafkaCommittable>,
                    SupportsPostCommitTopology<KafkaCommittable> {
        private static final long serialVersionUID = 1L;

        private final GuardedKafkaSink<IN> guardedSink;
        private final boolean guarded;

        @SuppressWarnings("unchecked")
        FaultySink(GuardedKafkaSink<?> sink, boolean guarded) {
            this.guardedSink = (GuardedKafkaSink<IN>) sink;
            this.guarded = guarded;
        }

        @Override
        public PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> createWriter(
                WriterInitContext context) throws IOException {
            return guardedSink.createWriter(context);
        }

        @Override
        public PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable>
                restoreWriter(WriterInitContext context, Collection<KafkaWriterState> recovered)
                        throws IOException {
            return guardedSink.restoreWriter(context, recovered);
        }

        @Override
        public SimpleVersionedSerializer<KafkaWriterState> getWriterStateSerializer() {
            return guardedSink.getWriterStateSerializer();
        }

        @Override
        public Committer<KafkaCommittable> createCommitter(CommitterInitContext context)
                throws IOException {
            Committer<KafkaCommittable> real =
                    guarded
                            ? guardedSink.createCommitter(context)
                            : guardedSink.delegate().createCommitter(context);
            boolean restored = context.getRestoredCheckpointId().isPresent();
            if (restored && untilRestore) ARMED.set(false);
            return new FaultyCommitter(real, restored);
        }

        @Override
        public SimpleVersionedSerializer<KafkaCommittable> getCommittableSerializer() {
            return guardedSink.getCommittableSerializer();
        }

        @Override
        public void addPostCommitTopology(DataStream<CommittableMessage<KafkaCommittable>> c) {
            guardedSink.addPostCommitTopology(c);
        }

        @Override
        public LineageVertex getLineageVertex() {
            return guardedSink.getLineageVertex();
        }
    }

    private static final class FaultyCommitter implements Committer<KafkaCommittable> {
        private final Committer<KafkaCommittable> real;
        private boolean restored;

        FaultyCommitter(Committer<KafkaCommittable> real, boolean restored) {
            this.real = real;
            this.restored = restored;
        }

        @Override
        public void commit(Collection<CommitRequest<KafkaCommittable>> requests)
                throws IOException, InterruptedException {
            List<String> ids =
                    requests.stream().map(r -> r.getCommittable().getTransactionalId()).toList();
            boolean fire =
                    !ids.isEmpty()
                            && ARMED.get()
                            && (untilRestore ? !restored : FIRED.compareAndSet(false, true));
            if (fire) {
                if (!untilRestore) ARMED.set(false);
                FIRED.set(true);
                REFUSED.addAll(ids);
                throw new IOException(
                        "injected: checkpoint completed, its transactions "
                                + ids
                                + " not committed");
            }
            real.commit(requests);
            // The first commit of a restored committer is that of the restored checkpoint.
            if (restored) COMMITTED_ON_RESTORE.addAll(ids);
            restored = false;
        }

        @Override
        public void close() throws Exception {
            real.close();
        }
    }
}
