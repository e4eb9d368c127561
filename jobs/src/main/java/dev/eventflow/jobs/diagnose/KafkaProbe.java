package dev.eventflow.jobs.diagnose;

import dev.eventflow.common.event.MalformedEventException;
import dev.eventflow.common.event.UserEventParser;
import dev.eventflow.jobs.diagnose.Snapshot.Partition;
import dev.eventflow.jobs.diagnose.Snapshot.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the Kafka side of a {@link Snapshot}: topics, partitions, offsets, the consumer group's
 * committed offsets, the newest record per input partition, and what read_committed and
 * read_uncommitted consumers see of the output. Uses an admin client and consumers that never join
 * a group and never commit, so it cannot disturb the job.
 */
final class KafkaProbe implements AutoCloseable {

    /** Kafka did not answer within the deadline: the one failure that ends the diagnosis. */
    static final class UnreachableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> committed;
    private final KafkaConsumer<byte[], byte[]> uncommitted;
    private final Duration timeout;
    private final UserEventParser parser = new UserEventParser(Long.MAX_VALUE / 4);

    KafkaProbe(Properties clientProperties, Duration timeout) {
        this.timeout = timeout;
        Properties admin = new Properties();
        admin.putAll(clientProperties);
        admin.putIfAbsent("request.timeout.ms", String.valueOf(timeout.toMillis()));
        admin.putIfAbsent("default.api.timeout.ms", String.valueOf(timeout.toMillis()));
        this.admin = Admin.create(admin);
        this.committed = consumer(clientProperties, "read_committed");
        this.uncommitted = consumer(clientProperties, "read_uncommitted");
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Properties base, String isolation) {
        Properties p = new Properties();
        p.putAll(base);
        // No group.id: assign() only, offsets are never committed.
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Fails fast when no broker answers. */
    void ping() throws UnreachableException {
        try {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new UnreachableException(
                    "cannot reach Kafka within " + timeout.toSeconds() + "s: " + cause(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted", e);
        }
    }

    /** Partition ids of the topic, empty if it does not exist. */
    private List<TopicPartition> partitions(String topic) throws Exception {
        try {
            TopicDescription d =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                            .get(topic);
            return d.partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) return null;
            throw e;
        }
    }

    /** The group's committed offsets (absent partitions: none committed). */
    Map<TopicPartition, OffsetAndMetadata> committedOffsets(String groupId) throws Exception {
        return admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The input topic: offsets, the group's lag and the newest record per partition. */
    Topic input(String topic, Map<TopicPartition, OffsetAndMetadata> groupOffsets)
            throws Exception {
        List<TopicPartition> tps = partitions(topic);
        if (tps == null) return new Topic(topic, false, List.of());
        Map<TopicPartition, Long> begin = committed.beginningOffsets(tps, timeout);
        Map<TopicPartition, Long> end = committed.endOffsets(tps, timeout);
        Map<TopicPartition, Long> high = uncommitted.endOffsets(tps, timeout);
        List<Partition> result = new ArrayList<>();
        List<Long> sample = new ArrayList<>();
        for (TopicPartition tp : tps) {
            sample.addAll(eventTimes(tp, begin.get(tp), end.get(tp)));
            OffsetAndMetadata c = groupOffsets.get(tp);
            ConsumerRecord<byte[], byte[]> last = last(tp, begin.get(tp), end.get(tp));
            Long eventTime = null;
            String error = null;
            if (last != null) {
                try {
                    eventTime = parser.parse(last.value()).eventTime;
                } catch (MalformedEventException e) {
                    error = e.getMessage();
                }
            }
            result.add(
                    new Partition(
                            tp.partition(),
                            begin.get(tp),
                            end.get(tp),
                            high.get(tp),
                            c == null ? null : c.offset(),
                            last == null ? null : last.timestamp(),
                            eventTime,
                            error,
                            0,
                            0));
        }
        return new Topic(topic, true, result, sample);
    }

    /** How many of the newest records per input partition {@link #eventTimes} reads. */
    static final int EVENT_TIME_SAMPLE = 100;

    /**
     * The event times of the newest (up to {@link #EVENT_TIME_SAMPLE}) readable records of one
     * partition that parse as user events.
     */
    private List<Long> eventTimes(TopicPartition tp, long begin, long end) {
        List<Long> times = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                read(committed, tp, Math.max(begin, end - EVENT_TIME_SAMPLE), end)) {
            try {
                times.add(parser.parse(r.value()).eventTime);
            } catch (MalformedEventException e) {
                // a dead letter: not an event time
            }
        }
        return times;
    }

    /**
     * The output topic: offsets, and how many of the newest {@code scan} offsets per partition a
     * read_committed and a read_uncommitted consumer see.
     */
    Topic output(String topic, int scan) throws Exception {
        List<TopicPartition> tps = partitions(topic);
        if (tps == null) return new Topic(topic, false, List.of());
        Map<TopicPartition, Long> begin = uncommitted.beginningOffsets(tps, timeout);
        Map<TopicPartition, Long> end = committed.endOffsets(tps, timeout);
        Map<TopicPartition, Long> high = uncommitted.endOffsets(tps, timeout);
        List<Partition> result = new ArrayList<>();
        for (TopicPartition tp : tps) {
            long from = Math.max(begin.get(tp), high.get(tp) - scan);
            long visibleCommitted = count(committed, tp, from, end.get(tp));
            long visibleUncommitted = count(uncommitted, tp, from, high.get(tp));
            result.add(
                    new Partition(
                            tp.partition(),
                            begin.get(tp),
                            end.get(tp),
                            high.get(tp),
                            null,
                            null,
                            null,
                            null,
                            visibleCommitted,
                            visibleUncommitted));
        }
        return new Topic(topic, true, result);
    }

    /**
     * The newest readable record below {@code end}. Transaction markers and aborted records take
     * offsets too, so this reads short tails backwards (at most 64 of them) rather than exactly the
     * offset {@code end - 1}.
     */
    private ConsumerRecord<byte[], byte[]> last(TopicPartition tp, long begin, long end) {
        ConsumerRecord<byte[], byte[]> last = null;
        long stop = Math.max(begin, end - 64 * 16);
        for (long from = end; from > stop && last == null; ) {
            long to = from;
            from = Math.max(stop, from - 16);
            for (ConsumerRecord<byte[], byte[]> r : read(committed, tp, from, to)) last = r;
        }
        return last;
    }

    private long count(
            KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, long from, long to) {
        return read(consumer, tp, from, to).size();
    }

    /** Records in [from, to) of one partition, polling until the position reaches {@code to}. */
    private List<ConsumerRecord<byte[], byte[]>> read(
            KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, long from, long to) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        if (from >= to) return records;
        consumer.assign(Set.of(tp));
        consumer.seek(tp, from);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp, timeout) < to && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r :
                    consumer.poll(Duration.ofMillis(200)).records(tp)) {
                if (r.offset() < to) records.add(r);
            }
        }
        consumer.assign(Set.of());
        return records;
    }

    private static String cause(Throwable e) {
        Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }

    @Override
    public void close() {
        Collection<AutoCloseable> all = List.of(committed, uncommitted, admin);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing diagnostics clients: nothing to recover
            }
        }
    }
}
