package dev.eventflow.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The targets of the performance work, each a ratio of two variants measured in the same run (or,
 * for the absolute cost and the latency, a figure with its limit). Computed from the {@code
 * variants} and {@code latency_ms} of a report; a target whose variants are missing is left out.
 */
public final class Targets {

    /** Whether a value must stay at or below its limit, or reach it. */
    enum Kind {
        AT_MOST,
        AT_LEAST
    }

    /**
     * One target: {@code value = cost(numerator) / cost(denominator)} (for a throughput target, the
     * cost ratio inverted: how many times cheaper), or an absolute figure.
     */
    record Target(
            String name,
            String numerator,
            String denominator,
            Kind kind,
            double limit,
            String unit,
            String note) {}

    static final List<Target> ALL =
            List.of(
                    new Target(
                            "production-rocksdb cost <= 2x production-heap",
                            "production-rocksdb",
                            "production-heap",
                            Kind.AT_MOST,
                            2.0,
                            "x",
                            "both Kafka to Kafka"),
                    new Target(
                            "production-heap cost <= 2x floor-memory",
                            "production-heap",
                            "floor-memory",
                            Kind.AT_MOST,
                            2.0,
                            "x",
                            "as the issue defines it: Kafka to Kafka job vs the in-memory floor"),
                    new Target(
                            "production-rocksdb cost <= 3x floor-kafka",
                            "production-rocksdb",
                            "floor-kafka",
                            Kind.AT_MOST,
                            3.0,
                            "x",
                            "both read the same topic with the same source"),
                    new Target(
                            "production-rocksdb throughput/core >= 1.5x sql-hop",
                            "sql-hop",
                            "production-rocksdb",
                            Kind.AT_LEAST,
                            1.5,
                            "x",
                            "like for like: both Kafka to Kafka, RocksDB, exactly-once"),
                    new Target(
                            "production-heap throughput/core >= 1.5x sql-hop",
                            "sql-hop",
                            "production-heap",
                            Kind.AT_LEAST,
                            1.5,
                            "x",
                            "sql-hop runs on RocksDB, production-heap on heap state"),
                    new Target(
                            "production-heap throughput/core >= 3x naive-sliding",
                            "naive-sliding",
                            "production-heap-memory",
                            Kind.AT_LEAST,
                            3.0,
                            "x",
                            "like for like: both on the in-memory harness, heap state"),
                    new Target(
                            "production-rocksdb throughput/core >= 3x naive-sliding",
                            "naive-sliding-rocksdb-memory",
                            "production-rocksdb-memory",
                            Kind.AT_LEAST,
                            3.0,
                            "x",
                            "like for like: both on the in-memory harness, RocksDB state"),
                    new Target(
                            "production-rocksdb <= 10 us of CPU per event",
                            "production-rocksdb",
                            null,
                            Kind.AT_MOST,
                            10.0,
                            "us/event",
                            "Kafka to Kafka, benchmark JVM only (the broker is reported apart)"));

    private Targets() {}

    /**
     * The targets object of a report: name to {@code {value, limit, unit, met, compares, note}}.
     *
     * @param latencyLimitMs checkpoint interval + 1 s
     */
    public static ObjectNode evaluate(JsonNode variants, JsonNode latency, double latencyLimitMs) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Target t : ALL) {
            JsonNode num = variants.get(t.numerator());
            if (num == null) continue;
            double value;
            String compares;
            if (t.denominator() == null) {
                value = num.get("us_per_event").asDouble();
                compares = t.numerator();
            } else {
                JsonNode den = variants.get(t.denominator());
                if (den == null) continue;
                value = num.get("us_per_event").asDouble() / den.get("us_per_event").asDouble();
                compares =
                        t.kind() == Kind.AT_MOST
                                ? t.numerator() + " / " + t.denominator() + " (cost per event)"
                                : t.denominator()
                                        + " vs "
                                        + t.numerator()
                                        + " (events/s per core: "
                                        + t.numerator()
                                        + " cost / "
                                        + t.denominator()
                                        + " cost)";
            }
            out.set(t.name(), target(value, t.limit(), t.unit(), t.kind(), compares, t.note()));
        }
        if (latency != null && latency.has("p99")) {
            out.set(
                    "visibility latency p99 <= checkpoint interval + 1 s",
                    target(
                            latency.get("p99").asDouble(),
                            latencyLimitMs,
                            "ms",
                            Kind.AT_MOST,
                            "production-rocksdb, read_committed, "
                                    + latency.path("events_per_s").asInt()
                                    + " events/s",
                            "exactly-once output is visible when the next checkpoint commits"));
        }
        return out;
    }

    private static ObjectNode target(
            double value, double limit, String unit, Kind kind, String compares, String note) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("value", Report.round(value, 2));
        n.put("limit", limit);
        n.put("unit", unit);
        n.put("kind", kind == Kind.AT_MOST ? "at most" : "at least");
        n.put("met", kind == Kind.AT_MOST ? value <= limit : value >= limit);
        n.put("compares", compares);
        n.put("note", note);
        return n;
    }
}
