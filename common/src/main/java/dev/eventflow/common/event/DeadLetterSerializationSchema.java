package dev.eventflow.common.event;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.ParsedOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a {@link DeadLetter} to the DLQ topic as it arrived (same key and value bytes, so it can
 * be replayed as-is after a fix) with the reason and source coordinates as headers: {@value
 * #REASON}, {@value #SOURCE_TOPIC}, {@value #SOURCE_PARTITION}, {@value #SOURCE_OFFSET}, {@value
 * #SOURCE_TIMESTAMP}.
 *
 * <p><b>Near-limit records.</b> A dead letter is larger than the record it wraps (the headers), so
 * a malformed record that was just under the producer's {@code max.request.size} would not fit: the
 * DLQ sink would fail on it, and fail again after every restart, forever. So when key, value and
 * headers would exceed {@code maxRecordBytes} (the DLQ producer's {@code max.request.size}), the
 * value (and, if the key alone is that large, the key) is cut to fit, and the dead letter says so:
 * {@value #TRUNCATED} {@code = true}, {@value #ORIGINAL_VALUE_BYTES}, {@value #ORIGINAL_KEY_BYTES}
 * and {@value #ORIGINAL_VALUE_SHA256} (of the whole original value). The whole record stays where
 * the coordinates point, in the source topic, for as long as its retention keeps it; the digest
 * tells that a record read back from there is the one. The reason header is cut to {@value
 * #MAX_REASON_LENGTH} characters for the same cause (some reasons quote a value).
 */
public final class DeadLetterSerializationSchema
        implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    public static final String REASON = "dlq.reason";
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    public static final String SOURCE_TIMESTAMP = "dlq.source.timestamp";

    /** Present ({@code true}) only when the key or value was cut to fit. */
    public static final String TRUNCATED = "dlq.truncated";

    public static final String ORIGINAL_VALUE_BYTES = "dlq.original.value.bytes";
    public static final String ORIGINAL_KEY_BYTES = "dlq.original.key.bytes";
    public static final String ORIGINAL_VALUE_SHA256 = "dlq.original.value.sha256";

    /** Kafka's producer default for {@code max.request.size}. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

    static final int MAX_REASON_LENGTH = 1024;

    /**
     * Bytes a record needs beyond its key, value and header bytes, over-estimated: a batch header
     * (61) and a record's framing (at most 21), plus the length varints of key, value and every
     * header (at most 5 each). The producer's check uses the same parts, so a record within {@code
     * maxRecordBytes} by this count is within it by the producer's.
     */
    static final int RECORD_OVERHEAD = 61 + 21 + 5 + 5 + 5;

    static final int PER_HEADER_OVERHEAD = 5 + 5 + 5;

    /** The four truncation headers with the longest values they can have. */
    private static final int TRUNCATION_HEADER_BYTES =
            4 * PER_HEADER_OVERHEAD
                    + TRUNCATED.length()
                    + "true".length()
                    + ORIGINAL_VALUE_BYTES.length()
                    + 10
                    + ORIGINAL_KEY_BYTES.length()
                    + 10
                    + ORIGINAL_VALUE_SHA256.length()
                    + 64;

    private final String topic;
    private final int maxRecordBytes;

    public DeadLetterSerializationSchema(String topic) {
        this(topic, DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * @param maxRecordBytes the largest record the DLQ producer may send: its {@code
     *     max.request.size}
     */
    public DeadLetterSerializationSchema(String topic, int maxRecordBytes) {
        if (maxRecordBytes < 4096) {
            throw new IllegalArgumentException("maxRecordBytes must be at least 4096");
        }
        this.topic = topic;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * The schema of {@code --dlq-topic}, sized to the producer's {@code max.request.size} as given
     * with {@code --kafka.max.request.size} (or the properties file), else Kafka's default.
     */
    public static DeadLetterSerializationSchema forDlq(ParsedOptions o) {
        return new DeadLetterSerializationSchema(o.get(CommonOptions.DLQ_TOPIC), maxRequestSize(o));
    }

    /** The producers' {@code max.request.size}: given, or Kafka's default. */
    public static int maxRequestSize(ParsedOptions o) {
        String given = o.kafkaProperties().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (given == null) return DEFAULT_MAX_RECORD_BYTES;
        try {
            return Math.max(4096, Integer.parseInt(given.trim()));
        } catch (NumberFormatException e) {
            // An indirection such as ${env:NAME}: resolved by the client, not known here.
            return DEFAULT_MAX_RECORD_BYTES;
        }
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter d, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, bytes(capped(d.reason)));
        headers.add(SOURCE_TOPIC, bytes(d.sourceTopic));
        headers.add(SOURCE_PARTITION, bytes(Integer.toString(d.sourcePartition)));
        headers.add(SOURCE_OFFSET, bytes(Long.toString(d.sourceOffset)));
        headers.add(SOURCE_TIMESTAMP, bytes(Long.toString(d.sourceTimestamp)));
        byte[] key = d.key;
        byte[] value = d.value;
        int keyBytes = key == null ? 0 : key.length;
        int valueBytes = value == null ? 0 : value.length;
        // The truncation headers are counted whether or not they are written: then the budget does
        // not depend on the decision it decides.
        int budget =
                maxRecordBytes - RECORD_OVERHEAD - headerBytes(headers) - TRUNCATION_HEADER_BYTES;
        if (keyBytes + valueBytes > budget) {
            // Keep the key whole when it is small (it is usually an id); share the room otherwise.
            int keepKey = Math.min(keyBytes, Math.max(budget - valueBytes, budget / 2));
            int keepValue = Math.min(valueBytes, budget - keepKey);
            headers.add(TRUNCATED, bytes("true"));
            headers.add(ORIGINAL_VALUE_BYTES, bytes(Integer.toString(valueBytes)));
            headers.add(ORIGINAL_KEY_BYTES, bytes(Integer.toString(keyBytes)));
            headers.add(ORIGINAL_VALUE_SHA256, bytes(sha256(value)));
            if (key != null) key = Arrays.copyOf(key, keepKey);
            if (value != null) value = Arrays.copyOf(value, keepValue);
        }
        return new ProducerRecord<>(topic, null, null, key, value, headers);
    }

    /** The largest record this schema writes. */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    private static int headerBytes(RecordHeaders headers) {
        int n = 0;
        for (Header h : headers) {
            n += PER_HEADER_OVERHEAD + h.key().getBytes(StandardCharsets.UTF_8).length;
            n += h.value() == null ? 0 : h.value().length;
        }
        return n;
    }

    private static String capped(String reason) {
        if (reason == null || reason.length() <= MAX_REASON_LENGTH) return reason;
        int cut = MAX_REASON_LENGTH;
        if (Character.isHighSurrogate(reason.charAt(cut - 1))) cut--;
        return reason.substring(0, cut) + "...";
    }

    private static String sha256(byte[] value) {
        if (value == null) return "";
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
