package dev.eventflow.jobs.dedup;

import dev.eventflow.common.flink.OperatorId;

/**
 * Names and uids of every operator of {@code dedup}. Uids are part of the savepoint contract: never
 * change one of a deployed job.
 */
public enum Operators implements OperatorId.Declared {
    SOURCE("kafka source: user events", "dedup.source"),
    ROUTE_DEAD_LETTERS("route malformed records to the DLQ", "dedup.dead-letters"),
    DEDUPLICATE("drop duplicate event_ids within the horizon", "dedup.deduplicate"),
    SINK_EVENTS("kafka sink: deduplicated events", "dedup.sink.events"),
    SINK_DEAD_LETTERS("kafka sink: dead letters", "dedup.sink.dlq");

    Operators(String operatorName, String uid) {
        OperatorId.declare(this, operatorName, uid);
    }
}
