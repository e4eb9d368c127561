package dev.eventflow.jobs.reconcile;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.kafka.KeyedRecordSerializationSchema;
import dev.eventflow.jobs.windowstats.WindowResult;
import java.io.IOException;

/**
 * The reconcile report's JSON (one topic, two kinds of rows, each tagged with the run's id):
 *
 * <pre>
 * {"run_id", "kind": "missing|extra|duplicate|different|hll_error", "user_id", "window_start",
 *  "window_end", "fields": [...], "fast_rows",
 *  "expected": {"events","exact_sessions","approx_sessions","sum_amount","avg_amount","min_amount","max_amount","purchases"} | null,
 *  "actual":   {"events","approx_sessions","sum_amount","avg_amount","min_amount","max_amount","purchases"} | null,
 *  "hll_error", "hll_relative_error", "hll_outlier"}            (key user_id)
 *
 * {"run_id", "kind": "window", "window_start", "window_end", "expected_rows", "fast_rows",
 *  "matching", "missing", "extra", "duplicate", "different", "hll_error", "hll_outliers",
 *  "expected_events", "fast_events", "max_hll_relative_error"}    (key window_start)
 * </pre>
 *
 * Rows that match are not written one by one; they are counted in their window's row.
 */
public final class ReportSerialization {

    private ReportSerialization() {}

    public static final String WINDOW_KIND = "window";

    /** Difference rows. */
    public static final class Differences extends KeyedRecordSerializationSchema<DiffRow> {
        private static final long serialVersionUID = 1L;

        public Differences(String topic, String runId) {
            super(topic, d -> d.userId, d -> toJson(d, runId));
        }
    }

    /** One row per window. */
    public static final class Windows extends KeyedRecordSerializationSchema<WindowSummary> {
        private static final long serialVersionUID = 1L;

        public Windows(String topic, String runId) {
            super(topic, s -> Json.isoTime(s.windowStart), s -> toJson(s, runId));
        }
    }

    public static byte[] toJson(DiffRow d, String runId) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("run_id", runId);
                    g.writeStringField("kind", d.kind.label());
                    g.writeStringField("user_id", d.userId);
                    g.writeStringField("window_start", Json.isoTime(d.windowStart));
                    g.writeStringField("window_end", Json.isoTime(d.windowEnd));
                    g.writeArrayFieldStart("fields");
                    if (!d.fields.isEmpty()) {
                        for (String f : d.fields.split(",")) g.writeString(f);
                    }
                    g.writeEndArray();
                    g.writeNumberField("fast_rows", d.fastRows);
                    if (d.expected == null) {
                        g.writeNullField("expected");
                    } else {
                        g.writeObjectFieldStart("expected");
                        g.writeNumberField("events", d.expected.row.events);
                        g.writeNumberField("exact_sessions", d.expected.exactSessions);
                        g.writeNumberField("approx_sessions", d.expected.row.approxSessions);
                        amounts(g, d.expected.row);
                        g.writeEndObject();
                    }
                    if (d.actual == null) {
                        g.writeNullField("actual");
                    } else {
                        g.writeObjectFieldStart("actual");
                        g.writeNumberField("events", d.actual.events);
                        g.writeNumberField("approx_sessions", d.actual.approxSessions);
                        amounts(g, d.actual);
                        g.writeEndObject();
                    }
                    if (d.expected != null && d.actual != null) {
                        g.writeNumberField("hll_error", d.hllError);
                        g.writeNumberField("hll_relative_error", d.hllRelativeError);
                        g.writeBooleanField("hll_outlier", d.hllOutlier);
                    } else {
                        g.writeNullField("hll_error");
                        g.writeNullField("hll_relative_error");
                        g.writeNullField("hll_outlier");
                    }
                    g.writeEndObject();
                });
    }

    private static void amounts(JsonGenerator g, WindowResult r) throws IOException {
        Json.number(g, "sum_amount", r.sumAmount);
        Json.number(g, "avg_amount", r.avgAmount);
        Json.number(g, "min_amount", r.minAmount);
        Json.number(g, "max_amount", r.maxAmount);
        g.writeNumberField("purchases", r.purchases);
    }

    public static byte[] toJson(WindowSummary s, String runId) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("run_id", runId);
                    g.writeStringField("kind", WINDOW_KIND);
                    g.writeStringField("window_start", Json.isoTime(s.windowStart));
                    g.writeStringField("window_end", Json.isoTime(s.windowEnd));
                    g.writeNumberField("expected_rows", s.expectedRows);
                    g.writeNumberField("fast_rows", s.fastRows);
                    g.writeNumberField("matching", s.matching);
                    g.writeNumberField("missing", s.missing);
                    g.writeNumberField("extra", s.extra);
                    g.writeNumberField("duplicate", s.duplicate);
                    g.writeNumberField("different", s.different);
                    g.writeNumberField("hll_error", s.hllError);
                    g.writeNumberField("hll_outliers", s.hllOutliers);
                    g.writeNumberField("expected_events", s.expectedEvents);
                    g.writeNumberField("fast_events", s.fastEvents);
                    g.writeNumberField("max_hll_relative_error", s.maxHllRelativeError);
                    g.writeEndObject();
                });
    }
}
