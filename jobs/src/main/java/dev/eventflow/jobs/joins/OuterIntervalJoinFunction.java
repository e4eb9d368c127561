package dev.eventflow.jobs.joins;

import dev.eventflow.common.metrics.SuiteMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The left (and full) outer interval join of impressions and clicks, keyed by impression_id: a
 * click matches an impression when {@code impression_time <= click_time <= impression_time +
 * bound}, boundaries included, exactly as {@code --mode interval}. Flink's DataStream interval join
 * is inner only, hence this function.
 *
 * <p>Matched pairs are emitted as soon as the second of the two arrives. An impression nobody
 * clicked is emitted once, with null click fields, when the watermark reaches {@code
 * impression_time + bound}; with {@code fullOuter}, a click without an impression is emitted, with
 * null impression fields, when the watermark reaches {@code click_time}. Both are final: after that
 * watermark no row that could still match is accepted (rows at or behind the watermark are late and
 * routed away before the join by {@link LateRowRouter}), so nothing is ever retracted, which is
 * Spark's "outer join delays unmatched emission until the watermark passes".
 *
 * <p>State cleanup follows the join cleanup rule (docs/spark-mapping.md), the same timers that
 * decide the emission: an impression is dropped when the watermark reaches {@code impression_time +
 * bound} (no later click can match it), a click when the watermark reaches {@code click_time} (no
 * later impression can match it). One event-time timer per distinct deadline; when both lists are
 * empty the key holds no state and no timer. The join type only changes what is emitted at the
 * deadline, never when state goes.
 */
public final class OuterIntervalJoinFunction
        extends KeyedCoProcessFunction<String, AdImpression, AdClick, JoinedRow> {
    private static final long serialVersionUID = 1L;

    private final long boundMs;
    private final boolean fullOuter;

    private transient ListState<BufferedImpression> impressions;
    private transient ListState<BufferedClick> clicks;

    /** Impressions emitted without a click once the watermark passed their bound. */
    public static final String UNMATCHED_IMPRESSIONS = "eventflow_unmatched_impressions_total";

    /** Clicks emitted without an impression (full outer join). */
    public static final String UNMATCHED_CLICKS = "eventflow_unmatched_clicks_total";

    private transient Counter unmatchedImpressions;
    private transient Counter unmatchedClicks;

    public OuterIntervalJoinFunction(long boundMs, boolean fullOuter) {
        if (boundMs < 0) throw new IllegalArgumentException("bound must not be negative");
        this.boundMs = boundMs;
        this.fullOuter = fullOuter;
    }

    @Override
    public void open(OpenContext openContext) {
        impressions =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>("impressions", BufferedImpression.class));
        clicks =
                getRuntimeContext()
                        .getListState(new ListStateDescriptor<>("clicks", BufferedClick.class));
        SuiteMetrics metrics = SuiteMetrics.of(getRuntimeContext());
        unmatchedImpressions = metrics.counter(UNMATCHED_IMPRESSIONS);
        unmatchedClicks = metrics.counter(UNMATCHED_CLICKS);
    }

    boolean matches(AdImpression i, AdClick c) {
        return i.eventTime() <= c.eventTime() && c.eventTime() <= i.eventTime() + boundMs;
    }

    @Override
    public void processElement1(AdImpression impression, Context ctx, Collector<JoinedRow> out)
            throws Exception {
        boolean matched = false;
        List<BufferedClick> buffered = list(clicks.get());
        boolean changed = false;
        for (BufferedClick c : buffered) {
            if (matches(impression, c.click)) {
                out.collect(JoinedRow.matched(impression, c.click));
                matched = true;
                changed |= !c.matched;
                c.matched = true;
            }
        }
        if (changed) clicks.update(buffered);
        impressions.add(new BufferedImpression(impression, matched));
        ctx.timerService().registerEventTimeTimer(impression.eventTime() + boundMs);
    }

    @Override
    public void processElement2(AdClick click, Context ctx, Collector<JoinedRow> out)
            throws Exception {
        boolean matched = false;
        List<BufferedImpression> buffered = list(impressions.get());
        boolean changed = false;
        for (BufferedImpression i : buffered) {
            if (matches(i.impression, click)) {
                out.collect(JoinedRow.matched(i.impression, click));
                matched = true;
                changed |= !i.matched;
                i.matched = true;
            }
        }
        if (changed) impressions.update(buffered);
        clicks.add(new BufferedClick(click, matched));
        ctx.timerService().registerEventTimeTimer(click.eventTime());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<JoinedRow> out)
            throws Exception {
        List<BufferedImpression> keptImpressions = new ArrayList<>();
        for (BufferedImpression i : list(impressions.get())) {
            if (i.impression.eventTime() + boundMs > timestamp) {
                keptImpressions.add(i);
            } else if (!i.matched) {
                unmatchedImpressions.inc();
                out.collect(JoinedRow.impressionOnly(i.impression));
            }
        }
        List<BufferedClick> keptClicks = new ArrayList<>();
        for (BufferedClick c : list(clicks.get())) {
            if (c.click.eventTime() > timestamp) {
                keptClicks.add(c);
            } else if (!c.matched && fullOuter) {
                unmatchedClicks.inc();
                out.collect(JoinedRow.clickOnly(c.click));
            }
        }
        if (keptImpressions.isEmpty()) impressions.clear();
        else impressions.update(keptImpressions);
        if (keptClicks.isEmpty()) clicks.clear();
        else clicks.update(keptClicks);
    }

    private static <T> List<T> list(Iterable<T> state) {
        List<T> out = new ArrayList<>();
        if (state != null) state.forEach(out::add);
        return out;
    }
}
