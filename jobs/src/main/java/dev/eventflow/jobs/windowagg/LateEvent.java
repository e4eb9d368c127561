package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.event.UserEvent;

/**
 * An event that arrived after the watermark had closed every window it belongs to: the event, the
 * watermark it met, and by how much it missed ({@code watermark - event_time}). A Flink POJO.
 */
public class LateEvent {

    public UserEvent event;
    public long watermark;
    public long latenessMs;

    public LateEvent() {}

    public LateEvent(UserEvent event, long watermark) {
        this.event = event;
        this.watermark = watermark;
        this.latenessMs = watermark - event.eventTime;
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
