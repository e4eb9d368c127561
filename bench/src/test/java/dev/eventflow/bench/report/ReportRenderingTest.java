package dev.eventflow.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * The report's target arithmetic and the README rewrite, on hand-made figures (no benchmark runs
 * here). Skipped in {@code mvn verify} with the rest of the bench module; run with {@code mvn -pl
 * bench test -Dbench.skipTests=false}.
 */
class ReportRenderingTest {

    private static ObjectNode variants() {
        ObjectNode v = Report.JSON.createObjectNode();
        put(v, "floor-memory", "memory", "none", 2.0);
        put(v, "naive-sliding", "memory", "hashmap", 9.0);
        put(v, "production-heap-memory", "memory", "hashmap", 3.0);
        put(v, "floor-kafka", "kafka", "none", 4.0);
        put(v, "production-heap", "kafka", "hashmap", 6.0);
        put(v, "production-rocksdb", "kafka", "rocksdb", 15.0);
        put(v, "sql-hop", "kafka", "rocksdb", 20.0);
        return v;
    }

    private static void put(ObjectNode v, String name, String harness, String state, double us) {
        ObjectNode n = v.putObject(name);
        n.put("events", 1000);
        n.put("us_per_event", us);
        n.put("events_per_s_per_core", Math.round(1e6 / us));
        n.put("harness", harness);
        n.put("state_backend", state);
    }

    @Test
    void targetsAreRatiosOfTheSameRunWithTheirLimits() {
        ObjectNode latency = Report.JSON.createObjectNode().put("p99", 10_400.0);
        JsonNode t = Targets.evaluate(variants(), latency, 11_000);

        JsonNode rocksVsHeap = t.get("production-rocksdb cost <= 2x production-heap");
        assertThat(rocksVsHeap.get("value").asDouble()).isEqualTo(2.5);
        assertThat(rocksVsHeap.get("met").asBoolean()).isFalse();
        JsonNode heapVsNaive = t.get("production-heap throughput/core >= 3x naive-sliding");
        assertThat(heapVsNaive.get("value").asDouble()).isEqualTo(3.0);
        assertThat(heapVsNaive.get("met").asBoolean()).isTrue();
        assertThat(t.get("production-rocksdb <= 10 us of CPU per event").get("met").asBoolean())
                .isFalse();
        assertThat(
                        t.get("visibility latency p99 <= checkpoint interval + 1 s")
                                .get("met")
                                .asBoolean())
                .isTrue();
        // naive-sliding-rocksdb-memory was not measured: its target is left out, not guessed
        assertThat(t.has("production-rocksdb throughput/core >= 3x naive-sliding")).isFalse();
    }

    @Test
    void replacesOnlyTheMarkedBlockAndAddsMarkersTheFirstTime() {
        String readme = "# x\n\n## Performance\n\nold text\n\n## Known limits\n\n- a\n";
        String first = ReadmeRenderer.replaceSection(readme, "new 1\n");
        assertThat(first)
                .isEqualTo(
                        "# x\n\n## Performance\n\n<!-- bench:begin -->\nnew 1\n<!-- bench:end -->"
                                + "\n\n## Known limits\n\n- a\n");
        String second = ReadmeRenderer.replaceSection(first, "new 2\n");
        assertThat(second).isEqualTo(first.replace("new 1", "new 2"));
    }

    @Test
    void rendersEveryVariantWithItsRatios() {
        ObjectNode report = Report.JSON.createObjectNode();
        report.putObject("machine").put("cores", 2);
        report.putObject("method").put("mode", "quick");
        report.set("variants", variants());
        String md = ReadmeRenderer.render(report);
        assertThat(md)
                .contains(
                        "| `production-rocksdb` | Kafka to Kafka | rocksdb | 15.00 us | 67 k | 3.75 |")
                .contains(
                        "| `production-heap-memory` | in memory | hashmap | 3.00 us | 333 k | 1.50 | 0.33 |");
    }
}
