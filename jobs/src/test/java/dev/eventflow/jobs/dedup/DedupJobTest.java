package dev.eventflow.jobs.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.jobs.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The command line, the horizon default, the output format and the job graph of {@code dedup}. */
class DedupJobTest {

    private static ParsedOptions parse(String... extra) {
        String[] args =
                Arrays.copyOf(new String[] {"--bootstrap-servers", "b:1"}, 2 + extra.length);
        System.arraycopy(extra, 0, args, 2, extra.length);
        return DedupOptions.optionSet().parse(args);
    }

    @Test
    void theHorizonDefaultsToTheWatermarkDelay() {
        assertThat(DedupOptions.horizon(parse())).isEqualTo(Duration.ofMinutes(10));
        assertThat(DedupOptions.horizon(parse("--watermark-delay", "2m")))
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(DedupOptions.horizon(parse("--dedup-horizon", "1h")))
                .isEqualTo(Duration.ofHours(1));
    }

    @Test
    void helpListsTheHorizonAndABadOneIsRefused() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(Launcher.run(new String[] {"dedup", "--help"}, o, e)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--dedup-horizon <duration>")
                .contains("--watermark-delay <duration>");
        assertThat(
                        Launcher.run(
                                new String[] {
                                    "dedup", "--bootstrap-servers", "b:1", "--dedup-horizon", "-1m"
                                },
                                o,
                                e))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--dedup-horizon");
    }

    @Test
    void writesTheEventInTheInputFormatKeyedByUser() {
        UserEvent e =
                new UserEvent(
                        "e-1",
                        "u-7",
                        "s-3",
                        "purchase",
                        Instant.parse("2026-01-01T10:00:00Z").toEpochMilli(),
                        12.5);
        ProducerRecord<byte[], byte[]> r =
                new DedupEventSerializationSchema("out").serialize(e, null, null);
        assertThat(r.topic()).isEqualTo("out");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("u-7");
        assertThat(new String(r.value(), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"event_id\":\"e-1\",\"user_id\":\"u-7\",\"session_id\":\"s-3\","
                                + "\"event_type\":\"purchase\",\"event_time\":\"2026-01-01T10:00:00Z\","
                                + "\"amount\":12.5}");
    }

    @Test
    void everyOperatorHasAUidAndNoTypeFallsBackToKryo() {
        ParsedOptions o = parse();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        JobEnvironment.configuration(
                                o, DedupJob.NAME, RuntimeExecutionMode.STREAMING));
        new DedupJob().buildPipeline(env, o);
        // Building the graph creates every record serializer with generic types disabled (a Kryo
        // fallback would throw); every node, sink writers and committers included, has a uid.
        StreamGraph graph = env.getStreamGraph();
        assertThat(graph.getStreamNodes())
                .extracting(StreamNode::getTransformationUID)
                .contains(
                        Operators.SOURCE.uid(),
                        Operators.ROUTE_DEAD_LETTERS.uid(),
                        Operators.DEDUPLICATE.uid())
                .doesNotContainNull();
        assertThat(graph.getJobGraph().getVertices()).isNotEmpty();
    }
}
