package dev.eventflow.common.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink's {@link KafkaSink}, unchanged, except that a transaction its committer can no longer
 * commit stops the job instead of vanishing.
 *
 * <p>Why: the connector's committer handles "the broker no longer has this transaction" ({@code
 * ProducerFencedException}, {@code InvalidTxnStateException}, {@code UnknownProducerIdException})
 * by logging an error and dropping the committable ({@code signalFailedWithKnownReason}); the job
 * goes on. The usual cause is downtime (a stopped job, a failure whose restart took too long, a
 * commit delayed by failing checkpoints) longer than {@code transaction.timeout.ms}: the broker
 * aborts the open, pre-committed transaction, and when the job restores from that checkpoint its
 * records are gone while the checkpointed source offsets are already past them. Nothing would ever
 * write them again: silent loss. Here such a failure becomes a {@link SuppressRestartsException}
 * (the job fails for good; restarting from the same checkpoint would lose the records again) with a
 * {@link LostTransactionException} that names the transactional id, the checkpoint, the cause and
 * the recovery: restore from the checkpoint before it, which replays the lost records exactly once
 * (docs/reliability.md).
 *
 * <p>Not every such report is a loss: a transaction committed just before a failure is committed
 * again when the job restores from that checkpoint, and against a current broker (seen with Kafka
 * 4.2 and its default {@code transaction.version} 2, whose commits bump the producer epoch) the
 * connector's committer then also gets {@code ProducerFencedException} (and logs "data loss"). So
 * before failing, the committer asks the broker ({@code Admin.describeTransactions}) what became of
 * the transaction: committed by the same producer means the records are in the output and the job
 * goes on (logged at INFO); aborted or not readable means lost. One case stays open: a
 * transactional id unused for {@code transactional.id.expiration.ms} (7 days by default) is
 * forgotten by the broker; restoring a checkpoint or savepoint that old is normal (its transactions
 * were committed when it was taken), so that is logged as a WARN and the job goes on.
 *
 * <p>Savepoint compatibility: the wrapper implements exactly the interfaces of {@link KafkaSink}
 * and delegates all of them (writer, writer state and its serializer, committable serializer,
 * post-commit topology, lineage), so the sink's operators, their uids and their state are those of
 * the plain {@link KafkaSink}.
 */
