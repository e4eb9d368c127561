package dev.eventflow.jobs.joins;

import dev.eventflow.common.event.UserEvent;

/**
 * A user event with the profile its user had when the event was processed; {@link #profile} is null
 * when the user had none (never loaded yet, or deleted by a tombstone). A Flink POJO.
 */
public class EnrichedEvent {

    public UserEvent event;
    public UserProfile profile;

    public EnrichedEvent() {}

    public EnrichedEvent(UserEvent event, UserProfile profile) {
        this.event = event;
        this.profile = profile;
    }

    @Override
    public String toString() {
        return "EnrichedEvent{" + event + ", " + profile + "}";
    }
}
