package dev.eventflow.jobs.reconcile;

import dev.eventflow.common.event.DeadLetterRouter;
import dev.eventflow.jobs.windowstats.WindowResult;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Fast-path rows continue; unreadable records leave through {@link DeadLetterRouter#DEAD_LETTERS}.
 */
public final class FastRecordRouter extends ProcessFunction<FastRecord, WindowResult> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(FastRecord r, Context ctx, Collector<WindowResult> out) {
        if (r.row != null) {
            out.collect(r.row);
        } else {
            ctx.output(DeadLetterRouter.DEAD_LETTERS, r.deadLetter);
        }
    }
}
