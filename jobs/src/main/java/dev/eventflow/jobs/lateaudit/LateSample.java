package dev.eventflow.jobs.lateaudit;

import dev.eventflow.common.event.UserEvent;

/**
 * A sampled late or lost event: the event, its tier, the main-tier watermark it missed and by how
 * much.
 *
 * @param watermark the main tier's watermark when the event arrived
 * @param latenessMs {@code watermark - event_time}
 */
public record LateSample(UserEvent event, Tier tier, long watermark, long latenessMs) {}
