package dev.eventflow.common.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.eventflow.common.time.EventTimes;
import java.io.IOException;

/**
 * The field handling every JSON input parser shares (user events, ad impressions and clicks,
 * profiles): one streaming pass over one object, unknown fields skipped, and the same reasons for
 * the same faults, which become the dead-letter reasons.
 */
public final class JsonFields {

    /**
     * Duplicate fields are refused ({@code "not valid JSON: Duplicate field 'user_id'"}): which of
     * two values a record means is a guess, and a guess is not processing.
     */
    private static final JsonFactory JSON =
            JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /**
     * The longest text field accepted, in characters. Ids and profile attributes are short; a field
     * of hundreds of kilobytes is a producer bug, and worse: copied into an output record (a joined
     * row carries impression_id twice, as key and in the value) it can exceed the producer's {@code
     * max.request.size}, which would fail the sink on every restart. Refused here, it is one dead
     * letter.
     */
    public static final int MAX_TEXT_LENGTH = 1024;

    /** How many characters of a bad value a reason quotes. */
    static final int MAX_QUOTED = 64;

    private JsonFields() {}

    /**
     * Receives each field of the object: its name, its first token, the parser positioned on it.
     */
    @FunctionalInterface
    public interface FieldReader {
        /** Reads the value (or skips it with {@code p.skipChildren()}). */
        void field(String name, JsonToken value, JsonParser p)
                throws IOException, MalformedEventException;
    }

    /**
     * Reads {@code value} as exactly one JSON object, handing each field to {@code fields}.
     *
     * @throws MalformedEventException when the value is empty, not JSON, not an object, or has
     *     trailing content, or when {@code fields} refuses a field
     */
    public static void readObject(byte[] value, FieldReader fields) throws MalformedEventException {
        if (value == null || value.length == 0) {
            throw new MalformedEventException("empty record value");
        }
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedEventException("not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                fields.field(field, p.nextToken(), p);
            }
            if (t != JsonToken.END_OBJECT) {
                throw new MalformedEventException("not valid JSON: unterminated object");
            }
            if (p.nextToken() != null) {
                throw new MalformedEventException("trailing content after the JSON object");
            }
        } catch (JsonProcessingException ex) {
            // Syntax errors, and the parser's limits (nesting depth, number length)
            throw new MalformedEventException(
                    "not valid JSON: " + firstLine(ex.getOriginalMessage()));
        } catch (IOException ex) {
            throw new MalformedEventException("unreadable record: " + firstLine(ex.getMessage()));
        }
    }

    /** A required text field: present and not empty. */
    public static void require(String value, String field) throws MalformedEventException {
        if (value == null) throw new MalformedEventException("missing field " + field);
        if (value.isEmpty()) throw new MalformedEventException("empty field " + field);
    }

    /**
     * A text field; ids sent as numbers are still ids; null is absent. Longer than {@link
     * #MAX_TEXT_LENGTH} is refused.
     */
    public static String text(JsonParser p, JsonToken v, String field)
            throws IOException, MalformedEventException {
        if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT) {
            int length = p.getTextLength();
            if (length > MAX_TEXT_LENGTH) {
                throw new MalformedEventException(
                        "field "
                                + field
                                + " is too long: "
                                + length
                                + " characters, at most "
                                + MAX_TEXT_LENGTH);
            }
            return p.getText();
        }
        if (v == JsonToken.VALUE_NULL) return null;
        throw new MalformedEventException(
                "field " + field + " must be a string, got " + describe(v));
    }

    /** {@code event_time}: epoch milliseconds as a number, or a string {@link EventTimes#parse}. */
    public static long eventTime(JsonParser p, JsonToken v)
            throws IOException, MalformedEventException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new MalformedEventException("event_time out of range: " + quote(p.getText()));
            }
            return p.getLongValue();
        }
        if (v == JsonToken.VALUE_STRING) return EventTimes.parse(p.getText());
        if (v == JsonToken.VALUE_NULL) {
            throw new MalformedEventException("missing field event_time");
        }
        if (v == JsonToken.VALUE_NUMBER_FLOAT) {
            throw new MalformedEventException(
                    "event_time must be whole epoch milliseconds or ISO-8601 with a zone, got "
                            + quote(p.getText()));
        }
        throw new MalformedEventException(
                "event_time must be ISO-8601 with a zone or epoch milliseconds, got "
                        + describe(v));
    }

    /**
     * A bad value as a reason quotes it: at most {@link #MAX_QUOTED} characters, then the length of
     * the rest. A reason is a header of the dead letter and a line in a log; the value itself is in
     * the dead letter.
     */
    public static String quote(String value) {
        if (value == null) return "null";
        if (value.length() <= MAX_QUOTED) return "'" + value + "'";
        int cut = MAX_QUOTED;
        if (Character.isHighSurrogate(value.charAt(cut - 1))) cut--; // keep pairs whole
        return "'" + value.substring(0, cut) + "...' (" + value.length() + " characters)";
    }

    /**
     * Jackson's messages carry a location suffix and sometimes several lines; the reason needs
     * neither.
     */
    static String firstLine(String message) {
        if (message == null) return "unreadable";
        int cut = message.indexOf('\n');
        String line = cut < 0 ? message : message.substring(0, cut);
        int marker = line.indexOf(" (start marker");
        return marker < 0 ? line : line.substring(0, marker);
    }

    /** How a reason names a token: "an object", "a number", ... */
    public static String describe(JsonToken v) {
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
