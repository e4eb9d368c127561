package dev.eventflow.common.metrics;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Creates the {@link ProgressLogReporter}; Flink finds it by this class name ({@code
 * metrics.reporter.progress.factory.class}) through {@code META-INF/services}.
 */
public final class ProgressLogReporterFactory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new ProgressLogReporter();
    }
}
