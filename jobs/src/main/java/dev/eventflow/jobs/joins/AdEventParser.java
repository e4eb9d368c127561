package dev.eventflow.jobs.joins;

import com.fasterxml.jackson.core.JsonToken;
import dev.eventflow.common.event.JsonFields;
import dev.eventflow.common.event.MalformedEventException;
import dev.eventflow.common.event.ParsingDeserializationSchema;
import dev.eventflow.common.time.EventTimes;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Parses the {@code joins} inputs with Jackson's streaming API (one pass, no tree, no reflection,
 * unknown fields skipped), with the field handling and reasons of common's {@link JsonFields} and
 * the time rules of {@link EventTimes}:
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

    /** The joins' impressions source schema: impressions, or dead letters. */
    public ParsingDeserializationSchema<AdImpression> impressions() {
        return new ParsingDeserializationSchema<>(
                r -> parseImpression(r.value()), TypeInformation.of(AdImpression.class));
    }

    /** The joins' clicks source schema: clicks, or dead letters. */
    public ParsingDeserializationSchema<AdClick> clicks() {
        return new ParsingDeserializationSchema<>(
                r -> parseClick(r.value()), TypeInformation.of(AdClick.class));
    }

    /** The profiles source schema: profile updates (tombstones included), or dead letters. */
    public ParsingDeserializationSchema<ProfileUpdate> profiles() {
        return new ParsingDeserializationSchema<>(
                r -> parseProfile(r.key(), r.value()), TypeInformation.of(ProfileUpdate.class));
    }

    public AdImpression parseImpression(byte[] value) throws MalformedEventException {
        Fields f = read(value);
        JsonFields.require(f.impressionId, "impression_id");
        JsonFields.require(f.userId, "user_id");
        JsonFields.require(f.adId, "ad_id");
        checkTime(f);
        return new AdImpression(f.impressionId, f.userId, f.adId, f.eventTime);
    }

    public AdClick parseClick(byte[] value) throws MalformedEventException {
        Fields f = read(value);
        JsonFields.require(f.clickId, "click_id");
        JsonFields.require(f.impressionId, "impression_id");
        JsonFields.require(f.userId, "user_id");
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
        JsonFields.require(f.userId, "user_id");
        if (keyText != null && !keyText.equals(f.userId)) {
            throw new MalformedEventException(
                    "key '" + keyText + "' does not match user_id '" + f.userId + "'");
        }
        return ProfileUpdate.upsert(new UserProfile(f.userId, f.country, f.segment));
    }

    private static Fields read(byte[] value) throws MalformedEventException {
        Fields f = new Fields();
        JsonFields.readObject(
                value,
                (field, v, p) -> {
                    switch (field) {
                        case "impression_id" -> f.impressionId = JsonFields.text(p, v, field);
                        case "click_id" -> f.clickId = JsonFields.text(p, v, field);
                        case "user_id" -> f.userId = JsonFields.text(p, v, field);
                        case "ad_id" -> f.adId = JsonFields.text(p, v, field);
                        case "country" -> f.country = JsonFields.text(p, v, field);
                        case "segment" -> f.segment = JsonFields.text(p, v, field);
                        case "event_time" -> {
                            if (v != JsonToken.VALUE_NULL) {
                                f.eventTime = JsonFields.eventTime(p, v);
                                f.hasTime = true;
                            }
                        }
                        default -> p.skipChildren();
                    }
                });
        return f;
    }

    private void checkTime(Fields f) throws MalformedEventException {
        if (!f.hasTime) throw new MalformedEventException("missing field event_time");
        EventTimes.requirePlausible(f.eventTime, clock.getAsLong(), maxFutureSkewMs);
    }
}
