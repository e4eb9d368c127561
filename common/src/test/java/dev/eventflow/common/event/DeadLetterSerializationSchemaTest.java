package dev.eventflow.common.event;

import static dev.eventflow.common.event.DeadLetterSerializationSchema.DEFAULT_MAX_RECORD_BYTES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.OptionGroups;
import dev.eventflow.common.config.ParsedOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;

/**
 * The dead letter of a record near the producer's size limit still fits under it, measured with
 * Kafka's own size estimate (the one {@code KafkaProducer.send} checks against {@code
 * max.request.size}); smaller dead letters are written unchanged.
 */
class DeadLetterSerializationSchemaTest {

    private static final DeadLetterSerializationSchema SCHEMA =
            new DeadLetterSerializationSchema("dlq");

    /** What the producer counts against {@code max.request.size}. */
    private static int producerSize(byte[] key, byte[] value, Header[] headers) {
        return AbstractRecords.estimateSizeInBytesUpperBound(
                RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, key, value, headers);
    }

    private static int producerSize(ProducerRecord<byte[], byte[]> r) {
        return producerSize(r.key(), r.value(), r.headers().toArray());
    }

    /** A value whose own record (no headers) is exactly at the producer's default limit. */
    private static byte[] valueAtTheLimit(byte[] key) {
        int size = DEFAULT_MAX_RECORD_BYTES - 200;
        while (producerSize(key, new byte[size + 1], new Header[0]) <= DEFAULT_MAX_RECORD_BYTES) {
            size++;
        }
        byte[] value = new byte[size];
        Arrays.fill(value, (byte) 'x');
        value[0] = '{';
        return value;
    }

    private static DeadLetter deadLetter(String reason, byte[] key, byte[] value) {
        return new DeadLetter(reason, "ad-impressions", 1, 42L, 7L, key, value);
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aSmallDeadLetterIsTheRecordAsReadWithItsReasonAndCoordinates() {
        byte[] key = "k".getBytes(StandardCharsets.UTF_8);
        byte[] value = "{\"x\":".getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> r =
                SCHEMA.serialize(deadLetter("not valid JSON: eof", key, value), null, null);
        assertThat(r.topic()).isEqualTo("dlq");
        assertThat(r.key()).isEqualTo(key);
        assertThat(r.value()).isEqualTo(value);
        assertThat(header(r, DeadLetterSerializationSchema.REASON))
                .isEqualTo("not valid JSON: eof");
        assertThat(header(r, DeadLetterSerializationSchema.SOURCE_TOPIC))
                .isEqualTo("ad-impressions");
        assertThat(header(r, DeadLetterSerializationSchema.SOURCE_PARTITION)).isEqualTo("1");
        assertThat(header(r, DeadLetterSerializationSchema.SOURCE_OFFSET)).isEqualTo("42");
        assertThat(header(r, DeadLetterSerializationSchema.TRUNCATED)).isNull();
    }

    @Test
    void aRecordAtTheLimitWouldNotFitAsADeadLetterSoItsValueIsCutAndSaysSo() throws Exception {
        byte[] key = "user-1".getBytes(StandardCharsets.UTF_8);
        byte[] value = valueAtTheLimit(key);
        assertThat(producerSize(key, value, new Header[0])).isEqualTo(DEFAULT_MAX_RECORD_BYTES);

        ProducerRecord<byte[], byte[]> r =
                SCHEMA.serialize(deadLetter("missing field ad_id", key, value), null, null);

        // Negative control: the same headers around the whole value exceed the limit.
        ProducerRecord<byte[], byte[]> whole =
                new DeadLetterSerializationSchema("dlq", Integer.MAX_VALUE)
                        .serialize(deadLetter("missing field ad_id", key, value), null, null);
        assertThat(producerSize(whole)).isGreaterThan(DEFAULT_MAX_RECORD_BYTES);

        assertThat(producerSize(r)).isLessThanOrEqualTo(DEFAULT_MAX_RECORD_BYTES);
        assertThat(r.key()).isEqualTo(key);
        assertThat(value).startsWith(r.value());
        assertThat(r.value().length).isGreaterThan(value.length - 1024);
        assertThat(header(r, DeadLetterSerializationSchema.TRUNCATED)).isEqualTo("true");
        assertThat(header(r, DeadLetterSerializationSchema.ORIGINAL_VALUE_BYTES))
                .isEqualTo(Integer.toString(value.length));
        assertThat(header(r, DeadLetterSerializationSchema.ORIGINAL_KEY_BYTES)).isEqualTo("6");
        assertThat(header(r, DeadLetterSerializationSchema.ORIGINAL_VALUE_SHA256))
                .isEqualTo(
                        HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(value)));
        assertThat(header(r, DeadLetterSerializationSchema.REASON))
                .isEqualTo("missing field ad_id");
    }

