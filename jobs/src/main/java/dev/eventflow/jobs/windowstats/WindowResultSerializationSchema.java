package dev.eventflow.jobs.windowstats;

import dev.eventflow.common.event.Json;
import dev.eventflow.common.kafka.KeyedRecordSerializationSchema;

/**
 * Writes a {@link WindowResult} as JSON, keyed by user_id (so one user's windows stay in order in
 * one partition): {@code
 * {"user_id","window_start","window_end","events","approx_sessions","sum_amount","avg_amount",
 * "min_amount","max_amount","purchases"}}, plus {@code "job_version"} when {@code --job-version} is
 * set (an additive field: readers that do not know it ignore it).
 */
public final class WindowResultSerializationSchema
        extends KeyedRecordSerializationSchema<WindowResult> {
    private static final long serialVersionUID = 1L;

    public WindowResultSerializationSchema(String topic) {
        this(topic, null);
    }

    /** With {@code jobVersion} non-null, every row carries {@code "job_version": jobVersion}. */
    public WindowResultSerializationSchema(String topic, String jobVersion) {
        super(topic, r -> r.userId, new RowWriter(jobVersion));
    }

    /**
     * The value of a row, with the ISO-8601 text of the last window bounds kept: every user's rows
     * of one slide share their bounds (a firing writes thousands of rows for the same window), and
     * formatting an instant costs more than writing the rest of the row.
     */
    private static final class RowWriter implements Field<WindowResult, byte[]> {
        private static final long serialVersionUID = 1L;

        private final String jobVersion;
        private transient LastIsoTime starts;
        private transient LastIsoTime ends;

        RowWriter(String jobVersion) {
            this.jobVersion = jobVersion;
        }

        @Override
        public byte[] of(WindowResult r) {
            if (starts == null) { // transient: created on the task, after deserialization
                starts = new LastIsoTime();
                ends = new LastIsoTime();
            }
            return toJson(r, starts.of(r.windowStart), ends.of(r.windowEnd), jobVersion);
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
