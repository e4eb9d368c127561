package dev.eventflow.jobs.joins;

import java.time.Instant;
import java.util.Objects;

/**
 * One ad click from {@code --clicks-topic}: {@code {"click_id", "impression_id", "user_id",
 * "event_time"}}; {@code impression_id} is the join key. A Flink POJO.
 */
public class AdClick {

    public String clickId;
    public String impressionId;
    public String userId;

    /** Event time, epoch milliseconds UTC. */
    public long eventTime;

    public AdClick() {}

    public AdClick(String clickId, String impressionId, String userId, long eventTime) {
        this.clickId = clickId;
        this.impressionId = impressionId;
        this.userId = userId;
        this.eventTime = eventTime;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof AdClick)) return false;
        AdClick that = (AdClick) o;
        return eventTime == that.eventTime
                && Objects.equals(clickId, that.clickId)
                && Objects.equals(impressionId, that.impressionId)
                && Objects.equals(userId, that.userId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(clickId, impressionId, userId, eventTime);
    }

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
