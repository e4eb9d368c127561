package dev.eventflow.jobs.runningcounts;

import dev.eventflow.common.event.Json;
import dev.eventflow.common.kafka.KeyedRecordSerializationSchema;

/**
 * Writes an {@link ActivityUpdate} keyed by user_id, so that a compacted topic keeps the latest
 * value per user: {@code {"user_id","count","first_seen","last_seen","last_session","status"}}
 * (times ISO-8601 UTC), or a null value (a tombstone) that deletes the user.
 */
public final class ActivityUpdateSerializationSchema
        extends KeyedRecordSerializationSchema<ActivityUpdate> {
    private static final long serialVersionUID = 1L;

    public ActivityUpdateSerializationSchema(String topic) {
        super(topic, u -> u.userId, u -> u.tombstone ? null : toJson(u));
    }

    public static byte[] toJson(ActivityUpdate u) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("user_id", u.userId);
                    g.writeNumberField("count", u.count);
                    g.writeStringField("first_seen", Json.isoTime(u.firstSeen));
                    g.writeStringField("last_seen", Json.isoTime(u.lastSeen));
                    g.writeStringField("last_session", u.lastSession);
                    g.writeStringField("status", u.status);
                    g.writeEndObject();
                });
    }
}
