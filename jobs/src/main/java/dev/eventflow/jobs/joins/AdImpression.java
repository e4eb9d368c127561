package dev.eventflow.jobs.joins;

import java.time.Instant;

/**
 * One ad impression from {@code --impressions-topic}: {@code {"impression_id", "user_id", "ad_id",
 * "event_time"}}. A record: Flink serializes it with its own {@code PojoSerializer}, never Kryo
 * ({@code JoinsJobGraphTest} checks).
 *
 * @param eventTime event time, epoch milliseconds UTC
 */
public record AdImpression(String impressionId, String userId, String adId, long eventTime) {

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
