package dev.eventflow.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;

class ProgressLogReporterTest {

    private static final long NOW = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private static Map<String, String> job(String name) {
        return Map.of("<job_name>", name, "<subtask_index>", "0");
    }

    private static List<String> lines(ProgressLogReporter r, long now) {
        List<String> out = new ArrayList<>();
        r.lines(now).forEach(out::add);
        return out;
    }

    @Test
    void oneLinePerJobSummedOverSubtasks() {
        ProgressLogReporter reporter = new ProgressLogReporter();
        SimpleCounter in1 = new SimpleCounter();
        SimpleCounter in2 = new SimpleCounter();
        SimpleCounter out = new SimpleCounter();
        SimpleCounter late = new SimpleCounter();
        SimpleCounter dlq = new SimpleCounter();
        SimpleCounter lateOut = new SimpleCounter();
        reporter.add(in1, SuiteMetrics.RECORDS_IN, job("window-aggregation"));
        reporter.add(in2, SuiteMetrics.RECORDS_IN, job("window-aggregation"));
        reporter.add(
                out,
                SuiteMetrics.RECORDS_OUT,
                Map.of("<job_name>", "window-aggregation", "<output>", "out"));
        reporter.add(
                lateOut,
                SuiteMetrics.RECORDS_OUT,
                Map.of("<job_name>", "window-aggregation", "<output>", "late"));
        reporter.add(late, SuiteMetrics.LATE_EVENTS, job("window-aggregation"));
        reporter.add(dlq, SuiteMetrics.DEAD_LETTERS, job("window-aggregation"));
        reporter.add(
                (Gauge<Double>) () -> 95.0, SuiteMetrics.WATERMARK_LAG, job("window-aggregation"));
        reporter.add(
                (Gauge<Double>) () -> Double.NaN,
                SuiteMetrics.WATERMARK_LAG,
                job("window-aggregation"));
        reporter.add((Gauge<Long>) () -> 40L, "pendingRecords", job("window-aggregation"));
        reporter.add((Gauge<Long>) () -> 2L, "pendingRecords", job("window-aggregation"));
        reporter.add(new SimpleCounter(), "numRecordsIn", job("window-aggregation")); // not ours
        reporter.add(new SimpleCounter(), SuiteMetrics.RECORDS_IN, Map.of()); // no job

        in1.inc(100);
        in2.inc(50);
        out.inc(7);
        lateOut.inc(3);
        late.inc(3);
        dlq.inc(2);
        assertThat(lines(reporter, NOW))
                .containsExactly(
                        "progress window-aggregation: in 150, out 7, late 3, dlq 2, watermark"
                                + " 2025-12-31T23:58:25Z (lag 1m35s), kafka lag 42");
        in1.inc(300);
        assertThat(lines(reporter, NOW + 10_000).get(0))
                .startsWith("progress window-aggregation: in 450 (30/s), out 7");
    }

    @Test
    void aJobWithoutWatermarkOrKafkaLagSaysSo() {
        ProgressLogReporter reporter = new ProgressLogReporter();
        reporter.add(new SimpleCounter(), SuiteMetrics.RECORDS_IN, job("dedup"));
        assertThat(lines(reporter, NOW))
                .containsExactly(
                        "progress dedup: in 0, out 0, late 0, dlq 0, watermark none yet, kafka lag"
                                + " unknown");
    }

    @Test
    void durationsReadLikeAPersonWritesThem() {
        assertThat(ProgressLogReporter.human(5)).isEqualTo("5s");
        assertThat(ProgressLogReporter.human(95)).isEqualTo("1m35s");
        assertThat(ProgressLogReporter.human(90061)).isEqualTo("1d1h1m1s");
        assertThat(ProgressLogReporter.human(7200)).isEqualTo("2h");
    }
}
