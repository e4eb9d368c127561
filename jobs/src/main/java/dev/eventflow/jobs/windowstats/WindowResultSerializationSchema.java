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
        return new ProducerRecord<>(
                topic, r.userId.getBytes(StandardCharsets.UTF_8), toJson(r, jobVersion));
    }

    public static byte[] toJson(WindowResult r) {
        return toJson(r, null);
    }

    public static byte[] toJson(WindowResult r, String jobVersion) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("user_id", r.userId);
                    g.writeStringField("window_start", Json.isoTime(r.windowStart));
                    g.writeStringField("window_end", Json.isoTime(r.windowEnd));
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
