package dev.eventflow.jobs.windowstats;

import dev.eventflow.common.event.Json;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a {@link WindowResult} as JSON, keyed by user_id (so one user's windows stay in order in
 * one partition): {@code
 * {"user_id","window_start","window_end","events","approx_sessions","sum_amount","avg_amount",
 * "min_amount","max_amount","purchases"}}, plus {@code "job_version"} when {@code --job-version} is
 * set (an additive field: readers that do not know it ignore it).
 */
public final class WindowResultSerializationSchema
        implements KafkaRecordSerializationSchema<WindowResult> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String jobVersion;

    /**
     * The ISO-8601 text of the last window bounds written. Every user's rows of one slide share
     * their bounds (a firing writes thousands of rows for the same window), and formatting an
     * instant costs more than writing the rest of the row.
     */
    private transient long lastStart = Long.MIN_VALUE;

    private transient String lastStartIso;
    private transient long lastEnd = Long.MIN_VALUE;
    private transient String lastEndIso;

    public WindowResultSerializationSchema(String topic) {
        this(topic, null);
    }

    /** With {@code jobVersion} non-null, every row carries {@code "job_version": jobVersion}. */
    public WindowResultSerializationSchema(String topic, String jobVersion) {
        this.topic = topic;
        this.jobVersion = jobVersion;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            WindowResult r, KafkaSinkContext context, Long timestamp) {
        if (r.windowStart != lastStart || lastStartIso == null) {
            lastStart = r.windowStart;
            lastStartIso = Json.isoTime(r.windowStart);
        }
        if (r.windowEnd != lastEnd || lastEndIso == null) {
            lastEnd = r.windowEnd;
            lastEndIso = Json.isoTime(r.windowEnd);
        }
        return new ProducerRecord<>(
                topic,
                r.userId.getBytes(StandardCharsets.UTF_8),
                toJson(r, lastStartIso, lastEndIso, jobVersion));
    }

    public static byte[] toJson(WindowResult r) {
        return toJson(r, null);
    }

    public static byte[] toJson(WindowResult r, String jobVersion) {
        return toJson(r, Json.isoTime(r.windowStart), Json.isoTime(r.windowEnd), jobVersion);
    }

    private static byte[] toJson(
            WindowResult r, String windowStartIso, String windowEndIso, String jobVersion) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("user_id", r.userId);
                    g.writeStringField("window_start", windowStartIso);
                    g.writeStringField("window_end", windowEndIso);
                    g.writeNumberField("events", r.events);
                    g.writeNumberField("approx_sessions", r.approxSessions);
                    Json.number(g, "sum_amount", r.sumAmount);
                    Json.number(g, "avg_amount", r.avgAmount);
                    Json.number(g, "min_amount", r.minAmount);
                    Json.number(g, "max_amount", r.maxAmount);
                    g.writeNumberField("purchases", r.purchases);
                    if (jobVersion != null) g.writeStringField("job_version", jobVersion);
                    g.writeEndObject();
                });
    }
}
