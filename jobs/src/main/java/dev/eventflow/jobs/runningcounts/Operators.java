package dev.eventflow.jobs.runningcounts;

import dev.eventflow.common.flink.OperatorId;

/**
 * Names and uids of every operator of {@code running-counts}. Uids are part of the savepoint
 * contract: never change one of a deployed job.
 */
public enum Operators implements OperatorId.Declared {
    SOURCE("kafka source: user events", "running-counts.source"),
    ROUTE_DEAD_LETTERS("route malformed records to the DLQ", "running-counts.dead-letters"),
    RUNNING_COUNT("running count per user (state + timeout)", "running-counts.state"),
    SINK_UPDATES("kafka sink: per-user updates (upsert)", "running-counts.sink.updates"),
    SINK_DEAD_LETTERS("kafka sink: dead letters", "running-counts.sink.dlq");

    Operators(String operatorName, String uid) {
        OperatorId.declare(this, operatorName, uid);
    }
}
