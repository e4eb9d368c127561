package dev.eventflow.jobs;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.windowagg.WindowAggregationJob;
import dev.eventflow.jobs.windowagg.WindowAggregationOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A run as {@code java -jar} starts it (no MiniCluster extension: {@link JobEnvironment#create}
 * builds its own local cluster), with {@code --metrics-port} and {@code --progress-log-interval}:
 * Flink's Prometheus reporter serves the suite's metrics on that port with the values the input
 * implies, and the progress line is logged.
 */
class ObservabilityITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String PROGRESS_LOGGER = "dev.eventflow.progress";

    private final List<String> progress = new CopyOnWriteArrayList<>();
    private AbstractAppender appender;

    @BeforeEach
    void captureProgressLog() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        appender =
                new AbstractAppender("progress-capture", null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        progress.add(event.getMessage().getFormattedMessage());
                    }
                };
        appender.start();
        LoggerConfig logger = new LoggerConfig(PROGRESS_LOGGER, Level.INFO, false);
        logger.addAppender(appender, Level.INFO, null);
        config.addLogger(PROGRESS_LOGGER, logger);
        context.updateLoggers();
    }

    @AfterEach
    void stopCapture() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().removeLogger(PROGRESS_LOGGER);
        context.updateLoggers();
        appender.stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The sum of one metric over its series in a Prometheus text scrape; -1 when absent. */
    static double sum(String scrape, String metric, String labelFilter) {
        double total = 0;
        boolean found = false;
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(metric + "{") || !line.contains(labelFilter)) continue;
            total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            found = true;
        }
        return found ? total : -1;
    }

    /** The progress line once everything is read: 43 in, 3 dead letters, a watermark, no lag. */
    private static boolean finalProgress(String line) {
        return line.startsWith("progress window-aggregation: in 43")
                && line.contains(", late 0, dlq 3, watermark 2026-01-01T")
                && line.endsWith(", kafka lag 0");
    }

    @Test
    void aLocalRunServesTheSuitesMetricsOnItsPortAndLogsItsProgress() throws Exception {
        String in = KAFKA.uniqueTopic("user-events", 2);
        String out = KAFKA.uniqueTopic("processed-user-events", 1);
        String late = KAFKA.uniqueTopic("late-user-events", 1);
        String dlq = KAFKA.uniqueTopic("user-events-dlq", 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        int events = 40;
        for (int i = 0; i < events; i++) {
            UserEvent e = TestEvents.event("u" + i % 4, "s", T0 + i * MINUTE / 2);
            records.add(new ProducerRecord<>(in, i % 2, null, Json.event(e)));
        }
        for (String bad : List.of("not json", "{\"event_id\":\"x\"}", "[]")) {
            records.add(new ProducerRecord<>(in, 0, null, bad.getBytes(StandardCharsets.UTF_8)));
        }
        KAFKA.client().produce(in, records);

        int port = freePort();
        ParsedOptions o =
                WindowAggregationOptions.optionSet()
                        .parse(
                                "--bootstrap-servers",
                                KAFKA.bootstrapServers(),
                                "--input-topic",
                                in,
                                "--output-topic",
                                out,
                                "--late-topic",
                                late,
                                "--dlq-topic",
                                dlq,
                                "--transactional-id-prefix",
                                "obs-" + in,
                                "--starting-offsets",
                                "earliest",
                                "--checkpoint-interval",
                                "500ms",
                                "--parallelism",
                                "1",
                                "--metrics-port",
                                Integer.toString(port),
                                "--progress-log-interval",
                                "1s");
        assertThat(JobEnvironment.isStandalone()).as("no test cluster: a java -jar run").isTrue();
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, WindowAggregationJob.NAME, RuntimeExecutionMode.STREAMING);
        WindowAggregationJob.buildPipeline(env, o, UnaryOperator.identity());
        JobClient job = env.executeAsync(WindowAggregationJob.NAME);
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest scrape =
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                            .build();
            String op = "flink_taskmanager_job_task_operator_";
            String jobLabel = "job_name=\"window_aggregation\"";
            long deadline = System.nanoTime() + WAIT.toNanos();
            String body = "";
            while (System.nanoTime() < deadline) {
                try {
                    body = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
                } catch (IOException notYet) {
                    body = "";
                }
                if (sum(body, op + "eventflow_records_in_total", jobLabel) == events + 3
                        && sum(body, op + "pendingRecords", jobLabel) == 0
                        && sum(body, op + "eventflow_late_events_total", jobLabel) >= 0
                        && sum(body, op + "eventflow_watermark_lag_seconds", jobLabel) > 0
                        && progress.stream().anyMatch(ObservabilityITCase::finalProgress)) {
                    break;
                }
                Thread.sleep(250);
            }
            assertThat(sum(body, op + "eventflow_records_in_total", jobLabel))
                    .as(body)
                    .isEqualTo(events + 3);
            assertThat(sum(body, op + "eventflow_dead_letters_total", jobLabel)).isEqualTo(3);
            assertThat(
                            sum(
                                    body,
                                    op + "reason_eventflow_dead_letters_by_reason_total",
                                    "reason=\"not_json\""))
                    .isEqualTo(2);
            assertThat(
                            sum(
                                    body,
                                    op + "reason_eventflow_dead_letters_by_reason_total",
                                    "reason=\"missing_field\""))
                    .isEqualTo(1);
            assertThat(sum(body, op + "user_output_eventflow_records_out_total", "output=\"dlq\""))
                    .isEqualTo(3);
            assertThat(sum(body, op + "eventflow_late_events_total", jobLabel)).isZero();
            assertThat(sum(body, op + "eventflow_watermark_lag_seconds", jobLabel)).isPositive();
            assertThat(sum(body, op + "pendingRecords", jobLabel)).isZero();
            assertThat(body).contains("flink_jobmanager_job_numRestarts{");
            assertThat(progress).anyMatch(ObservabilityITCase::finalProgress);
        } finally {
            job.cancel().get();
        }
    }
}
