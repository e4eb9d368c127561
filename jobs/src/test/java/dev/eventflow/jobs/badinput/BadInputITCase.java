package dev.eventflow.jobs.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.event.DeadLetterSerializationSchema;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.event.UserEventBadInputTest;
import dev.eventflow.common.event.UserEventBadInputTest.BadInput;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.Launcher;
import dev.eventflow.jobs.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The malformed user events of {@link UserEventBadInputTest#table} through a job's real Kafka
 * source and dead-letter sink ({@code dedup --bounded}, started by the launcher), each between good
 * events on the same partition: every bad record is on the DLQ, raw, with its reason and source
 * coordinates in the headers; every good event is on the output exactly once (read_committed); the
 * job finishes normally (exit 0), so no bad record crashed or restarted it.
 */
class BadInputITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void everyBadRecordIsDeadLetteredWithItsReasonAndEveryGoodOneProcessed() throws Exception {
        String input = KAFKA.uniqueTopic("bad-input-events", 2);
        String output = KAFKA.uniqueTopic("bad-input-out", 2);
        String dlq = KAFKA.uniqueTopic("bad-input-dlq", 1);

        List<BadInput> table = UserEventBadInputTest.table(System.currentTimeMillis());
        List<UserEvent> good = TestEvents.seeded(1601, 2 * (table.size() + 1), 10, 5, 0);
        good.sort((a, b) -> Long.compare(a.eventTime, b.eventTime));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        // good, bad, good, bad, ..., good: on partition i % 2, each partition in event-time order
        int g = 0;
        for (int i = 0; i < table.size(); i++) {
            for (int k = 0; k < 2 && g < good.size(); k++, g++) {
                records.add(record(input, g % 2, good.get(g)));
            }
            records.add(new ProducerRecord<>(input, i % 2, null, table.get(i).value()));
        }
        for (; g < good.size(); g++) records.add(record(input, g % 2, good.get(g)));
        KAFKA.client().produce(input, records);

        String[] args =
                KAFKA.jobArgs(input)
                        .with("--input-topic", input)
                        .with("--output-topic", output)
                        .with("--dlq-topic", dlq)
                        .with("--parallelism", 2)
                        .with("--watermark-delay", "1m")
                        .with("--idleness", "0s")
                        .with("--state-backend", "hashmap")
                        .flag("--bounded")
                        .toArray();
        String[] full = new String[args.length + 1];
        full[0] = "dedup";
        System.arraycopy(args, 0, full, 1, args.length);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(console, true, StandardCharsets.UTF_8);
        assertThat(Launcher.run(full, ps, ps))
                .as(console.toString(StandardCharsets.UTF_8))
                .isZero();

        Map<String, Long> written = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KAFKA.client().readCommitted(output, WAIT)) {
            written.merge(MAPPER.readTree(r.value()).get("event_id").asText(), 1L, Long::sum);
        }
        Map<String, Long> expected = new LinkedHashMap<>();
        good.forEach(e -> expected.put(e.eventId, 1L));
        assertThat(written).containsExactlyInAnyOrderEntriesOf(expected);

        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.client().readCommitted(dlq, WAIT);
        assertThat(dead).hasSize(table.size());
        Map<String, ConsumerRecord<byte[], byte[]>> byValue = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            byValue.put(new String(d.value(), StandardCharsets.ISO_8859_1), d);
        }
        for (int i = 0; i < table.size(); i++) {
            BadInput bad = table.get(i);
            ConsumerRecord<byte[], byte[]> d =
                    byValue.get(new String(bad.value(), StandardCharsets.ISO_8859_1));
            assertThat(d).as(bad.name() + " on the DLQ, raw").isNotNull();
            assertThat(header(d, DeadLetterSerializationSchema.REASON))
                    .as(bad.name())
                    .contains(bad.reason());
            assertThat(header(d, DeadLetterSerializationSchema.SOURCE_TOPIC)).isEqualTo(input);
            assertThat(header(d, DeadLetterSerializationSchema.SOURCE_PARTITION))
                    .isEqualTo(Integer.toString(i % 2));
            assertThat(header(d, DeadLetterSerializationSchema.SOURCE_OFFSET)).isNotBlank();
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, UserEvent e) {
        return new ProducerRecord<>(
                topic, partition, e.userId.getBytes(StandardCharsets.UTF_8), Json.event(e));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
