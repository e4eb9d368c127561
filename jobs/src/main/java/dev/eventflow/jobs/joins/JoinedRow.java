package dev.eventflow.jobs.joins;

import java.time.Instant;

/**
 * One output row of the stream-stream modes: {@code {"impression_id", "user_id", "ad_id",
 * "impression_time", "click_id", "click_time"}}, with nulls for the missing side of an outer join.
 * {@code impression_id} is always set (it is the join key); {@code user_id} comes from the
 * impression, or from the click when there is no impression.
 *
 * @param impressionTime epoch ms; null for a click without an impression (full outer)
 * @param clickTime epoch ms; null for an impression without a click (left and full outer)
 */
public record JoinedRow(
        String impressionId,
        String userId,
        String adId,
        Long impressionTime,
        String clickId,
        Long clickTime) {

    public static JoinedRow matched(AdImpression i, AdClick c) {
        return new JoinedRow(
                i.impressionId(), i.userId(), i.adId(), i.eventTime(), c.clickId(), c.eventTime());
    }

    public static JoinedRow impressionOnly(AdImpression i) {
        return new JoinedRow(i.impressionId(), i.userId(), i.adId(), i.eventTime(), null, null);
    }

    public static JoinedRow clickOnly(AdClick c) {
        return new JoinedRow(c.impressionId(), c.userId(), null, null, c.clickId(), c.eventTime());
    }

    @Override
    public String toString() {
        return "JoinedRow{"
                + impressionId
                + ", user="
                + userId
                + ", ad="
                + adId
                + ", impression_time="
                + (impressionTime == null ? null : Instant.ofEpochMilli(impressionTime))
                + ", click="
                + clickId
                + ", click_time="
                + (clickTime == null ? null : Instant.ofEpochMilli(clickTime))
                + "}";
    }
}
