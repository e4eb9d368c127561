package dev.eventflow.jobs.joins;

import dev.eventflow.common.event.UserEvent;

/**
 * A user event with the profile its user had when the event was processed; {@link #profile} is null
 * when the user had none (never loaded yet, or deleted by a tombstone). A Flink POJO.
 */
public class EnrichedEvent {

    /** {@link #lookup}: the profile was found in Redis. */
    public static final String HIT = "hit";

    /** {@link #lookup}: Redis has no profile for the user. */
    public static final String MISS = "miss";

    /** {@link #lookup}: no answer within {@code --async-timeout} (retries included). */
    public static final String TIMEOUT = "timeout";

    /** {@link #lookup}: Redis could not be reached, after every retry. */
    public static final String UNAVAILABLE = "unavailable";

    /** {@link #lookup}: Redis answered with an error for this key (e.g. not a hash). */
    public static final String ERROR = "error";

    public UserEvent event;
    public UserProfile profile;

    /**
     * How the profile was looked up in {@code --mode enrich-async}: {@link #HIT}, {@link #MISS},
     * {@link #TIMEOUT}, {@link #UNAVAILABLE} or {@link #ERROR} (the fallbacks leave {@link
     * #profile} null); null in {@code --mode enrich}.
     */
    public String lookup;

    public EnrichedEvent() {}

    public EnrichedEvent(UserEvent event, UserProfile profile) {
        this.event = event;
        this.profile = profile;
    }

    public EnrichedEvent(UserEvent event, UserProfile profile, String lookup) {
        this.event = event;
        this.profile = profile;
        this.lookup = lookup;
    }

    @Override
    public String toString() {
        return "EnrichedEvent{"
                + event
                + ", "
                + profile
                + (lookup == null ? "" : ", lookup=" + lookup)
                + "}";
    }
}
