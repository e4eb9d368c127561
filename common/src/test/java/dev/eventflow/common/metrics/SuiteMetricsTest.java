package dev.eventflow.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.junit.jupiter.api.Test;

class SuiteMetricsTest {

    @Test
    void namesFollowPrometheusConventions() {
        assertThat(SuiteMetrics.checkCounterName("eventflow_x_total")).isNotNull();
        assertThatThrownBy(() -> SuiteMetrics.checkCounterName("eventflow_x"))
                .hasMessageContaining("_total");
        assertThatThrownBy(() -> SuiteMetrics.checkCounterName("lateEvents"))
                .hasMessageContaining("snake case");
        assertThat(SuiteMetrics.checkGaugeName("eventflow_lag_seconds")).isNotNull();
        assertThatThrownBy(() -> SuiteMetrics.checkGaugeName("eventflow_lag_ms"))
                .hasMessageContaining("unit");
        assertThatThrownBy(() -> SuiteMetrics.checkGaugeName("eventflow_x_total"))
                .hasMessageContaining("unit");
        for (String counter :
                new String[] {
                    SuiteMetrics.RECORDS_IN,
                    SuiteMetrics.RECORDS_OUT,
                    SuiteMetrics.DEAD_LETTERS,
                    SuiteMetrics.DEAD_LETTERS_BY_REASON,
                    SuiteMetrics.LATE_EVENTS,
                    SuiteMetrics.PARTIALLY_LATE_EVENTS,
                    SuiteMetrics.DROPPED_WINDOW_ASSIGNMENTS
                }) {
            assertThat(SuiteMetrics.checkCounterName(counter)).isEqualTo(counter);
        }
        assertThat(SuiteMetrics.checkGaugeName(SuiteMetrics.WATERMARK_LAG)).isNotNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void registersOnTheOperatorGroup() {
        InterceptingOperatorMetricGroup group = new InterceptingOperatorMetricGroup();
        SuiteMetrics metrics = SuiteMetrics.of(group);
        metrics.recordsIn().inc(3);
        metrics.deadLetter("not a JSON object");
        metrics.deadLetter("missing field user_id");
        SuiteMetrics.WatermarkLag lag = metrics.watermarkLag();
        assertThat(((Counter) group.get(SuiteMetrics.RECORDS_IN)).getCount()).isEqualTo(3);
        assertThat(((Counter) group.get(SuiteMetrics.DEAD_LETTERS)).getCount()).isEqualTo(2);
        Gauge<Double> gauge = (Gauge<Double>) group.get(SuiteMetrics.WATERMARK_LAG);
        assertThat(gauge.getValue()).isNaN();
        long now = System.currentTimeMillis();
        lag.observe(now - 60_000);
        lag.observe(Long.MIN_VALUE); // never goes back
        assertThat(gauge.getValue()).isBetween(59.0, 70.0);
    }

    @Test
    void watermarkLagIsWallClockMinusWatermarkAndUnknownBeforeTheFirst() {
        assertThat(SuiteMetrics.lagSeconds(Long.MIN_VALUE, 1_000)).isNaN();
        assertThat(SuiteMetrics.lagSeconds(400, 1_000)).isEqualTo(0.6);
        assertThat(SuiteMetrics.lagSeconds(2_000, 1_000)).isZero();
    }
}
