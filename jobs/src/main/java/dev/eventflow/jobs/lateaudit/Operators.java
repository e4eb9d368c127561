package dev.eventflow.jobs.lateaudit;

import dev.eventflow.common.flink.OperatorId;

/**
 * Names and uids of every operator of {@code late-audit}. Uids are part of the savepoint contract:
 * never change one of a deployed job.
 */
public enum Operators implements OperatorId.Declared {
    SOURCE("kafka source: user events (audit-tier watermarks)", "late-audit.source"),
    ROUTE_DEAD_LETTERS("route malformed records to the DLQ", "late-audit.dead-letters"),
    CLASSIFY("classify on-time / late / lost", "late-audit.classify"),
    AGGREGATE("audit window aggregate (tiers, lateness, affected users)", "late-audit.aggregate"),
    SINK_AUDIT("kafka sink: audit rows", "late-audit.sink.audit"),
    SINK_SAMPLES("kafka sink: late samples", "late-audit.sink.samples"),
    SINK_DEAD_LETTERS("kafka sink: dead letters", "late-audit.sink.dlq");

    Operators(String operatorName, String uid) {
        OperatorId.declare(this, operatorName, uid);
    }
}
