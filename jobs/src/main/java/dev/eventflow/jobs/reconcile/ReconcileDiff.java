package dev.eventflow.jobs.reconcile;

import dev.eventflow.common.sketch.HllSketches;
import dev.eventflow.jobs.windowstats.WindowResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by (user, window): holds the accurate row and the fast path's row(s) until both inputs are
 * exhausted (an event-time timer at the end of time: in BATCH mode it fires once the key's input is
 * done), then writes one {@link DiffRow} and clears the key.
 *
 * <p>Exact fields (events, purchases, sum/avg/min/max amount) must be equal; amounts are doubles
 * summed in a different order on the two paths, so they are equal within a relative 1e-9. The HLL
 * estimate is compared with the exact distinct count and flagged as an outlier beyond three
 * standard errors for the fast path's lgK.
 */
public final class ReconcileDiff
        extends KeyedCoProcessFunction<String, AccurateWindow, WindowResult, DiffRow> {
    private static final long serialVersionUID = 1L;

    static final double AMOUNT_TOLERANCE = 1e-9;

    private final int lgK;

    private transient ValueState<AccurateWindow> expected;
    private transient ValueState<WindowResult> actual;
    private transient ValueState<Integer> fastRows;

    public ReconcileDiff(int lgK) {
        this.lgK = lgK;
    }

    public static String key(String userId, long windowStart, long windowEnd) {
        return userId + "|" + windowStart + "|" + windowEnd;
    }

    @Override
    public void open(OpenContext openContext) {
        expected =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "expected", TypeInformation.of(AccurateWindow.class)));
        actual =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "actual", TypeInformation.of(WindowResult.class)));
        fastRows = getRuntimeContext().getState(new ValueStateDescriptor<>("fast-rows", Types.INT));
    }

    @Override
    public void processElement1(AccurateWindow w, Context ctx, Collector<DiffRow> out)
            throws Exception {
        expected.update(w);
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
    }

    @Override
    public void processElement2(WindowResult r, Context ctx, Collector<DiffRow> out)
            throws Exception {
        Integer seen = fastRows.value();
        if (seen == null) actual.update(r);
        fastRows.update(seen == null ? 1 : seen + 1);
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DiffRow> out)
            throws Exception {
        Integer rows = fastRows.value();
        out.collect(compare(expected.value(), actual.value(), rows == null ? 0 : rows, lgK));
        expected.clear();
        actual.clear();
        fastRows.clear();
    }

    /** The verdict for one (user, window); either side may be null, not both. */
    public static DiffRow compare(AccurateWindow want, WindowResult got, int fastRows, int lgK) {
        DiffRow d = new DiffRow();
        WindowResult any = want != null ? want.row : got;
        d.userId = any.userId;
        d.windowStart = any.windowStart;
        d.windowEnd = any.windowEnd;
        d.expected = want;
        d.actual = got;
        d.fastRows = fastRows;
        if (want == null) {
            d.kind = DiffRow.Kind.EXTRA;
            return d;
        }
        if (got == null) {
            d.kind = DiffRow.Kind.MISSING;
            return d;
        }
        d.hllError = got.approxSessions - want.exactSessions;
        d.hllRelativeError =
                want.exactSessions == 0 ? 0 : Math.abs(d.hllError) / (double) want.exactSessions;
        List<String> fields = differingFields(want.row, got);
        // Only where both paths saw the same events is a session difference the sketch's error;
        // otherwise it is the events the fast path missed.
        d.hllOutlier =
                fields.isEmpty()
                        && Math.abs(d.hllError)
                                > 3 * HllSketches.relativeStandardError(lgK) * want.exactSessions;
        d.fields = String.join(",", fields);
        if (fastRows > 1) {
            d.kind = DiffRow.Kind.DUPLICATE;
        } else if (!fields.isEmpty()) {
            d.kind = DiffRow.Kind.DIFFERENT;
        } else if (d.hllError != 0) {
            d.kind = DiffRow.Kind.HLL_ERROR;
        } else {
            d.kind = DiffRow.Kind.MATCH;
        }
        return d;
    }

    static List<String> differingFields(WindowResult want, WindowResult got) {
        List<String> f = new ArrayList<>();
        if (want.events != got.events) f.add("events");
        if (!close(want.sumAmount, got.sumAmount)) f.add("sum_amount");
        if (!close(want.avgAmount, got.avgAmount)) f.add("avg_amount");
        if (!close(want.minAmount, got.minAmount)) f.add("min_amount");
        if (!close(want.maxAmount, got.maxAmount)) f.add("max_amount");
        if (want.purchases != got.purchases) f.add("purchases");
        return f;
    }

    static boolean close(Double a, Double b) {
        if (a == null || b == null) return Objects.equals(a, b);
        return Math.abs(a - b)
                <= AMOUNT_TOLERANCE * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
    }
}
