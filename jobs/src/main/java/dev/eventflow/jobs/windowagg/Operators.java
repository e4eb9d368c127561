package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.flink.OperatorId;

/**
 * Names and uids of every operator of {@code window-aggregation}. Uids are part of the savepoint
 * contract: never change one of a deployed job (see the upgrade runbook in docs/operations.md).
 */
public enum Operators implements OperatorId.Declared {
    SOURCE("kafka source: user events", "window-aggregation.source"),
    ROUTE_DEAD_LETTERS("route malformed records to the DLQ", "window-aggregation.dead-letters"),
    ROUTE_LATE_EVENTS("route late events", "window-aggregation.late-router"),
    WINDOW("window aggregate, sliced (count, HLL sessions, amounts)", "window-aggregation.window"),
    SINK_RESULTS("kafka sink: window results", "window-aggregation.sink.results"),
    SINK_LATE("kafka sink: late events", "window-aggregation.sink.late"),
    SINK_DEAD_LETTERS("kafka sink: dead letters", "window-aggregation.sink.dlq"),
    UPSERT_RESULTS("postgresql upsert: window results", "window-aggregation.jdbc.upsert"),
    SINK_REJECTED_ROWS(
            "kafka sink: rows rejected by postgresql", "window-aggregation.sink.jdbc-rejected");

    Operators(String operatorName, String uid) {
        OperatorId.declare(this, operatorName, uid);
    }
}
