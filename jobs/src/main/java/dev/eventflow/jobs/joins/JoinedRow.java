package dev.eventflow.jobs.joins;

import java.time.Instant;
import java.util.Objects;

/**
 * One output row of the stream-stream modes: {@code {"impression_id", "user_id", "ad_id",
 * "impression_time", "click_id", "click_time"}}, with nulls for the missing side of an outer join.
 * {@code impression_id} is always set (it is the join key); {@code user_id} comes from the
 * impression, or from the click when there is no impression. A Flink POJO.
 */
public class JoinedRow {

    public String impressionId;
    public String userId;
    public String adId;

    /** Epoch ms; null for a click without an impression (full outer). */
    public Long impressionTime;

    public String clickId;

    /** Epoch ms; null for an impression without a click (left and full outer). */
    public Long clickTime;

    public JoinedRow() {}

    public static JoinedRow matched(AdImpression i, AdClick c) {
        JoinedRow r = impressionOnly(i);
        r.clickId = c.clickId;
        r.clickTime = c.eventTime;
        return r;
    }

    public static JoinedRow impressionOnly(AdImpression i) {
        JoinedRow r = new JoinedRow();
        r.impressionId = i.impressionId;
        r.userId = i.userId;
        r.adId = i.adId;
        r.impressionTime = i.eventTime;
        return r;
    }

    public static JoinedRow clickOnly(AdClick c) {
        JoinedRow r = new JoinedRow();
        r.impressionId = c.impressionId;
        r.userId = c.userId;
        r.clickId = c.clickId;
        r.clickTime = c.eventTime;
        return r;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof JoinedRow)) return false;
        JoinedRow that = (JoinedRow) o;
        return Objects.equals(impressionId, that.impressionId)
                && Objects.equals(userId, that.userId)
                && Objects.equals(adId, that.adId)
                && Objects.equals(impressionTime, that.impressionTime)
                && Objects.equals(clickId, that.clickId)
                && Objects.equals(clickTime, that.clickTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(impressionId, userId, adId, impressionTime, clickId, clickTime);
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
