package dev.eventflow.jobs.joins;

import com.fasterxml.jackson.core.JsonToken;
import dev.eventflow.common.event.JsonFields;
import dev.eventflow.common.event.MalformedEventException;
import dev.eventflow.common.event.ParsingDeserializationSchema;
import dev.eventflow.common.time.EventTimes;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
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
 * Ids must be non-empty strings of at most {@link JsonFields#MAX_TEXT_LENGTH} characters (numbers
 * are accepted as ids); fields an input does not use are skipped; {@code event_time} is ISO-8601
 * with a zone or epoch milliseconds, not negative and not more than {@code maxFutureSkewMs} ahead
 * of the wall clock (such a time would drag the watermark forward and make everything after it
 * late). Every violation is a {@link MalformedEventException} whose message is the dead-letter
 * reason.
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
        Fields f = read(value, IMPRESSION_FIELDS);
        JsonFields.require(f.impressionId, "impression_id");
        JsonFields.require(f.userId, "user_id");
        JsonFields.require(f.adId, "ad_id");
        checkTime(f);
        return new AdImpression(f.impressionId, f.userId, f.adId, f.eventTime);
    }

    public AdClick parseClick(byte[] value) throws MalformedEventException {
        Fields f = read(value, CLICK_FIELDS);
        JsonFields.require(f.clickId, "click_id");
        JsonFields.require(f.impressionId, "impression_id");
        JsonFields.require(f.userId, "user_id");
        checkTime(f);
        return new AdClick(f.clickId, f.impressionId, f.userId, f.eventTime);
    }

    /**
     * A record of the compacted profiles topic. The key is the user id (compaction keeps the latest
     * value per key); a value whose {@code user_id} disagrees with its key is refused, because
     * compaction and a tombstone for that key would then act on a different user than the value. An
     * empty key (zero bytes, which a compacted topic accepts, unlike no key) is refused too:
     * compaction would keep one value for all such records, whatever user each was for. A key that
     * is not UTF-8 cannot be a user id. A record without a key (possible on a topic that is not
     * compacted) is taken for the user its value names.
     */
    public ProfileUpdate parseProfile(byte[] key, byte[] value) throws MalformedEventException {
        String keyText = key == null ? null : utf8Key(key);
        if (value == null) {
            if (keyText == null) {
                throw new MalformedEventException("tombstone without a key (user_id)");
            }
            return ProfileUpdate.delete(keyText);
        }
        Fields f = read(value, PROFILE_FIELDS);
        JsonFields.require(f.userId, "user_id");
        if (keyText != null && !keyText.equals(f.userId)) {
            throw new MalformedEventException(
                    "key "
                            + JsonFields.quote(keyText)
                            + " does not match user_id "
                            + JsonFields.quote(f.userId));
        }
        return ProfileUpdate.upsert(new UserProfile(f.userId, f.country, f.segment));
    }

    private static String utf8Key(byte[] key) throws MalformedEventException {
        if (key.length == 0) {
            throw new MalformedEventException("key is empty (it must be the user_id)");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedEventException("key is not valid UTF-8 (it must be the user_id)");
        }
    }

    /**
     * The fields each input reads; the others are unknown fields and skipped, whatever they hold (a
     * profile with an {@code event_time} of any shape is still a profile).
     */
    private static final Set<String> IMPRESSION_FIELDS =
            Set.of("impression_id", "user_id", "ad_id", "event_time");

    private static final Set<String> CLICK_FIELDS =
            Set.of("click_id", "impression_id", "user_id", "event_time");
    private static final Set<String> PROFILE_FIELDS = Set.of("user_id", "country", "segment");

    private static Fields read(byte[] value, Set<String> known) throws MalformedEventException {
        Fields f = new Fields();
        JsonFields.readObject(
                value,
                (field, v, p) -> {
                    if (!known.contains(field)) {
                        p.skipChildren();
                        return;
                    }
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
