package dev.eventflow.jobs.lateaudit;

import dev.eventflow.common.event.UserEvent;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Runs the {@link LateClassifier} and tells it about every watermark as it arrives, not only when
 * the next event does: the watermark it checkpoints is then exactly the operator's input watermark
 * at the checkpoint, and the lag gauges move while the input is quiet.
 */
public final class LateClassifierOperator
        extends KeyedProcessOperator<String, UserEvent, AuditEntry> {
    private static final long serialVersionUID = 1L;

    public LateClassifierOperator(LateClassifier classifier) {
        super(classifier);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        ((LateClassifier) userFunction).observeWatermark(mark.getTimestamp());
        super.processWatermark(mark);
    }
}
