package dev.eventflow.jobs.windowstats;

import dev.eventflow.common.event.Json;
import dev.eventflow.common.kafka.KeyedRecordSerializationSchema;
import java.nio.charset.StandardCharsets;

/**
 * Writes a {@link WindowResult} as JSON, keyed by user_id (so one user's windows stay in order in
 * one partition): {@code
 * {"user_id","window_start","window_end","events","approx_sessions","sum_amount","avg_amount",
 * "min_amount","max_amount","purchases"}}, plus {@code "job_version"} when {@code --job-version} is
 * set (an additive field: readers that do not know it ignore it).
 *
 * <p>In update mode ({@code upsert}) the key is the row's primary key as JSON, {@code
 * {"user_id","window_start","window_end"}} (always in that order, so equal keys are equal bytes and
 * a compacted topic keeps the last row per window; Flink SQL's {@code upsert-kafka} connector reads
 * it with {@code key.format = json}), and the value ends with {@code "revision"} and {@code
 * "final"}. All rows of one window hash to one partition, so they stay in order.
 */
public final class WindowResultSerializationSchema
        extends KeyedRecordSerializationSchema<WindowResult> {
    private static final long serialVersionUID = 1L;

    public WindowResultSerializationSchema(String topic) {
        this(topic, null);
    }

    /** With {@code jobVersion} non-null, every row carries {@code "job_version": jobVersion}. */
    public WindowResultSerializationSchema(String topic, String jobVersion) {
        this(topic, jobVersion, false);
    }

    /** With {@code upsert}, the update-mode record: primary-key key, revision and final flag. */
    public WindowResultSerializationSchema(String topic, String jobVersion, boolean upsert) {
        super(
                topic,
                upsert ? WindowResultSerializationSchema::upsertKey : r -> r.userId,
                new RowWriter(jobVersion, upsert));
    }

    /** The update-mode key: {@code {"user_id":..,"window_start":..,"window_end":..}}. */
    public static String upsertKey(WindowResult r) {
        return new String(
                Json.write(
                        g -> {
                            g.writeStartObject();
                            g.writeStringField("user_id", r.userId);
                            g.writeStringField("window_start", Json.isoTime(r.windowStart));
                            g.writeStringField("window_end", Json.isoTime(r.windowEnd));
                            g.writeEndObject();
                        }),
                StandardCharsets.UTF_8);
    }

    /**
     * The value of a row, with the ISO-8601 text of the last window bounds kept: every user's rows
     * of one slide share their bounds (a firing writes thousands of rows for the same window), and
     * formatting an instant costs more than writing the rest of the row.
     */
    private static final class RowWriter implements Field<WindowResult, byte[]> {
        private static final long serialVersionUID = 1L;

        private final String jobVersion;
        private final boolean upsert;
        private transient LastIsoTime starts;
        private transient LastIsoTime ends;

        RowWriter(String jobVersion, boolean upsert) {
            this.jobVersion = jobVersion;
            this.upsert = upsert;
        }

        @Override
        public byte[] of(WindowResult r) {
            if (starts == null) { // transient: created on the task, after deserialization
                starts = new LastIsoTime();
                ends = new LastIsoTime();
            }
            return toJson(r, starts.of(r.windowStart), ends.of(r.windowEnd), jobVersion, upsert);
        }
    }

    /** The ISO-8601 text of the last instant asked for, formatted again only when it changes. */
    private static final class LastIsoTime {
        private long millis;
        private String iso;

        String of(long epochMillis) {
            if (iso == null || epochMillis != millis) {
                millis = epochMillis;
                iso = Json.isoTime(epochMillis);
            }
            return iso;
        }
    }

    public static byte[] toJson(WindowResult r) {
        return toJson(r, null);
    }

    public static byte[] toJson(WindowResult r, String jobVersion) {
        return toJson(r, Json.isoTime(r.windowStart), Json.isoTime(r.windowEnd), jobVersion, false);
    }

    /** The update-mode value: the row with {@code "revision"} and {@code "final"}. */
    public static byte[] toUpsertJson(WindowResult r, String jobVersion) {
        return toJson(r, Json.isoTime(r.windowStart), Json.isoTime(r.windowEnd), jobVersion, true);
    }

    private static byte[] toJson(
            WindowResult r,
            String windowStartIso,
            String windowEndIso,
            String jobVersion,
            boolean upsert) {
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
                    if (upsert) {
                        g.writeNumberField("revision", r.revision);
                        g.writeBooleanField("final", r.isFinal);
                    }
                    g.writeEndObject();
                });
    }
}
