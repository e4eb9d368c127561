package dev.eventflow.jobs.joins;

import dev.eventflow.common.event.UserEvent;

/**
 * A user event with the profile its user had when the event was processed; {@code profile} is null
 * when the user had none (never loaded yet, or deleted by a tombstone). {@code lookup} says how the
 * profile was looked up in {@code --mode enrich-async}: {@link #HIT}, {@link #MISS}, {@link
 * #TIMEOUT}, {@link #UNAVAILABLE} or {@link #ERROR} (the fallbacks leave {@code profile} null); it
 * is null in {@code --mode enrich}.
 */
public record EnrichedEvent(UserEvent event, UserProfile profile, String lookup) {

    /** {@code lookup}: the profile was found in Redis. */
    public static final String HIT = "hit";

    /** {@code lookup}: Redis has no profile for the user. */
    public static final String MISS = "miss";

    /** {@code lookup}: no answer within {@code --async-timeout} (retries included). */
    public static final String TIMEOUT = "timeout";

    /** {@code lookup}: Redis could not be reached, after every retry. */
    public static final String UNAVAILABLE = "unavailable";

    /** {@code lookup}: Redis answered with an error for this key (e.g. not a hash). */
    public static final String ERROR = "error";

    /** An event enriched from keyed state ({@code --mode enrich}): no lookup flag. */
    public EnrichedEvent(UserEvent event, UserProfile profile) {
        this(event, profile, null);
    }
}
