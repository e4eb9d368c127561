package dev.eventflow.jobs.joins;

import dev.eventflow.common.flink.OperatorId;

/**
 * Names and uids of every operator of {@code joins}. Uids are part of the savepoint contract: never
 * change one of a deployed job. The join operators of different modes have different uids on
 * purpose: a savepoint of one mode must not be restored into another.
 */
public enum Operators implements OperatorId.Declared {
    SOURCE_IMPRESSIONS("kafka source: ad impressions", "joins.source.impressions"),
    SOURCE_CLICKS("kafka source: ad clicks", "joins.source.clicks"),
    SOURCE_EVENTS("kafka source: user events", "joins.source.events"),
    SOURCE_PROFILES("kafka source: user profiles", "joins.source.profiles"),
    SPLIT_IMPRESSIONS("route malformed impressions to the DLQ", "joins.dead-letters.impressions"),
    SPLIT_CLICKS("route malformed clicks to the DLQ", "joins.dead-letters.clicks"),
    SPLIT_EVENTS("route malformed user events to the DLQ", "joins.dead-letters.events"),
    SPLIT_PROFILES("route malformed profiles to the DLQ", "joins.dead-letters.profiles"),
    LATE_IMPRESSIONS("route late impressions", "joins.late.impressions"),
    LATE_CLICKS("route late clicks", "joins.late.clicks"),
    INTERVAL_JOIN("interval join impressions x clicks", "joins.interval-join"),
    LEFT_OUTER_JOIN("left outer interval join impressions x clicks", "joins.left-outer-join"),
    FULL_OUTER_JOIN("full outer interval join impressions x clicks", "joins.full-outer-join"),
    ENRICH("enrich user events with the latest profile", "joins.enrich"),
    ENRICH_ASYNC("enrich user events from redis (async lookups)", "joins.enrich-async"),
    SINK_RESULTS("kafka sink: joined rows", "joins.sink.results"),
    SINK_ENRICHED("kafka sink: enriched events", "joins.sink.enriched"),
    SINK_ENRICHED_ASYNC("kafka sink: events enriched from redis", "joins.sink.enriched-async"),
    SINK_LATE("kafka sink: late rows", "joins.sink.late"),
    SINK_DEAD_LETTERS("kafka sink: dead letters", "joins.sink.dlq");

    Operators(String operatorName, String uid) {
        OperatorId.declare(this, operatorName, uid);
    }
}
