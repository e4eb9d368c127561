package dev.eventflow.common.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.LongSupplier;

/**
 * Parses one JSON user event with Jackson's streaming API: one pass over the bytes, no tree, no
 * reflection, unknown fields skipped. This is the per-event hot loop of every job.
 *
 * <p>Accepted {@code event_time}: ISO-8601 with a zone or offset ({@code 2026-01-01T10:00:00Z},
 * {@code 2026-01-01T11:00:00+01:00}, {@code ...[Europe/Paris]}) or epoch milliseconds (a JSON
 * integer or a string of digits). A time that parses but cannot be real is rejected too: negative,
 * or more than {@code maxFutureSkewMs} ahead of the wall clock. Such a record would push the
 * bounded-out-of-orderness watermark forward and make every later event look late, silently
 * dropping them; as a dead letter it is harmless and visible.
 */
public final class UserEventParser implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final JsonFactory JSON = new JsonFactory();

    private final long maxFutureSkewMs;
    private final LongSupplier clock;

    public UserEventParser(long maxFutureSkewMs) {
        this(maxFutureSkewMs, (LongSupplier & Serializable) System::currentTimeMillis);
    }

    /** With an explicit wall clock, for tests. The supplier must be serializable. */
    public UserEventParser(long maxFutureSkewMs, LongSupplier clock) {
        if (maxFutureSkewMs <= 0)
            throw new IllegalArgumentException("maxFutureSkewMs must be positive");
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.clock = clock;
    }

    public UserEvent parse(byte[] value) throws MalformedEventException {
        if (value == null || value.length == 0) {
            throw new MalformedEventException("empty record value");
        }
        try (JsonParser p = JSON.createParser(value)) {
            UserEvent e = readObject(p);
            if (p.nextToken() != null) {
                throw new MalformedEventException("trailing content after the JSON object");
            }
            return e;
        } catch (JsonParseException ex) {
            throw new MalformedEventException(
                    "not valid JSON: " + firstLine(ex.getOriginalMessage()));
        } catch (IOException ex) {
            throw new MalformedEventException("unreadable record: " + ex.getMessage());
        }
    }

    private UserEvent readObject(JsonParser p) throws IOException, MalformedEventException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new MalformedEventException("not a JSON object");
        }
        UserEvent e = new UserEvent();
        boolean hasTime = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "event_id":
                    e.eventId = text(p, v, field);
                    break;
                case "user_id":
                    e.userId = text(p, v, field);
                    break;
                case "session_id":
                    e.sessionId = text(p, v, field);
                    break;
                case "event_type":
                    e.eventType = text(p, v, field);
                    break;
                case "event_time":
                    e.eventTime = eventTime(p, v);
                    hasTime = true;
                    break;
                case "amount":
                    e.amount = amount(p, v);
                    break;
                default:
                    p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new MalformedEventException("not valid JSON: unterminated object");
        }
        require(e.eventId, "event_id");
        require(e.userId, "user_id");
        require(e.sessionId, "session_id");
        require(e.eventType, "event_type");
        if (!hasTime) throw new MalformedEventException("missing field event_time");
        if (e.eventTime < 0) {
            throw new MalformedEventException("event_time is negative: " + e.eventTime);
        }
        long now = clock.getAsLong();
        if (e.eventTime > now + maxFutureSkewMs) {
            throw new MalformedEventException(
                    "event_time "
                            + Instant.ofEpochMilli(e.eventTime)
                            + " is more than "
                            + maxFutureSkewMs
                            + " ms ahead of the wall clock ("
                            + Instant.ofEpochMilli(now)
                            + ")");
        }
        return e;
    }

    /**
     * Jackson's messages carry a location suffix and sometimes several lines; the reason needs
     * neither.
     */
    private static String firstLine(String message) {
        if (message == null) return "unreadable";
        int cut = message.indexOf('\n');
        String line = cut < 0 ? message : message.substring(0, cut);
        int marker = line.indexOf(" (start marker");
        return marker < 0 ? line : line.substring(0, marker);
    }

    private static void require(String value, String field) throws MalformedEventException {
        if (value == null) throw new MalformedEventException("missing field " + field);
        if (value.isEmpty()) throw new MalformedEventException("empty field " + field);
    }

    private static String text(JsonParser p, JsonToken v, String field)
            throws IOException, MalformedEventException {
        if (v == JsonToken.VALUE_STRING) return p.getText();
        if (v == JsonToken.VALUE_NUMBER_INT)
            return p.getText(); // ids sent as numbers are still ids
        if (v == JsonToken.VALUE_NULL) return null;
        throw new MalformedEventException(
                "field " + field + " must be a string, got " + describe(v));
    }

    private static long eventTime(JsonParser p, JsonToken v)
            throws IOException, MalformedEventException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new MalformedEventException("event_time out of range: " + p.getText());
            }
            return p.getLongValue();
        }
        if (v == JsonToken.VALUE_STRING) {
            return parseTime(p.getText());
        }
        if (v == JsonToken.VALUE_NULL)
            throw new MalformedEventException("missing field event_time");
        throw new MalformedEventException(
                "event_time must be ISO-8601 with a zone or epoch milliseconds, got "
                        + describe(v));
    }

    /**
     * ISO-8601 with zone/offset, or a string of digits meaning epoch milliseconds (shared with the
     * SQL recipes' {@code EVENT_TIME_MILLIS} function, so both paths accept the same times).
     */
    public static long parseTime(String s) throws MalformedEventException {
        if (!s.isEmpty() && allDigits(s)) {
            if (s.length() > 18) throw new MalformedEventException("event_time out of range: " + s);
            return Long.parseLong(s);
        }
        try {
            if (s.endsWith("Z") || s.endsWith("z")) return Instant.parse(s).toEpochMilli();
            return ZonedDateTime.parse(s, DateTimeFormatter.ISO_ZONED_DATE_TIME)
                    .toInstant()
                    .toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new MalformedEventException(
                    "event_time '"
                            + s
                            + "' is neither ISO-8601 with a zone (2026-01-01T10:00:00Z) nor epoch milliseconds");
        }
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }

    private static Double amount(JsonParser p, JsonToken v)
            throws IOException, MalformedEventException {
        if (v == JsonToken.VALUE_NULL) return null;
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new MalformedEventException("amount is not a finite number: " + p.getText());
            }
            return d;
        }
        throw new MalformedEventException("amount must be a number, got " + describe(v));
    }

    private static String describe(JsonToken v) {
        if (v == null) return "nothing";
        switch (v) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return v.toString();
        }
    }
}