    @Test
    void aHugeKeyIsCutTooAndAHugeReasonIsCapped() {
        byte[] key = new byte[900_000];
        byte[] value = new byte[900_000];
        String reason = "key " + "k".repeat(100_000) + " does not match user_id 'u'";
        ProducerRecord<byte[], byte[]> r =
                SCHEMA.serialize(deadLetter(reason, key, value), null, null);
        assertThat(producerSize(r)).isLessThanOrEqualTo(DEFAULT_MAX_RECORD_BYTES);
        assertThat(r.key().length).isBetween(400_000, 600_000);
        assertThat(r.value().length).isBetween(400_000, 600_000);
        assertThat(header(r, DeadLetterSerializationSchema.REASON))
                .hasSizeLessThanOrEqualTo(DeadLetterSerializationSchema.MAX_REASON_LENGTH + 3)
                .startsWith("key kkk");

        ProducerRecord<byte[], byte[]> hugeKeyOnly =
                SCHEMA.serialize(deadLetter("r", new byte[2_000_000], new byte[10]), null, null);
        assertThat(producerSize(hugeKeyOnly)).isLessThanOrEqualTo(DEFAULT_MAX_RECORD_BYTES);
        assertThat(hugeKeyOnly.value()).hasSize(10);
        assertThat(header(hugeKeyOnly, DeadLetterSerializationSchema.ORIGINAL_KEY_BYTES))
                .isEqualTo("2000000");
    }

    @Test
    void aNullValueOrKeyStaysNull() {
        ProducerRecord<byte[], byte[]> r =
                SCHEMA.serialize(deadLetter("tombstone without a key", null, null), null, null);
        assertThat(r.key()).isNull();
        assertThat(r.value()).isNull();
        ProducerRecord<byte[], byte[]> hugeKey =
                SCHEMA.serialize(deadLetter("r", new byte[3_000_000], null), null, null);
        assertThat(hugeKey.value()).isNull();
        assertThat(producerSize(hugeKey)).isLessThanOrEqualTo(DEFAULT_MAX_RECORD_BYTES);
    }

    @Test
    void theLimitIsTheProducersMaxRequestSize() {
        ParsedOptions defaults =
                OptionGroups.streamingJob()
                        .parse("--bootstrap-servers", "b:9092", "--dlq-topic", "d");
        assertThat(DeadLetterSerializationSchema.forDlq(defaults).maxRecordBytes())
                .isEqualTo(DEFAULT_MAX_RECORD_BYTES);
        ParsedOptions raised =
                OptionGroups.streamingJob()
                        .parse(
                                "--bootstrap-servers",
                                "b:9092",
                                "--dlq-topic",
                                "d",
                                "--kafka.max.request.size",
                                "4194304");
        DeadLetterSerializationSchema schema = DeadLetterSerializationSchema.forDlq(raised);
        assertThat(schema.maxRecordBytes()).isEqualTo(4_194_304);
        byte[] value = new byte[3_000_000];
        assertThat(schema.serialize(deadLetter("r", null, value), null, null).value())
                .hasSize(value.length);
    }
}
