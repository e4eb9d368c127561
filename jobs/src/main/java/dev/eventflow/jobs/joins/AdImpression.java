package dev.eventflow.jobs.joins;

import java.time.Instant;
import java.util.Objects;

/**
 * One ad impression from {@code --impressions-topic}: {@code {"impression_id", "user_id", "ad_id",
 * "event_time"}}. A Flink POJO (public fields, no-argument constructor): serialized by Flink's own
 * {@code PojoSerializer}, never Kryo.
 */
public class AdImpression {

    public String impressionId;
    public String userId;
    public String adId;

    /** Event time, epoch milliseconds UTC. */
    public long eventTime;

    public AdImpression() {}

    public AdImpression(String impressionId, String userId, String adId, long eventTime) {
        this.impressionId = impressionId;
        this.userId = userId;
        this.adId = adId;
        this.eventTime = eventTime;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof AdImpression)) return false;
        AdImpression that = (AdImpression) o;
        return eventTime == that.eventTime
                && Objects.equals(impressionId, that.impressionId)
                && Objects.equals(userId, that.userId)
                && Objects.equals(adId, that.adId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(impressionId, userId, adId, eventTime);
    }

    @Override
    public String toString() {
        return "AdImpression{"
                + impressionId
                + ", user="
                + userId
                + ", ad="
                + adId
                + ", at "
                + Instant.ofEpochMilli(eventTime)
                + "}";
    }
}
