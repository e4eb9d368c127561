package dev.eventflow.jobs.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.event.MalformedEventException;
import dev.eventflow.common.event.ParsingDeserializationSchema;
import dev.eventflow.common.time.EventTimes;
import dev.eventflow.jobs.windowstats.WindowResult;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Reads {@code window-aggregation}'s output rows back into {@link WindowResult}s. A record that is
 * not such a row becomes a dead letter (reason prefixed {@code fast-path row:}); it never fails the
 * run.
 */
public final class FastRowParser {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FastRowParser() {}

    /** The fast topic's source schema: rows, or dead letters. */
    public static ParsingDeserializationSchema<WindowResult> schema() {
        return new ParsingDeserializationSchema<>(
                r -> parseRecord(r.value()), TypeInformation.of(WindowResult.class));
    }

    private static WindowResult parseRecord(byte[] value) throws MalformedEventException {
        try {
            return parse(value);
        } catch (IllegalArgumentException | IOException e) {
            throw new MalformedEventException("fast-path row: " + e.getMessage());
        }
    }

    /** Parses one row; {@link IllegalArgumentException} says what is wrong. */
    public static WindowResult parse(byte[] value) throws IOException {
        if (value == null) throw new IllegalArgumentException("null value");
        JsonNode n = MAPPER.readTree(value);
        if (n == null || !n.isObject()) throw new IllegalArgumentException("not a JSON object");
        WindowResult r = new WindowResult();
        r.userId = text(n, "user_id");
        r.windowStart = time(n, "window_start");
        r.windowEnd = time(n, "window_end");
        r.events = integer(n, "events");
        r.approxSessions = integer(n, "approx_sessions");
        r.sumAmount = nullableNumber(n, "sum_amount");
        r.avgAmount = nullableNumber(n, "avg_amount");
        r.minAmount = nullableNumber(n, "min_amount");
        r.maxAmount = nullableNumber(n, "max_amount");
        r.purchases = integer(n, "purchases");
        return r;
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode f = n.get(name);
        if (f == null) throw new IllegalArgumentException("missing field " + name);
        return f;
    }

    private static String text(JsonNode n, String name) {
        JsonNode f = field(n, name);
        if (!f.isTextual() || f.asText().isEmpty()) {
            throw new IllegalArgumentException(name + " is not a non-empty string");
        }
        return f.asText();
    }

    private static long time(JsonNode n, String name) {
        try {
            return EventTimes.parse(text(n, name));
        } catch (MalformedEventException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static long integer(JsonNode n, String name) {
        JsonNode f = field(n, name);
        if (!f.isIntegralNumber()) throw new IllegalArgumentException(name + " is not an integer");
        return f.asLong();
    }

    private static Double nullableNumber(JsonNode n, String name) {
        JsonNode f = field(n, name);
        if (f.isNull()) return null;
        if (!f.isNumber()) throw new IllegalArgumentException(name + " is not a number");
        return f.asDouble();
    }
}
