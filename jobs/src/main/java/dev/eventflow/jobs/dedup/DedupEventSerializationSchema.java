package dev.eventflow.jobs.dedup;

import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.kafka.KeyedRecordSerializationSchema;

/**
 * Writes a deduplicated event in the input format ({@code event_time} as ISO-8601 UTC), keyed by
 * user_id like the input, so one user's events stay in order in one partition.
 */
public final class DedupEventSerializationSchema extends KeyedRecordSerializationSchema<UserEvent> {
    private static final long serialVersionUID = 1L;

    public DedupEventSerializationSchema(String topic) {
        super(topic, e -> e.userId, Json::event);
    }
}