public final class GuardedKafkaSink<IN>
        implements LineageVertexProvider,
                TwoPhaseCommittingStatefulSink<IN, KafkaWriterState, KafkaCommittable>,
                SupportsPostCommitTopology<KafkaCommittable> {

    private static final long serialVersionUID = 1L;

    private final KafkaSink<IN> delegate;
    private final String description;
    private final Duration transactionTimeout;
    private final Properties adminProperties;

    /**
     * @param description the sink in messages, e.g. {@code window-aggregation sink out}
     * @param transactionTimeout {@code --transaction-timeout}, named in the failure message
     * @param adminProperties Kafka client properties (bootstrap servers, security) of an admin
     *     client that may describe the sink's transactions
     */
    public GuardedKafkaSink(
            KafkaSink<IN> delegate,
            String description,
            Duration transactionTimeout,
            Properties adminProperties) {
        this.delegate = delegate;
        this.description = description;
        this.transactionTimeout = transactionTimeout;
        this.adminProperties = adminProperties;
    }

    /** The wrapped sink (tests reach Flink's unguarded behaviour through it). */
    public KafkaSink<IN> delegate() {
        return delegate;
    }

    @Override
    public PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> createWriter(
            WriterInitContext context) throws IOException {
        return delegate.createWriter(context);
    }

    @Override
    public PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> restoreWriter(
            WriterInitContext context, Collection<KafkaWriterState> recoveredState)
            throws IOException {
        return delegate.restoreWriter(context, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<KafkaWriterState> getWriterStateSerializer() {
        return delegate.getWriterStateSerializer();
    }

    @Override
    public Committer<KafkaCommittable> createCommitter(CommitterInitContext context)
            throws IOException {
        return new GuardedCommitter(
                delegate.createCommitter(context),
                description,
                context.getRestoredCheckpointId(),
                transactionTimeout,
                adminProperties);
    }

    @Override
    public SimpleVersionedSerializer<KafkaCommittable> getCommittableSerializer() {
        return delegate.getCommittableSerializer();
    }

    @Override
    public void addPostCommitTopology(DataStream<CommittableMessage<KafkaCommittable>> committed) {
        delegate.addPostCommitTopology(committed);
    }

    @Override
    public LineageVertex getLineageVertex() {
        return delegate.getLineageVertex();
    }

    /** The committer's transaction could not be committed: its records are not in the output. */
    public static final class LostTransactionException extends IOException {
        private static final long serialVersionUID = 1L;

        LostTransactionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Hands each commit to the connector's committer, and turns every committable it gave up on
     * ({@code signalFailedWithKnownReason}) into a job failure without restarts.
     */
    static final class GuardedCommitter implements Committer<KafkaCommittable> {

        private static final Logger LOG = LoggerFactory.getLogger(GuardedCommitter.class);
        private static final long DESCRIBE_TIMEOUT_MS = 30_000;

        private final Committer<KafkaCommittable> delegate;
        private final String description;
        private final OptionalLong restoredCheckpointId;
        private final Duration transactionTimeout;
        private final Properties adminProperties;

        GuardedCommitter(
                Committer<KafkaCommittable> delegate,
                String description,
                OptionalLong restoredCheckpointId,
                Duration transactionTimeout,
                Properties adminProperties) {
            this.delegate = delegate;
            this.description = description;
            this.restoredCheckpointId = restoredCheckpointId;
            this.transactionTimeout = transactionTimeout;
            this.adminProperties = adminProperties;
        }

        @Override
        public void commit(Collection<CommitRequest<KafkaCommittable>> requests)
                throws IOException, InterruptedException {
            List<Watched> watched = new ArrayList<>(requests.size());
            for (CommitRequest<KafkaCommittable> r : requests) watched.add(new Watched(r));
            delegate.commit(List.<CommitRequest<KafkaCommittable>>copyOf(watched));
            for (Watched w : watched) {
                if (w.failure == null) continue;
                KafkaCommittable c = w.getCommittable();
                String verdict = brokerVerdict(c);
                if (verdict == null) {
                    LOG.info(
                            "Kafka transaction {} of {} is not committed again: it already was"
                                    + " (the committer's {} on committing it a second time is"
                                    + " expected after a restore).",
                            c.getTransactionalId(),
                            description,
                            w.failure.getClass().getSimpleName());
                    w.request.signalAlreadyCommitted();
                } else {
                    w.request.signalFailedWithKnownReason(w.failure); // numCommittablesFailure
                    throw new SuppressRestartsException(lost(c, verdict, w.failure));
                }
            }
        }

        /**
         * Null if the broker shows the transaction committed by the committable's producer (or has
         * forgotten its id, see below), else what it shows (the reason the records are lost).
         */
        private String brokerVerdict(KafkaCommittable c) {
            String id = c.getTransactionalId();
            try (Admin admin = Admin.create(adminProperties)) {
                TransactionDescription d =
                        admin.describeTransactions(List.of(id))
                                .description(id)
                                .get(DESCRIBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                boolean committed =
                        d.state() == TransactionState.COMPLETE_COMMIT
                                || d.state() == TransactionState.PREPARE_COMMIT;
                if (committed && d.producerId() == c.getProducerId()) return null;
                return "the broker shows it " + d.state() + " (producer " + d.producerId() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "its state could not be read from the broker (interrupted)";
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TransactionalIdNotFoundException) {
                    // Unused for transactional.id.expiration.ms (7 days by default): a restore
                    // from an old checkpoint or savepoint, whose transactions were committed when
                    // it was taken. An abort this old cannot be told apart any more.
                    LOG.warn(
                            "Kafka transaction {} of {} cannot be committed again and the broker"
                                    + " no longer knows its transactional id (expired after"
                                    + " transactional.id.expiration.ms): assuming it was committed"
                                    + " when its checkpoint was taken. If the job was down longer"
                                    + " than --transaction-timeout before that checkpoint's commit,"
                                    + " its records are missing from the output.",
                            id,
                            description);
                    return null;
                }
                return "its state could not be read from the broker (" + e.getCause() + ")";
            } catch (Exception e) {
                return "its state could not be read from the broker (" + e + ")";
            }
        }

        private LostTransactionException lost(KafkaCommittable c, String verdict, Throwable cause) {
            String checkpoint =
                    restoredCheckpointId.isPresent()
                            ? "of checkpoint " + restoredCheckpointId.getAsLong() + " (restored)"
                            : "of the checkpoint just completed";
            return new LostTransactionException(
                    "Kafka transaction "
                            + c.getTransactionalId()
                            + " "
                            + checkpoint
                            + " of "
                            + description
                            + " cannot be committed ("
                            + cause.getClass().getSimpleName()
                            + "; "
                            + verdict
                            + "): its records are not in the output. The usual cause is downtime"
                            + " longer than --transaction-timeout ("
                            + transactionTimeout.toMillis()
                            + " ms): the broker aborted the open transaction. The job stops"
                            + " instead of going on without those records (restarting from this"
                            + " checkpoint would skip them). To recover them exactly once,"
                            + " restore from the retained checkpoint BEFORE "
                            + (restoredCheckpointId.isPresent()
                                    ? "checkpoint " + restoredCheckpointId.getAsLong()
                                    : "the latest one")
                            + " (flink run -s <checkpoint-dir>/<job-id>/chk-<n>); see"
                            + " docs/reliability.md.",
                    cause);
        }

        @Override
        public void close() throws Exception {
            delegate.close();
        }
    }

    /** A commit request that remembers whether the connector's committer gave up on it. */
    private static final class Watched implements Committer.CommitRequest<KafkaCommittable> {
        private final Committer.CommitRequest<KafkaCommittable> request;
        private Throwable failure;

        Watched(Committer.CommitRequest<KafkaCommittable> request) {
            this.request = request;
        }

        @Override
        public KafkaCommittable getCommittable() {
            return request.getCommittable();
        }

        @Override
        public int getNumberOfRetries() {
            return request.getNumberOfRetries();
        }

        /** Held back: the guard decides, after asking the broker, what to signal. */
        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            failure = t;
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            request.signalFailedWithUnknownReason(t); // throws: the job restarts
        }

        @Override
        public void retryLater() {
            request.retryLater();
        }

        @Override
        public void updateAndRetryLater(KafkaCommittable committable) {
            request.updateAndRetryLater(committable);
        }

        @Override
        public void signalAlreadyCommitted() {
            request.signalAlreadyCommitted();
        }
    }
}
