package dev.eventflow.jobs.joins;

import static dev.eventflow.jobs.TestEvents.MINUTE;

import dev.eventflow.jobs.TestEvents;
import java.util.ArrayList;
import java.util.List;

/** Named instants and factories for the join tests (times from {@link TestEvents}). */
final class JoinTestData {

    static final long BOUND = 10 * MINUTE;

    private JoinTestData() {}

    static long at(long minutes, long seconds) {
        return TestEvents.at(minutes, seconds);
    }

    static AdImpression impression(String id, long time) {
        return new AdImpression(id, "user-of-" + id, "ad-of-" + id, time);
    }

    static AdClick click(String id, String impressionId, long time) {
        return new AdClick(id, impressionId, "user-of-" + impressionId, time);
    }

    /**
     * The ground truth: a nested-loop join of every impression with every click of the same
     * impression_id and {@code impression_time <= click_time <= impression_time + bound}; with
     * {@code leftOuter}, every impression without such a click once with null click fields; with
     * {@code rightOuter}, every click without such an impression once with null impression fields.
     */
    static List<JoinedRow> nestedLoopJoin(
            List<AdImpression> impressions,
            List<AdClick> clicks,
            long bound,
            boolean leftOuter,
            boolean rightOuter) {
        List<JoinedRow> rows = new ArrayList<>();
        for (AdImpression i : impressions) {
            boolean matched = false;
            for (AdClick c : clicks) {
                if (c.impressionId().equals(i.impressionId())
                        && i.eventTime() <= c.eventTime()
                        && c.eventTime() <= i.eventTime() + bound) {
                    rows.add(JoinedRow.matched(i, c));
                    matched = true;
                }
            }
            if (leftOuter && !matched) rows.add(JoinedRow.impressionOnly(i));
        }
        if (rightOuter) {
            for (AdClick c : clicks) {
                boolean matched = false;
                for (AdImpression i : impressions) {
                    matched |=
                            c.impressionId().equals(i.impressionId())
                                    && i.eventTime() <= c.eventTime()
                                    && c.eventTime() <= i.eventTime() + bound;
                }
                if (!matched) rows.add(JoinedRow.clickOnly(c));
            }
        }
        return rows;
    }
}
