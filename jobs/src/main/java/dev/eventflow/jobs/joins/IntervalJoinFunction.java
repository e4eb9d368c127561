package dev.eventflow.jobs.joins;

import org.apache.flink.streaming.api.functions.co.ProcessJoinFunction;
import org.apache.flink.util.Collector;

/**
 * The row of one matched pair of Flink's interval join (which decides what matches and when state
 * is dropped; this function only shapes the output).
 */
public final class IntervalJoinFunction
        extends ProcessJoinFunction<AdImpression, AdClick, JoinedRow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(
            AdImpression impression, AdClick click, Context ctx, Collector<JoinedRow> out) {
        out.collect(JoinedRow.matched(impression, click));
    }
}
