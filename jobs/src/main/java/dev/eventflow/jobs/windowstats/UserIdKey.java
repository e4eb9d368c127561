package dev.eventflow.jobs.windowstats;

import dev.eventflow.common.event.UserEvent;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys events by user_id (Spark's {@code groupBy(..., col("user_id"))}). */
public final class UserIdKey implements KeySelector<UserEvent, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(UserEvent event) {
        return event.userId;
    }
}
