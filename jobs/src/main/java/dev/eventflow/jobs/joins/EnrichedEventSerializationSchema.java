package dev.eventflow.jobs.joins;

import dev.eventflow.common.event.Json;
import dev.eventflow.common.kafka.KeyedRecordSerializationSchema;

/**
 * Writes an {@link EnrichedEvent} keyed by user_id: the event in its input format (event_time as
 * ISO-8601 UTC) plus {@code "profile_found"} (true or false), {@code "country"} and {@code
 * "segment"} (null when there is no profile or the profile leaves them out); in {@code --mode
 * enrich-async} also {@code "lookup"}: {@code hit}, {@code miss}, {@code timeout}, {@code
 * unavailable} or {@code error}.
 */
public final class EnrichedEventSerializationSchema
        extends KeyedRecordSerializationSchema<EnrichedEvent> {
    private static final long serialVersionUID = 1L;

    public EnrichedEventSerializationSchema(String topic) {
        super(topic, e -> e.event().userId, EnrichedEventSerializationSchema::toJson);
    }

    public static byte[] toJson(EnrichedEvent e) {
        return Json.eventWith(
                e.event(),
                g -> {
                    g.writeBooleanField("profile_found", e.profile() != null);
                    g.writeStringField("country", e.profile() == null ? null : e.profile().country);
                    g.writeStringField("segment", e.profile() == null ? null : e.profile().segment);
                    if (e.lookup() != null) g.writeStringField("lookup", e.lookup());
                });
    }
}
