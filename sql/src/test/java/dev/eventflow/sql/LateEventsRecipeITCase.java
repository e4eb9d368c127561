package dev.eventflow.sql;

import static dev.eventflow.sql.SqlTestSupport.MINUTE;
import static dev.eventflow.sql.SqlTestSupport.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The late-events recipe: with watermarks emitted on every event and one partition, the watermark
 * each event meets is exactly {@code max event time before it - delay}, so the ground truth can
 * replay it here and know which events are late, by how much, and in which tier.
 */
class LateEventsRecipeITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(2);

    @Test
    void lateEventsAreCapturedWithTheirWatermarkLatenessAndTier() throws Exception {
        String input = KAFKA.uniqueTopic("user-events", 1);
        String late = KAFKA.uniqueTopic("late", 1);
        List<SqlTestSupport.Event> events = new ArrayList<>();
        int n = 0;
        // 60 minutes of in-order traffic, with stragglers: 3 minutes late (on time: inside the
        // 10-minute delay), 17 minutes late (behind the main tier, within the 30-minute audit tier)
        // and 45 minutes late (lost even for the audit tier).
        for (int minute = 0; minute < 60; minute++) {
            long t = T0 + minute * MINUTE;
            events.add(
                    new SqlTestSupport.Event("e" + n++, "u" + minute % 5, "s", "click", t, null));
            if (minute % 7 == 3)
                events.add(
                        new SqlTestSupport.Event(
                                "e" + n++, "u-a", "s", "click", t - 3 * MINUTE, null));
            if (minute % 11 == 5 && minute > 20)
                events.add(
                        new SqlTestSupport.Event(
                                "e" + n++, "u-b", "s", "click", t - 17 * MINUTE, null));
            if (minute % 13 == 7 && minute > 50)
                events.add(
                        new SqlTestSupport.Event(
                                "e" + n++, "u-c", "s", "click", t - 45 * MINUTE, null));
        }
        SqlTestSupport.produce(KAFKA, input, events, 1);

        // Ground truth: replay the watermark. A SQL "WATERMARK FOR ts AS ts - INTERVAL '10' MINUTE"
        // is
        // max seen - 10m exactly (the DataStream strategy subtracts one more millisecond); none
        // before the first event.
        long delay = 10 * MINUTE;
        long size = 5 * MINUTE;
        long slide = MINUTE;
        Map<String, String[]> expected = new TreeMap<>();
        long max = Long.MIN_VALUE;
        for (SqlTestSupport.Event e : events) {
            if (max != Long.MIN_VALUE) {
                long watermark = max - delay;
                long newestWindowEnd = Math.floorDiv(e.time, slide) * slide + size;
                if (newestWindowEnd - 1 <= watermark) {
                    String tier =
                            e.time > watermark - (30 * MINUTE - delay) ? "recoverable" : "lost";
                    expected.put(e.id, new String[] {Long.toString(watermark - e.time), tier});
                }
            }
            max = Math.max(max, e.time);
        }
        assertThat(expected.values().stream().filter(v -> v[1].equals("recoverable"))).isNotEmpty();
        assertThat(expected.values().stream().filter(v -> v[1].equals("lost"))).isNotEmpty();

        SqlTestSupport.runBounded(
                "recipes/late-events.sql",
                Map.of(
                        "BOOTSTRAP_SERVERS",
                        KAFKA.bootstrapServers(),
                        "INPUT_TOPIC",
                        input,
                        "LATE_TOPIC",
                        late,
                        "TRANSACTIONAL_ID_PREFIX",
                        "sql-late-" + input));

        Map<String, String[]> actual = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KAFKA.client().readCommitted(late, Duration.ofSeconds(60))) {
            JsonNode row = SqlTestSupport.json(r);
            actual.put(
                    row.get("event_id").asText(),
                    new String[] {row.get("lateness_ms").asText(), row.get("tier").asText()});
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((id, want) -> assertThat(actual.get(id)).as(id).containsExactly(want));
    }
}
