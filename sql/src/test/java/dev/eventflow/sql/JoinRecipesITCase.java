package dev.eventflow.sql;

import static dev.eventflow.sql.SqlTestSupport.MINUTE;
import static dev.eventflow.sql.SqlTestSupport.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.Launcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The interval-join recipes against a nested-loop join computed here over the same input: inner
 * (clicks within the bound after their impression, boundaries included) and left outer (plus every
 * impression without such a click, with null click fields); and, differentially, the DataStream
 * {@code joins} job's interval and left-outer modes produce the same rows from the same input.
 */
class JoinRecipesITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final long BOUND = 10 * MINUTE;

    private record Impression(String id, String user, String ad, long time) {}

    private record Click(String id, String impression, String user, long time) {}

    private final List<Impression> impressions = new ArrayList<>();
    private final List<Click> clicks = new ArrayList<>();
    private String impressionsTopic;
    private String clicksTopic;

    private static String iso(long t) {
        String s = Instant.ofEpochMilli(t).toString();
        return t % 1000 == 0 ? s.replace("Z", ".000Z") : s;
    }

    @BeforeEach
    void input() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            impressions.add(
                    new Impression(
                            "imp-" + i,
                            "u" + r.nextInt(20),
                            "ad-" + r.nextInt(5),
                            T0 + i * 15_000L));
        }
        for (Impression imp : impressions) {
            int kind = r.nextInt(6);
            if (kind == 0) continue; // never clicked
            long delta;
            switch (kind) {
                case 1 -> delta = 0; // at the impression's instant: inside
                case 2 -> delta = BOUND; // exactly at the bound: inside
                case 3 -> delta = BOUND + 1; // one millisecond too late: outside
                case 4 -> delta = -1_000; // before the impression: outside
                default -> delta = r.nextLong(BOUND);
            }
            clicks.add(new Click("click-" + imp.id(), imp.id(), imp.user(), imp.time() + delta));
        }
        // A second click on some impressions: both match.
        for (int i = 0; i < impressions.size(); i += 9) {
            Impression imp = impressions.get(i);
            clicks.add(new Click("click2-" + imp.id(), imp.id(), imp.user(), imp.time() + 60_000));
        }
        // Clicks whose impression never arrives (only the full outer join emits them).
        for (int i = 0; i < 5; i++) {
            clicks.add(new Click("click-ghost-" + i, "imp-ghost-" + i, "u" + i, T0 + i * 300_000L));
        }
        clicks.sort((a, b) -> Long.compare(a.time(), b.time()));
        impressionsTopic = KAFKA.uniqueTopic("ad-impressions", 2);
        clicksTopic = KAFKA.uniqueTopic("ad-clicks", 2);
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        for (int i = 0; i < impressions.size(); i++) {
            Impression m = impressions.get(i);
            String json =
                    String.format(
                            "{\"impression_id\":\"%s\",\"user_id\":\"%s\",\"ad_id\":\"%s\",\"event_time\":\"%s\"}",
                            m.id(), m.user(), m.ad(), Instant.ofEpochMilli(m.time()));
            recs.add(
                    new ProducerRecord<>(
                            impressionsTopic, i % 2, null, json.getBytes(StandardCharsets.UTF_8)));
        }
        KAFKA.client().produce(impressionsTopic, recs);
        recs = new ArrayList<>();
        for (int i = 0; i < clicks.size(); i++) {
            Click c = clicks.get(i);
            String json =
                    String.format(
                            "{\"click_id\":\"%s\",\"impression_id\":\"%s\",\"user_id\":\"%s\",\"event_time\":%d}",
                            c.id(), c.impression(), c.user(), c.time());
            recs.add(
                    new ProducerRecord<>(
                            clicksTopic, i % 2, null, json.getBytes(StandardCharsets.UTF_8)));
        }
        KAFKA.client().produce(clicksTopic, recs);
    }

    /** Nested-loop join: "impression|user|ad|click|impression_time|click_time" rows. */
    private List<String> expected(boolean leftOuter) {
        return expected(leftOuter, false);
    }

    /**
     * The nested-loop join; {@code fullOuter} adds each click no impression matched, with the
     * impression_id and user_id it carries and null impression fields (the job's format).
     */
    private List<String> expected(boolean leftOuter, boolean fullOuter) {
        List<String> rows = new ArrayList<>();
        for (Impression i : impressions) {
            boolean matched = false;
            for (Click c : clicks) {
                if (c.impression().equals(i.id())
                        && c.time() >= i.time()
                        && c.time() <= i.time() + BOUND) {
                    rows.add(
                            i.id()
                                    + "|"
                                    + i.user()
                                    + "|"
                                    + i.ad()
                                    + "|"
                                    + c.id()
                                    + "|"
                                    + iso(i.time())
                                    + "|"
                                    + iso(c.time()));
                    matched = true;
                }
            }
            if (leftOuter && !matched)
                rows.add(
                        i.id()
                                + "|"
                                + i.user()
                                + "|"
                                + i.ad()
                                + "|null|"
                                + iso(i.time())
                                + "|null");
        }
        if (fullOuter) {
            for (Click c : clicks) {
                boolean matched =
                        impressions.stream()
                                .anyMatch(
                                        i ->
                                                c.impression().equals(i.id())
                                                        && c.time() >= i.time()
                                                        && c.time() <= i.time() + BOUND);
                if (!matched)
                    rows.add(
                            c.impression()
                                    + "|"
                                    + c.user()
                                    + "|null|"
                                    + c.id()
                                    + "|null|"
                                    + iso(c.time()));
            }
        }
        return rows;
    }

    private List<String> run(String recipe) throws Exception {
        String out = KAFKA.uniqueTopic("joined", 2);
        SqlTestSupport.runBounded(
                recipe,
                Map.of(
                        "BOOTSTRAP_SERVERS",
                        KAFKA.bootstrapServers(),
                        "IMPRESSIONS_TOPIC",
                        impressionsTopic,
                        "CLICKS_TOPIC",
                        clicksTopic,
                        "OUTPUT_TOPIC",
                        out,
                        "TRANSACTIONAL_ID_PREFIX",
                        "sql-join-" + out));
        return KAFKA.client().readCommitted(out, Duration.ofSeconds(60)).stream()
                .map(SqlTestSupport::json)
                .map(JoinRecipesITCase::row)
                .collect(Collectors.toList());
    }

    /** The DataStream {@code joins} job, bounded, on the same input. */
    private List<String> runJob(String mode) throws Exception {
        String out = KAFKA.uniqueTopic("joined-job", 2);
        int code =
                Launcher.run(
                        new String[] {
                            "joins",
                            "--mode",
                            mode,
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--impressions-topic",
                            impressionsTopic,
                            "--clicks-topic",
                            clicksTopic,
                            "--output-topic",
                            out,
                            "--late-topic",
                            KAFKA.uniqueTopic("late", 1),
                            "--dlq-topic",
                            KAFKA.uniqueTopic("dlq", 1),
                            "--join-bound",
                            "10m",
                            "--bounded",
                            "--starting-offsets",
                            "earliest",
                            "--group-id",
                            "diff-" + out,
                            "--transactional-id-prefix",
                            "diff-" + out,
                            "--checkpoint-interval",
                            "300ms",
                            "--state-backend",
                            "hashmap",
                            "--parallelism",
                            "2"
                        },
                        System.out,
                        System.err);
        assertThat(code).isZero();
        return KAFKA.client().readCommitted(out, Duration.ofSeconds(60)).stream()
                .map(SqlTestSupport::json)
                .map(JoinRecipesITCase::normalizeTimes)
                .map(JoinRecipesITCase::row)
                .collect(Collectors.toList());
    }

    /**
     * The job writes times as {@code Instant.toString()} (no millis when they are zero), the recipe
     * always with millis: the same instants, compared in one spelling.
     */
    private static JsonNode normalizeTimes(JsonNode n) {
        ObjectNode o = (ObjectNode) n;
        for (String field : new String[] {"impression_time", "click_time"}) {
            if (!o.get(field).isNull())
                o.put(field, iso(Instant.parse(o.get(field).asText()).toEpochMilli()));
        }
        return o;
    }

    private static String row(JsonNode n) {
        return n.get("impression_id").asText()
                + "|"
                + n.get("user_id").asText()
                + "|"
                + n.get("ad_id").asText()
                + "|"
                + (n.get("click_id").isNull() ? "null" : n.get("click_id").asText())
                + "|"
                + n.get("impression_time").asText()
                + "|"
                + (n.get("click_time").isNull() ? "null" : n.get("click_time").asText());
    }

    @Test
    void innerIntervalJoinEqualsTheNestedLoopJoin() throws Exception {
        List<String> want = expected(false);
        List<String> sql = run("recipes/interval-join.sql");
        assertThat(sql).containsExactlyInAnyOrderElementsOf(want);
        // Differential: the DataStream job's interval join gives the same rows.
        assertThat(runJob("interval")).containsExactlyInAnyOrderElementsOf(sql);
    }

    @Test
    void leftOuterIntervalJoinAddsEveryUnclickedImpressionOnce() throws Exception {
        List<String> want = expected(true);
        assertThat(want.stream().filter(r -> r.contains("|null|"))).isNotEmpty();
        List<String> sql = run("recipes/interval-join-left-outer.sql");
        assertThat(sql).containsExactlyInAnyOrderElementsOf(want);
        // Differential: the job's outer join (KeyedCoProcessFunction + timers) gives the same rows.
        assertThat(runJob("left-outer")).containsExactlyInAnyOrderElementsOf(sql);
    }

    @Test
    void fullOuterIntervalJoinAddsUnclickedImpressionsAndOrphanClicksOnce() throws Exception {
        List<String> want = expected(true, true);
        // Both kinds of unmatched row are in the input: impressions never clicked in time, and
        // clicks too early, too late, or for an impression that never arrived.
        assertThat(want.stream().filter(r -> r.endsWith("|null"))).isNotEmpty();
        List<String> clickOnly =
                want.stream().filter(r -> r.split("\\|")[4].equals("null")).toList();
        assertThat(clickOnly).hasSizeGreaterThan(5);
        assertThat(want.stream().filter(r -> r.startsWith("imp-ghost-"))).hasSize(5);
        List<String> sql = run("recipes/interval-join-full-outer.sql");
        assertThat(sql).containsExactlyInAnyOrderElementsOf(want);
        // Differential: the job's full outer mode (the same function, emitting unmatched clicks at
        // their deadline) gives the same rows, click-only rows keyed and attributed alike.
        assertThat(runJob("full-outer")).containsExactlyInAnyOrderElementsOf(sql);
    }
}
