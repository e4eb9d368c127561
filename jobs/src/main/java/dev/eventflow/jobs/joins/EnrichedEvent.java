package dev.eventflow.jobs.joins;

import dev.eventflow.common.event.UserEvent;

/**
 * A user event with the profile its user had when the event was processed; {@code profile} is null
 * when the user had none (never loaded yet, or deleted by a tombstone).
 */
public record EnrichedEvent(UserEvent event, UserProfile profile) {}
