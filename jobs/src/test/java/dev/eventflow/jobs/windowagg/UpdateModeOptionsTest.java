package dev.eventflow.jobs.windowagg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.jobs.Launcher;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowResultSerializationSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The command line of update mode ({@code --output-mode}, {@code --allowed-lateness}) and its
 * record format, without a broker: help, validation with exit code 2 naming the option, the topic
 * settings the start-up checks apply, and the upsert record (key = primary key, value with revision
 * and final) next to the unchanged append record.
 */
class UpdateModeOptionsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int launch(String... args) throws Exception {
        return Launcher.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static ParsedOptions parse(String... args) {
        return WindowAggregationOptions.optionSet().parse(args);
    }

    @Test
    void helpListsTheOutputModeAndTheAllowedLateness() throws Exception {
        assertThat(launch("window-aggregation", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--output-mode append|update")
                .contains("[default: append]")
                .contains("--allowed-lateness <duration>")
                .contains("Only with --output-mode update [default: 0s]");
    }

    @Test
    void lateButNotUpdateModeIsRefusedNamingTheOption() throws Exception {
        assertThat(
                        launch(
                                "window-aggregation",
                                "--bootstrap-servers",
                                "b:1",
                                "--allowed-lateness",
                                "2m"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--allowed-lateness 2m needs --output-mode update");
        err.reset();
        assertThat(
                        launch(
                                "window-aggregation",
                                "--bootstrap-servers",
                                "b:1",
                                "--output-mode",
                                "upsert"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--output-mode");
    }

    @Test
    void updateModeCreatesAndRequiresACompactedOutputTopic() {
        WindowAggregationJob job = new WindowAggregationJob();
        ParsedOptions append = parse("--bootstrap-servers", "b:1", "--output-topic", "w");
        assertThat(job.topicConfigs(append)).isEmpty();
        assertThat(job.compactedTopics(append)).isEmpty();
        ParsedOptions update =
                parse(
                        "--bootstrap-servers",
                        "b:1",
                        "--output-topic",
                        "w",
                        "--output-mode",
                        "update",
                        "--allowed-lateness",
                        "5m");
        job.validate(update);
        assertThat(WindowAggregationOptions.allowedLatenessMs(update)).isEqualTo(300_000);
        assertThat(job.topicConfigs(update))
                .isEqualTo(Map.of("w", Map.of("cleanup.policy", "compact")));
        assertThat(job.compactedTopics(update)).containsOnlyKeys("w");
    }

    @Test
    void theUpsertRecordIsKeyedByUserAndWindowAndCarriesRevisionAndFinal() {
        WindowResult r = new WindowResult();
        r.userId = "u-\"7\"";
        r.windowStart = 1_767_261_600_000L; // 2026-01-01T10:00:00Z
        r.windowEnd = r.windowStart + 300_000;
        r.events = 3;
        r.approxSessions = 1;
        r.purchases = 1;
        r.sumAmount = 9.5;
        r.avgAmount = 9.5;
        r.minAmount = 9.5;
        r.maxAmount = 9.5;
        r.withRevision(2, true);

        ProducerRecord<byte[], byte[]> upsert =
                new WindowResultSerializationSchema("t", null, true).serialize(r, null, null);
        assertThat(new String(upsert.key(), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"user_id\":\"u-\\\"7\\\"\",\"window_start\":\"2026-01-01T10:00:00Z\","
                                + "\"window_end\":\"2026-01-01T10:05:00Z\"}");
        assertThat(new String(upsert.value(), StandardCharsets.UTF_8))
                .endsWith(",\"purchases\":1,\"revision\":2,\"final\":true}");

        // Append mode: key user_id, value without the update-mode fields, as before.
        ProducerRecord<byte[], byte[]> append =
                new WindowResultSerializationSchema("t", null).serialize(r, null, null);
        assertThat(new String(append.key(), StandardCharsets.UTF_8)).isEqualTo(r.userId);
        assertThat(append.value()).isEqualTo(WindowResultSerializationSchema.toJson(r));
        assertThat(new String(append.value(), StandardCharsets.UTF_8))
                .endsWith(",\"purchases\":1}")
                .doesNotContain("revision");
    }
}
