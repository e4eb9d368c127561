package dev.eventflow.jobs.diagnose;

import java.util.List;
import java.util.Optional;

/**
 * Everything {@code diagnose} collected, at one instant: the report model. {@link Verdicts} judges
 * it without any I/O, so the judgement is unit-tested on hand-built snapshots.
 *
 * @param capturedAt wall-clock time of the collection (epoch ms)
 * @param input the input topic
 * @param output the output topic
 * @param groupId the consumer group whose committed offsets were read
 * @param groupHasOffsets whether that group has committed any offset on the input topic
 * @param flink the Flink side, empty without {@code --rest-url}
 * @param watermarkDelayMs the job's bounded out-of-orderness
 * @param idlenessMs the job's source idleness, 0 = off
 */
public record Snapshot(
        long capturedAt,
        Topic input,
        Topic output,
        String groupId,
        boolean groupHasOffsets,
        Optional<Flink> flink,
        long watermarkDelayMs,
        long idlenessMs,
        Optional<StateFacts> state) {

    /** A snapshot without state facts (no --rest-url, no --prometheus-url). */
    public Snapshot(
            long capturedAt,
            Topic input,
            Topic output,
            String groupId,
            boolean groupHasOffsets,
            Optional<Flink> flink,
            long watermarkDelayMs,
            long idlenessMs) {
        this(
                capturedAt,
                input,
                output,
                groupId,
                groupHasOffsets,
                flink,
                watermarkDelayMs,
                idlenessMs,
                Optional.empty());
    }

    /** The same snapshot with state facts. */
    public Snapshot withState(Optional<StateFacts> facts) {
        return new Snapshot(
                capturedAt,
                input,
                output,
                groupId,
                groupHasOffsets,
                flink,
                watermarkDelayMs,
                idlenessMs,
                facts);
    }

    /**
     * One topic.
     *
     * @param exists false when the broker does not know it (partitions then empty)
     * @param sampledEventTimes event times of the newest records of each partition (input only)
     */
    public record Topic(
            String name, boolean exists, List<Partition> partitions, List<Long> sampledEventTimes) {

        public Topic(String name, boolean exists, List<Partition> partitions) {
            this(name, exists, partitions, List.of());
        }

        public long records() {
            return partitions.stream().mapToLong(Partition::retained).sum();
        }

        /** Sum of per-partition lag over the partitions the group committed. */
        public long lag() {
            return partitions.stream().mapToLong(p -> p.lag() == null ? 0 : p.lag()).sum();
        }

        public List<Integer> emptyPartitions() {
            return partitions.stream()
                    .filter(p -> p.retained() == 0)
                    .map(Partition::partition)
                    .toList();
        }

        public Optional<Long> newestEventTime() {
            return partitions.stream()
                    .map(Partition::lastEventTime)
                    .filter(t -> t != null)
                    .max(Long::compare);
        }
    }

    /**
     * One partition.
     *
     * @param beginOffset earliest retained offset
     * @param endOffset end offset as a read_committed consumer sees it (last stable offset)
     * @param uncommittedEndOffset end offset as a read_uncommitted consumer sees it (high
     *     watermark); larger than endOffset while a transaction is open
     * @param committedOffset the group's committed offset, null if none
     * @param lastTimestamp Kafka timestamp of the newest readable record, null if none
     * @param lastEventTime event_time of the newest record, null if none or unparsable
     * @param lastParseError why the newest record is not a valid user event, null if it is
     * @param visibleCommitted records read with read_committed in the scanned range (output only)
     * @param visibleUncommitted records read with read_uncommitted in the scanned range (output)
     */
    public record Partition(
            int partition,
            long beginOffset,
            long endOffset,
            long uncommittedEndOffset,
            Long committedOffset,
            Long lastTimestamp,
            Long lastEventTime,
            String lastParseError,
            long visibleCommitted,
            long visibleUncommitted) {

        public long retained() {
            return Math.max(0, uncommittedEndOffset - beginOffset);
        }

        public Long lag() {
            return committedOffset == null ? null : Math.max(0, endOffset - committedOffset);
        }
    }

    /**
     * The Flink side, from the REST API.
     *
     * @param restUrl where it was read
     * @param reachable false when the REST API did not answer (error says why)
     * @param jobs every job the cluster knows
     * @param job the chosen job's details, empty when none matched
     */
    public record Flink(
            String restUrl,
            boolean reachable,
            String error,
            List<JobSummary> jobs,
            String requestedJob,
            Optional<JobDetail> job) {}

    public record JobSummary(String id, String name, String state, long startTime) {}

    /**
     * @param checkpoints empty when the REST API had no checkpoint statistics
     */
    public record JobDetail(
            JobSummary summary, List<Vertex> vertices, Optional<Checkpoints> checkpoints) {

        /**
         * The lowest current input watermark over the non-source vertices: the event time the whole
         * job has reached; Long.MIN_VALUE when some operator has none yet.
         */
        public Optional<Long> minWatermark() {
            return vertices.stream()
                    .filter(v -> !v.source() && v.watermark() != null)
                    .map(Vertex::watermark)
                    .min(Long::compare);
        }
    }

    /**
     * One job vertex (a chain of operators).
     *
     * @param source true for a vertex without inputs (its input watermark means nothing)
     * @param watermark lowest current input watermark over its subtasks; Long.MIN_VALUE = a subtask
     *     has no watermark yet; null = not reported
     * @param backpressure Flink's backpressure level (ok, low, high), null if not sampled
     */
    public record Vertex(
            String id,
            String name,
            int parallelism,
            String status,
            boolean source,
            long recordsIn,
            long recordsOut,
            Long watermark,
            String backpressure) {}

    /**
     * @param lastCompletedAt when the latest completed checkpoint finished (epoch ms), null if none
     * @param lastFailedAt when the latest failed checkpoint failed, null if none
     * @param lastFailure its failure message, null if none
     */
    public record Checkpoints(
            long completed,
            long failed,
            long inProgress,
            Long lastCompletedAt,
            Long lastFailedAt,
            String lastFailure) {}

    /**
     * State and checkpoint sizes of one job, from Flink's REST API or from Prometheus.
     *
     * @param source where they were read ({@code REST http://...} or {@code Prometheus http://...})
     * @param history completed checkpoints, oldest first: the job's full state size over time
     * @param operators state size per operator (job vertex) at the latest completed checkpoint
     *     (REST) or as RocksDB estimates it now (Prometheus), largest first
     */
    public record StateFacts(
            String source, List<CheckpointSize> history, List<OperatorState> operators) {}

    /**
     * @param completedAt epoch ms
     * @param stateSize the full state size of the checkpoint (bytes)
     * @param checkpointedSize what this checkpoint persisted (bytes; less than stateSize when
     *     incremental)
     */
    public record CheckpointSize(
            long id, long completedAt, long stateSize, long checkpointedSize) {}

    /**
     * @param stateSize bytes of state
     * @param checkpointedSize bytes persisted at that checkpoint, -1 when unknown
     */
    public record OperatorState(String operator, long stateSize, long checkpointedSize) {}
}
