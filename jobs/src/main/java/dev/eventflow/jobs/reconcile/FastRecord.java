package dev.eventflow.jobs.reconcile;

import dev.eventflow.common.event.DeadLetter;
import dev.eventflow.jobs.windowstats.WindowResult;

/** A record of the fast path's topic: a parsed row, or a dead letter. A Flink POJO. */
public class FastRecord {

    public WindowResult row;
    public DeadLetter deadLetter;

    public FastRecord() {}

    static FastRecord ofRow(WindowResult row) {
        FastRecord r = new FastRecord();
        r.row = row;
        return r;
    }

    static FastRecord ofDeadLetter(DeadLetter deadLetter) {
        FastRecord r = new FastRecord();
        r.deadLetter = deadLetter;
        return r;
    }
}
