package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.event.UserEvent;

/**
 * An event that arrived after the watermark had closed every window it belongs to: the event, the
 * watermark it met, and by how much it missed ({@code watermark - event_time}).
 */
public record LateEvent(UserEvent event, long watermark, long latenessMs) {

    public LateEvent(UserEvent event, long watermark) {
        this(event, watermark, watermark - event.eventTime);
    }

    @Override
    public String toString() {
        return "LateEvent{"
                + event
                + ", watermark="
                + java.time.Instant.ofEpochMilli(watermark)
                + ", latenessMs="
                + latenessMs
                + "}";
    }
}
