package dev.eventflow.jobs.lateaudit;

import dev.eventflow.common.event.UserEvent;

/**
 * A sampled late or lost event: the event, its tier, the main-tier watermark it missed and by how
 * much. A Flink POJO.
 */
public class LateSample {

    public UserEvent event;
    public Tier tier;

    /** The main tier's watermark when the event arrived. */
    public long watermark;

    /** {@code watermark - event_time}. */
    public long latenessMs;

    public LateSample() {}

    public LateSample(UserEvent event, Tier tier, long watermark, long latenessMs) {
        this.event = event;
        this.tier = tier;
        this.watermark = watermark;
        this.latenessMs = latenessMs;
    }
}
