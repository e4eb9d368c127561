package dev.eventflow.jobs.joins;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.eventflow.common.event.MalformedEventException;
import dev.eventflow.common.event.UserEventParser;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Parses the {@code joins} inputs with Jackson's streaming API (one pass, no tree, no reflection,
 * unknown fields skipped), with the same rules and reasons as common's {@link UserEventParser}:
 *
 * <ul>
 *   <li>impression: {@code {"impression_id", "user_id", "ad_id", "event_time"}};
 *   <li>click: {@code {"click_id", "impression_id", "user_id", "event_time"}};
 *   <li>profile: key {@code user_id}, value {@code {"user_id", "country", "segment"}} ({@code
 *       country}, {@code segment} optional), or a tombstone (key set, value null) that deletes it.
 * </ul>
 *
 * Ids must be non-empty strings (numbers are accepted as ids); {@code event_time} is ISO-8601 with
 * a zone or epoch milliseconds, not negative and not more than {@code maxFutureSkewMs} ahead of the
 * wall clock (such a time would drag the watermark forward and make everything after it late).
 * Every violation is a {@link MalformedEventException} whose message is the dead-letter reason.
 */
public final class AdEventParser implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final JsonFactory JSON = new JsonFactory();

    private final long maxFutureSkewMs;
    private final LongSupplier clock;

    public AdEventParser(long maxFutureSkewMs) {
        this(maxFutureSkewMs, (LongSupplier & Serializable) System::currentTimeMillis);
    }

    /** With an explicit wall clock, for tests. The supplier must be serializable. */
    public AdEventParser(long maxFutureSkewMs, LongSupplier clock) {
        if (maxFutureSkewMs <= 0) {
            throw new IllegalArgumentException("maxFutureSkewMs must be positive");
        }
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.clock = clock;
    }

    /** The fields of any of the three inputs, as read. */
    private static final class Fields {
        String impressionId;
        String clickId;
        String userId;
        String adId;
        String country;
        String segment;
        boolean hasTime;
        long eventTime;
    }

    public AdImpression parseImpression(byte[] value) throws MalformedEventException {
        Fields f = read(value);
        require(f.impressionId, "impression_id");
        require(f.userId, "user_id");
        require(f.adId, "ad_id");
        checkTime(f);
        return new AdImpression(f.impressionId, f.userId, f.adId, f.eventTime);
    }

    public AdClick parseClick(byte[] value) throws MalformedEventException {
        Fields f = read(value);
        require(f.clickId, "click_id");
        require(f.impressionId, "impression_id");
        require(f.userId, "user_id");
        checkTime(f);
        return new AdClick(f.clickId, f.impressionId, f.userId, f.eventTime);
    }

    /**
     * A record of the compacted profiles topic. The key is the user id (compaction keeps the latest
     * value per key); a value whose {@code user_id} disagrees with its key is refused, because
     * compaction and a tombstone for that key would then act on a different user than the value.
     */
    public ProfileUpdate parseProfile(byte[] key, byte[] value) throws MalformedEventException {
        String keyText =
                key == null || key.length == 0 ? null : new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            if (keyText == null) {
                throw new MalformedEventException("tombstone without a key (user_id)");
            }
            return ProfileUpdate.delete(keyText);
        }
        Fields f = read(value);
        require(f.userId, "user_id");
        if (keyText != null && !keyText.equals(f.userId)) {
            throw new MalformedEventException(
                    "key '" + keyText + "' does not match user_id '" + f.userId + "'");
        }
        return ProfileUpdate.upsert(new UserProfile(f.userId, f.country, f.segment));
    }

    private Fields read(byte[] value) throws MalformedEventException {
        if (value == null || value.length == 0) {
            throw new MalformedEventException("empty record value");
        }
        try (JsonParser p = JSON.createParser(value)) {
            Fields f = readObject(p);
            if (p.nextToken() != null) {
                throw new MalformedEventException("trailing content after the JSON object");
            }
            return f;
        } catch (JsonParseException ex) {
            throw new MalformedEventException(
                    "not valid JSON: " + firstLine(ex.getOriginalMessage()));
        } catch (IOException ex) {
            throw new MalformedEventException("unreadable record: " + ex.getMessage());
        }
    }

    private static Fields readObject(JsonParser p) throws IOException, MalformedEventException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new MalformedEventException("not a JSON object");
        }
        Fields f = new Fields();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "impression_id":
                    f.impressionId = text(p, v, field);
                    break;
                case "click_id":
                    f.clickId = text(p, v, field);
                    break;
                case "user_id":
                    f.userId = text(p, v, field);
                    break;
                case "ad_id":
                    f.adId = text(p, v, field);
                    break;
                case "country":
                    f.country = text(p, v, field);
                    break;
                case "segment":
                    f.segment = text(p, v, field);
                    break;
                case "event_time":
                    if (v != JsonToken.VALUE_NULL) {
                        f.eventTime = eventTime(p, v);
                        f.hasTime = true;
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new MalformedEventException("not valid JSON: unterminated object");
        }
        return f;
    }

    private void checkTime(Fields f) throws MalformedEventException {
        if (!f.hasTime) throw new MalformedEventException("missing field event_time");
        if (f.eventTime < 0) {
            throw new MalformedEventException("event_time is negative: " + f.eventTime);
        }
        long now = clock.getAsLong();
        if (f.eventTime > now + maxFutureSkewMs) {
            throw new MalformedEventException(
                    "event_time "
                            + Instant.ofEpochMilli(f.eventTime)
                            + " is more than "
                            + maxFutureSkewMs
                            + " ms ahead of the wall clock ("
                            + Instant.ofEpochMilli(now)
                            + ")");
        }
    }

    private static void require(String value, String field) throws MalformedEventException {
        if (value == null) throw new MalformedEventException("missing field " + field);
        if (value.isEmpty()) throw new MalformedEventException("empty field " + field);
    }

    private static String text(JsonParser p, JsonToken v, String field)
            throws IOException, MalformedEventException {
        if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT) return p.getText();
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
        if (v == JsonToken.VALUE_STRING) return UserEventParser.parseTime(p.getText());
        throw new MalformedEventException(
                "event_time must be ISO-8601 with a zone or epoch milliseconds, got "
                        + describe(v));
    }

    private static String firstLine(String message) {
        if (message == null) return "unreadable";
        int cut = message.indexOf('\n');
        String line = cut < 0 ? message : message.substring(0, cut);
        int marker = line.indexOf(" (start marker");
        return marker < 0 ? line : line.substring(0, marker);
    }

    private static String describe(JsonToken v) {
        switch (v) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            default:
                return v.toString();
        }
    }
}
