package dev.eventflow.common.event;

import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record that could not be parsed (into a {@link UserEvent}, an ad event, a fast-path row): the
 * raw key and value as read, the reason, and where it came from. Written to the dead-letter topic
 * unchanged (value and key), with the reason and the source coordinates in headers, so nothing is
 * lost and it can be replayed. A Flink POJO.
 */
public class DeadLetter {

    public String reason;
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;

    /** The source record's Kafka timestamp (epoch ms), or -1. */
    public long sourceTimestamp;

    public byte[] key;
    public byte[] value;

    public DeadLetter() {}

    public DeadLetter(
            String reason,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset,
            long sourceTimestamp,
            byte[] key,
            byte[] value) {
        this.reason = reason;
        this.sourceTopic = sourceTopic;
        this.sourcePartition = sourcePartition;
        this.sourceOffset = sourceOffset;
        this.sourceTimestamp = sourceTimestamp;
        this.key = key;
        this.value = value;
    }

    /** The dead letter of a Kafka record that could not be parsed, for {@code reason}. */
    public static DeadLetter of(ConsumerRecord<byte[], byte[]> record, String reason) {
        return new DeadLetter(
                reason,
                record.topic(),
                record.partition(),
                record.offset(),
                record.timestamp(),
                record.key(),
                record.value());
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof DeadLetter)) return false;
        DeadLetter that = (DeadLetter) o;
        return sourcePartition == that.sourcePartition
                && sourceOffset == that.sourceOffset
                && sourceTimestamp == that.sourceTimestamp
                && Objects.equals(reason, that.reason)
                && Objects.equals(sourceTopic, that.sourceTopic)
                && Arrays.equals(key, that.key)
                && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(reason, sourceTopic, sourcePartition, sourceOffset);
    }

    @Override
    public String toString() {
        return "DeadLetter{"
                + sourceTopic
                + "-"
                + sourcePartition
                + "@"
                + sourceOffset
                + ": "
                + reason
                + "}";
    }
}
