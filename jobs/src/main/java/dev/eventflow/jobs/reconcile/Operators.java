package dev.eventflow.jobs.reconcile;

import dev.eventflow.common.flink.OperatorId;

/** Names and uids of every operator of {@code reconcile}. */
public enum Operators implements OperatorId.Declared {
    SOURCE("kafka source: user events (bounded range)", "reconcile.source"),
    ROUTE_DEAD_LETTERS("route malformed records to the DLQ", "reconcile.dead-letters"),
    WINDOW("exact window aggregate (count, exact + HLL sessions, amounts)", "reconcile.window"),
    IN_RANGE("keep windows inside the range", "reconcile.in-range"),
    FAST_SOURCE("kafka source: fast path's window rows", "reconcile.fast-source"),
    ROUTE_FAST_DEAD_LETTERS(
            "route unreadable fast-path rows to the DLQ", "reconcile.fast-dead-letters"),
    FAST_IN_RANGE("keep fast-path windows inside the range", "reconcile.fast-in-range"),
    DIFF("diff per user and window", "reconcile.diff"),
    ONLY_DIFFERENCES("drop matching rows", "reconcile.only-differences"),
    TO_WINDOW_SUMMARY("one summary per row", "reconcile.to-window-summary"),
    WINDOW_SUMMARY("sum per window", "reconcile.window-summary"),
    SINK_DIFFERENCES("kafka sink: difference rows", "reconcile.sink.differences"),
    SINK_WINDOWS("kafka sink: window rows", "reconcile.sink.windows"),
    SINK_DEAD_LETTERS("kafka sink: dead letters", "reconcile.sink.dlq");

    Operators(String operatorName, String uid) {
        OperatorId.declare(this, operatorName, uid);
    }
}
