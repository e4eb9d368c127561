package dev.eventflow.jobs.joins;

import java.time.Instant;

/**
 * One ad click from {@code --clicks-topic}: {@code {"click_id", "impression_id", "user_id",
 * "event_time"}}; {@code impression_id} is the join key. A record: Flink serializes it with its own
 * {@code PojoSerializer}, never Kryo ({@code JoinsJobGraphTest} checks).
 *
 * @param eventTime event time, epoch milliseconds UTC
 */
public record AdClick(String clickId, String impressionId, String userId, long eventTime) {

    @Override
    public String toString() {
        return "AdClick{"
                + clickId
                + " on "
                + impressionId
                + ", user="
                + userId
                + ", at "
                + Instant.ofEpochMilli(eventTime)
                + "}";
    }
}
