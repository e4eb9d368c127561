package dev.eventflow.jobs.joins;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.joins.JoinTestData.BOUND;
import static dev.eventflow.jobs.joins.JoinTestData.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.DeadLetterSerializationSchema;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code joins} end to end on a real Kafka broker (KRaft, in-process) and a Flink MiniCluster.
 * Every assertion reads the OUTPUT topics with {@code isolation.level=read_committed} and compares
 * with a ground truth computed here: a nested-loop join over the same input for the stream-stream
 * modes, the profile table as produced for the enrichment.
 *
 * <p>The stream-stream runs are bounded and started through the {@link Launcher} (start-up checks
 * included). Their output does not depend on when watermarks happen to advance: within each
 * partition the input is in time order, so no row is late, and every emission of the outer joins is
 * final by construction (see {@link OuterIntervalJoinFunction}), so the rows must equal the
 * nested-loop join exactly.
 */
class JoinsITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    // ---- stream-stream modes ----

    private static final class AdInput {
        final List<AdImpression> impressions = new ArrayList<>();
        final List<AdClick> clicks = new ArrayList<>();
        final String impressionsTopic = KAFKA.uniqueTopic("ad-impressions", 3);
        final String clicksTopic = KAFKA.uniqueTopic("ad-clicks", 3);
        final String output = KAFKA.uniqueTopic("joined-ad-clicks", 2);
        final String late = KAFKA.uniqueTopic("late-ad-rows", 1);
        final String dlq = KAFKA.uniqueTopic("ad-dlq", 1);
    }

    private static final String[] MALFORMED_IMPRESSIONS = {
        "{\"impression_id\":\"bad-1\",\"user_id\":\"u\",\"event_time\":\"2026-01-01T10:00:00Z\"}",
        "{\"impression_id\":\"bad-2\",\"user_id\":\"u\",\"ad_id\":\"a\",\"event_time\":\"yesterday\"}"
    };
    private static final String[] MALFORMED_CLICKS = {"click!"};

    /**
     * An hour of impressions (one every 15 s) and clicks at every interesting distance from their
     * impression: none, at the instant, exactly at the bound, 1 ms past it, before it, anywhere
     * inside; a second click on some; clicks on impressions that never came.
     */
    private static AdInput adInput(long seed) {
        AdInput in = new AdInput();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 240; i++) {
            in.impressions.add(
                    new AdImpression(
                            "imp-" + i, "u" + r.nextInt(20), "ad-" + r.nextInt(5), at(0, i * 15)));
        }
        for (AdImpression imp : in.impressions) {
            int kind = r.nextInt(6);
            long delta;
            switch (kind) {
                case 0:
                    continue; // never clicked
                case 1:
                    delta = 0;
                    break;
                case 2:
                    delta = BOUND;
                    break;
                case 3:
                    delta = BOUND + 1;
                    break;
                case 4:
                    delta = -1_000;
                    break;
                default:
                    delta = r.nextLong(BOUND);
            }
            in.clicks.add(
                    new AdClick(
                            "click-" + imp.impressionId(),
                            imp.impressionId(),
                            imp.userId(),
                            imp.eventTime() + delta));
        }
        for (int i = 0; i < in.impressions.size(); i += 9) {
            AdImpression imp = in.impressions.get(i);
            in.clicks.add(
                    new AdClick(
                            "click2-" + imp.impressionId(),
                            imp.impressionId(),
                            imp.userId(),
                            imp.eventTime() + MINUTE));
        }
        for (int i = 0; i < 10; i++) {
            in.clicks.add(new AdClick("orphan-" + i, "imp-unknown-" + i, "u0", at(i * 5, 7)));
        }
        in.clicks.sort((a, b) -> Long.compare(a.eventTime(), b.eventTime()));

        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < in.impressions.size(); i++) {
            AdImpression m = in.impressions.get(i);
            String json =
                    String.format(
                            "{\"impression_id\":\"%s\",\"user_id\":\"%s\",\"ad_id\":\"%s\",\"event_time\":\"%s\"}",
                            m.impressionId(),
                            m.userId(),
                            m.adId(),
                            Instant.ofEpochMilli(m.eventTime()));
            records.add(record(in.impressionsTopic, i % 3, m.impressionId(), json));
        }
        for (String bad : MALFORMED_IMPRESSIONS) {
            records.add(record(in.impressionsTopic, 1, null, bad));
        }
        KAFKA.client().produce(in.impressionsTopic, records);

        records = new ArrayList<>();
        for (int i = 0; i < in.clicks.size(); i++) {
            AdClick c = in.clicks.get(i);
            String json =
                    String.format(
                            "{\"click_id\":\"%s\",\"impression_id\":\"%s\",\"user_id\":\"%s\",\"event_time\":%d}",
                            c.clickId(), c.impressionId(), c.userId(), c.eventTime());
            records.add(record(in.clicksTopic, i % 3, c.impressionId(), json));
        }
        for (String bad : MALFORMED_CLICKS) records.add(record(in.clicksTopic, 2, null, bad));
        KAFKA.client().produce(in.clicksTopic, records);
        return in;
    }

    static ProducerRecord<byte[], byte[]> record(
            String topic, int partition, String key, String value) {
        return new ProducerRecord<>(
                topic,
                partition,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** A joined row from the output topic; its key must be its impression id. */
    static JoinedRow parseRow(ConsumerRecord<byte[], byte[]> r) {
        JsonNode n = json(r);
        JoinedRow row =
                new JoinedRow(
                        n.get("impression_id").asText(),
                        text(n, "user_id"),
                        text(n, "ad_id"),
                        time(n, "impression_time"),
                        text(n, "click_id"),
                        time(n, "click_time"));
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(row.impressionId());
        return row;
    }

    private static JsonNode json(ConsumerRecord<byte[], byte[]> r) {
        try {
            return MAPPER.readTree(r.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode n, String field) {
        return n.get(field).isNull() ? null : n.get(field).asText();
    }

    private static Long time(JsonNode n, String field) {
        return n.get(field).isNull() ? null : Instant.parse(n.get(field).asText()).toEpochMilli();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(
            value = JoinMode.class,
            names = {"INTERVAL", "LEFT_OUTER", "FULL_OUTER"})
    void aBoundedRunEqualsTheNestedLoopJoinAndDeadLettersMalformedRows(JoinMode mode)
            throws Exception {
        AdInput in = adInput(5);
        int code =
                Launcher.run(
                        new String[] {
                            "joins",
                            "--mode",
                            Option.spell(mode),
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--impressions-topic",
                            in.impressionsTopic,
                            "--clicks-topic",
                            in.clicksTopic,
                            "--output-topic",
                            in.output,
                            "--late-topic",
                            in.late,
                            "--dlq-topic",
                            in.dlq,
                            "--join-bound",
                            "10m",
                            "--bounded",
                            "--starting-offsets",
                            "earliest",
                            "--group-id",
                            "it-" + in.output,
                            "--transactional-id-prefix",
                            "it-" + in.output,
                            "--checkpoint-interval",
                            "300ms",
                            "--parallelism",
                            "2",
                            "--state-backend",
                            mode == JoinMode.LEFT_OUTER ? "rocksdb" : "hashmap"
                        },
                        System.out,
                        System.err);
        assertThat(code).isZero();

        List<JoinedRow> expected =
                JoinTestData.nestedLoopJoin(
                        in.impressions,
                        in.clicks,
                        BOUND,
                        mode != JoinMode.INTERVAL,
                        mode == JoinMode.FULL_OUTER);
        List<JoinedRow> rows =
                KAFKA.client().readCommitted(in.output, WAIT).stream()
                        .map(JoinsITCase::parseRow)
                        .collect(Collectors.toList());
        assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
        // The input covers every case the modes distinguish.
        assertThat(
                        expected.stream()
                                .filter(r -> r.clickTime() != null && r.impressionTime() != null))
                .anyMatch(r -> r.clickTime() - r.impressionTime() == BOUND)
                .anyMatch(r -> r.clickTime().equals(r.impressionTime()));
        if (mode != JoinMode.INTERVAL) {
            assertThat(rows).anyMatch(r -> r.clickId() == null);
        }
        if (mode == JoinMode.FULL_OUTER) {
            assertThat(rows).anyMatch(r -> r.adId() == null && r.clickId().startsWith("orphan-"));
        }

        // In time order within each partition: nothing is late.
        assertThat(KAFKA.client().readCommitted(in.late, WAIT)).isEmpty();

        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.client().readCommitted(in.dlq, WAIT);
        Map<String, String> reasonByValue = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            reasonByValue.put(
                    new String(d.value(), StandardCharsets.UTF_8),
                    header(d, DeadLetterSerializationSchema.REASON));
        }
        assertThat(reasonByValue)
                .containsEntry(MALFORMED_IMPRESSIONS[0], "missing field ad_id")
                .containsKey(MALFORMED_IMPRESSIONS[1])
                .containsKey(MALFORMED_CLICKS[0])
                .hasSize(3);
        assertThat(reasonByValue.get(MALFORMED_IMPRESSIONS[1])).contains("neither ISO-8601");
        assertThat(reasonByValue.get(MALFORMED_CLICKS[0])).startsWith("not valid JSON");
        assertThat(dead)
                .extracting(d -> header(d, DeadLetterSerializationSchema.SOURCE_TOPIC))
                .containsOnly(in.impressionsTopic, in.clicksTopic);
    }

    @Test
    void aMissingProfilesTopicFailsAtStartWithItsName() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                Launcher.run(
                        new String[] {
                            "joins",
                            "--mode",
                            "enrich",
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--input-topic",
                            KAFKA.uniqueTopic("user-events", 1),
                            "--profiles-topic",
                            "no-such-profiles",
                            "--output-topic",
                            KAFKA.uniqueTopic("enriched", 1),
                            "--dlq-topic",
                            KAFKA.uniqueTopic("dlq", 1)
                        },
                        System.out,
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("topic(s) [no-such-profiles] do not exist");
    }

    /**
     * Late rows on a real broker, made deterministic without sleeping: every partition of both
     * topics ends its first batch at the same instant M, so the watermark rises to exactly {@code W
     * = M - delay - 1 ms} and no further. An unclicked impression at {@code W - bound} is emitted
     * by the left outer join exactly when the watermark reaches W: seeing it on the output topic
     * proves the watermark got there. Rows at or before W produced after that are late.
     */
    @Test
    void lateRowsOfEitherSideGoToTheLateTopicWithTheWatermarkTheyMissed() throws Exception {
        String impressions = KAFKA.uniqueTopic("ad-impressions", 2);
        String clicks = KAFKA.uniqueTopic("ad-clicks", 2);
        String output = KAFKA.uniqueTopic("joined-ad-clicks", 2);
        String late = KAFKA.uniqueTopic("late-ad-rows", 1);
        long delay = MINUTE;
        long m = at(30, 0);
        long w = m - delay - 1;
        AdImpression probe = new AdImpression("probe", "u1", "ad-1", w - BOUND);
        List<ProducerRecord<byte[], byte[]>> imps = new ArrayList<>();
        imps.add(record(impressions, 0, "probe", impressionJson(probe)));
        for (int p = 0; p < 2; p++) {
            imps.add(
                    record(
                            impressions,
                            p,
                            "pin-" + p,
                            impressionJson(new AdImpression("pin-" + p, "u0", "ad-0", m))));
        }
        KAFKA.client().produce(impressions, imps);
        List<ProducerRecord<byte[], byte[]>> cls = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            cls.add(
                    record(
                            clicks,
                            p,
                            "pin-" + p,
                            clickJson(new AdClick("pin-click-" + p, "pin-" + p, "u0", m))));
        }
        KAFKA.client().produce(clicks, cls);

        ParsedOptions o =
                JoinsOptions.optionSet()
                        .parse(
                                "--mode",
                                "left-outer",
                                "--bootstrap-servers",
                                KAFKA.bootstrapServers(),
                                "--impressions-topic",
                                impressions,
                                "--clicks-topic",
                                clicks,
                                "--output-topic",
                                output,
                                "--late-topic",
                                late,
                                "--dlq-topic",
                                KAFKA.uniqueTopic("ad-dlq", 1),
                                "--watermark-delay",
                                "1m",
                                "--starting-offsets",
                                "earliest",
                                "--group-id",
                                "it-" + output,
                                "--transactional-id-prefix",
                                "it-" + output,
                                "--checkpoint-interval",
                                "300ms",
                                "--parallelism",
                                "2",
                                "--state-backend",
                                "hashmap");
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, JoinsJob.NAME, RuntimeExecutionMode.STREAMING);
        new JoinsJob().buildPipeline(env, o);
        JobClient job = env.executeAsync(JoinsJob.NAME);
        try {
            KAFKA.client()
                    .awaitRecords(
                            output,
                            rs ->
                                    rs.stream()
                                            .map(JoinsITCase::parseRow)
                                            .anyMatch(r -> r.impressionId().equals("probe")),
                            WAIT);

            AdImpression lateImpression = new AdImpression("late-imp", "u2", "ad-2", at(5, 0));
            AdClick lateClick = new AdClick("late-click", "probe", "u1", w);
            KAFKA.client()
                    .produce(
                            impressions,
                            List.of(
                                    record(
                                            impressions,
                                            0,
                                            "late-imp",
                                            impressionJson(lateImpression))));
            KAFKA.client()
                    .produce(clicks, List.of(record(clicks, 1, "probe", clickJson(lateClick))));

            List<ConsumerRecord<byte[], byte[]>> lateRows =
                    KAFKA.client().awaitRecords(late, rs -> rs.size() >= 2, WAIT);
            job.cancel().get();
            assertThat(lateRows).hasSize(2);
            Map<String, JsonNode> bySide = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : lateRows) {
                JsonNode n = json(r);
                bySide.put(n.get("side").asText(), n);
                assertThat(n.get("watermark").asText())
                        .isEqualTo(Instant.ofEpochMilli(w).toString());
            }
            JsonNode li = bySide.get("impression");
            assertThat(li.get("impression_id").asText()).isEqualTo("late-imp");
            assertThat(li.get("ad_id").asText()).isEqualTo("ad-2");
            assertThat(li.get("event_time").asText()).isEqualTo("2026-01-01T10:05:00Z");
            assertThat(li.get("lateness_ms").asLong()).isEqualTo(w - at(5, 0));
            JsonNode lc = bySide.get("click");
            assertThat(lc.get("click_id").asText()).isEqualTo("late-click");
            assertThat(lc.get("impression_id").asText()).isEqualTo("probe");
            assertThat(lc.get("lateness_ms").asLong()).isZero();

            // Neither late row reached the join: the probe stays unmatched, once, and the late
            // impression is not emitted (the pins matched their own clicks).
            List<JoinedRow> rows =
                    KAFKA.client().readCommitted(output, WAIT).stream()
                            .map(JoinsITCase::parseRow)
                            .collect(Collectors.toList());
            assertThat(rows)
                    .filteredOn(r -> !r.impressionId().startsWith("pin-"))
                    .containsExactly(JoinedRow.impressionOnly(probe));
        } finally {
            try {
                job.cancel().get();
            } catch (Exception alreadyGone) {
                // cancelled above
            }
        }
    }

    private static String impressionJson(AdImpression m) {
        return String.format(
                "{\"impression_id\":\"%s\",\"user_id\":\"%s\",\"ad_id\":\"%s\",\"event_time\":\"%s\"}",
                m.impressionId(), m.userId(), m.adId(), Instant.ofEpochMilli(m.eventTime()));
    }

    private static String clickJson(AdClick c) {
        return String.format(
                "{\"click_id\":\"%s\",\"impression_id\":\"%s\",\"user_id\":\"%s\",\"event_time\":%d}",
                c.clickId(), c.impressionId(), c.userId(), c.eventTime());
    }

    // ---- enrich ----

    private String events;
    private String profiles;
    private String enriched;
    private int probes;

    private void produceEvents(List<UserEvent> list) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            UserEvent e = list.get(i);
            records.add(
                    new ProducerRecord<>(
                            events,
                            i % 2,
                            e.userId.getBytes(StandardCharsets.UTF_8),
                            Json.event(e)));
        }
        KAFKA.client().produce(events, records);
    }

    private void produceProfile(String user, UserProfile p) {
        String value =
                p == null
                        ? null
                        : String.format(
                                "{\"user_id\":\"%s\",\"country\":\"%s\",\"segment\":\"%s\"}",
                                p.userId, p.country, p.segment);
        KAFKA.client().produce(profiles, List.of(record(profiles, 0, user, value)));
    }

    private static UserProfile profileOf(JsonNode n) {
        if (!n.get("profile_found").asBoolean()) {
            assertThat(n.get("country").isNull()).isTrue();
            return null;
        }
        return new UserProfile(n.get("user_id").asText(), text(n, "country"), text(n, "segment"));
    }

    private static JsonNode rowOf(List<ConsumerRecord<byte[], byte[]>> records, String eventId) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode n = json(r);
            if (n.get("event_id").asText().equals(eventId)) return n;
        }
        return null;
    }

    /**
     * Sends probe events for {@code user} until one comes out enriched with {@code expected}: the
     * observable proof that the job has applied that profile version (each probe waits for its own
     * row on the output topic, committed with a checkpoint).
     */
    private void awaitProfile(String user, UserProfile expected) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String id = "probe-" + user + "-" + (++probes);
            produceEvents(List.of(new UserEvent(id, user, "probe", "page_view", at(0, 0), null)));
            JsonNode row =
                    rowOf(
                            KAFKA.client()
                                    .awaitRecords(enriched, rs -> rowOf(rs, id) != null, WAIT),
                            id);
            if (java.util.Objects.equals(profileOf(row), expected)) return;
            assertThat(System.nanoTime() - deadline)
                    .as("profile %s of %s never became visible", expected, user)
                    .isNegative();
        }
    }

    private List<UserEvent> batch(String prefix, int users, int perUser) {
        List<UserEvent> list = new ArrayList<>();
        for (int k = 0; k < perUser; k++) {
            for (int u = 0; u < users; u++) {
                list.add(
                        new UserEvent(
                                prefix + "-" + u + "-" + k,
                                "u" + u,
                                "s" + u,
                                k % 3 == 0 ? "purchase" : "click",
                                at(k, u),
                                k % 3 == 0 ? 10.0 + k : null));
            }
        }
        return list;
    }

    @Test
    void enrichmentUsesTheLatestProfileAndAppliesUpdatesAndTombstonesWithoutRestart()
            throws Exception {
        events = KAFKA.uniqueTopic("user-events", 2);
        profiles = KAFKA.uniqueTopic("user-profiles", 1, Map.of("cleanup.policy", "compact"));
        enriched = KAFKA.uniqueTopic("enriched-user-events", 2);
        String dlq = KAFKA.uniqueTopic("enrich-dlq", 1);

        Map<String, UserProfile> table = new LinkedHashMap<>();
        for (int u = 0; u < 5; u++) {
            UserProfile p = new UserProfile("u" + u, u % 2 == 0 ? "FR" : "DE", "new");
            table.put(p.userId, p);
            produceProfile(p.userId, p);
        }
        KAFKA.client()
                .produce(
                        profiles,
                        List.of(
                                record(profiles, 0, "u8", "{\"user_id\":\"u9\"}"),
                                record(profiles, 0, "u7", "[]")));
        KAFKA.client().produce(events, List.of(record(events, 1, null, "{\"user_id\":")));

        ParsedOptions o =
                JoinsOptions.optionSet()
                        .parse(
                                "--mode",
                                "enrich",
                                "--bootstrap-servers",
                                KAFKA.bootstrapServers(),
                                "--input-topic",
                                events,
                                "--profiles-topic",
                                profiles,
                                "--output-topic",
                                enriched,
                                "--dlq-topic",
                                dlq,
                                "--starting-offsets",
                                "earliest",
                                "--group-id",
                                "it-" + enriched,
                                "--transactional-id-prefix",
                                "it-" + enriched,
                                "--checkpoint-interval",
                                "300ms",
                                "--parallelism",
                                "2",
                                "--state-backend",
                                "hashmap");
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, JoinsJob.NAME, RuntimeExecutionMode.STREAMING);
        new JoinsJob().buildPipeline(env, o);
        JobClient job = env.executeAsync(JoinsJob.NAME);
        try {
            for (UserProfile p : table.values()) awaitProfile(p.userId, p);

            List<UserEvent> first = batch("first", 5, 4);
            Map<String, UserProfile> expected = new HashMap<>();
            for (UserEvent e : first) expected.put(e.eventId, table.get(e.userId));
            produceEvents(first);
            KAFKA.client()
                    .awaitRecords(
                            enriched,
                            rs -> first.stream().allMatch(e -> rowOf(rs, e.eventId) != null),
                            WAIT);

            // Mid-stream: an update, a tombstone, a new user.
            UserProfile u0v2 = new UserProfile("u0", "FR", "premium");
            UserProfile u5 = new UserProfile("u5", "IT", "new");
            produceProfile("u0", u0v2);
            produceProfile("u1", null);
            produceProfile("u5", u5);
            table.put("u0", u0v2);
            table.remove("u1");
            table.put("u5", u5);
            awaitProfile("u0", u0v2);
            awaitProfile("u1", null);
            awaitProfile("u5", u5);

            List<UserEvent> second = batch("second", 6, 3);
            for (UserEvent e : second) expected.put(e.eventId, table.get(e.userId));
            produceEvents(second);
            KAFKA.client()
                    .awaitRecords(
                            enriched,
                            rs -> second.stream().allMatch(e -> rowOf(rs, e.eventId) != null),
                            WAIT);
            job.cancel().get();

            List<ConsumerRecord<byte[], byte[]>> out = KAFKA.client().readCommitted(enriched, WAIT);
            Map<String, Long> copies =
                    out.stream()
                            .map(r -> json(r).get("event_id").asText())
                            .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
            assertThat(copies.values()).as("every event exactly once").containsOnly(1L);
            for (Map.Entry<String, UserProfile> e : expected.entrySet()) {
                JsonNode row = rowOf(out, e.getKey());
                assertThat(row).as(e.getKey()).isNotNull();
                assertThat(profileOf(row)).as(e.getKey()).isEqualTo(e.getValue());
            }
            for (ConsumerRecord<byte[], byte[]> r : out) {
                assertThat(new String(r.key(), StandardCharsets.UTF_8))
                        .isEqualTo(json(r).get("user_id").asText());
            }
            UserEvent sample = first.get(0);
            JsonNode row = rowOf(out, sample.eventId);
            assertThat(row.get("event_time").asText())
                    .isEqualTo(Instant.ofEpochMilli(sample.eventTime).toString());
            assertThat(row.get("amount").asDouble()).isEqualTo(sample.amount);

            List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.client().readCommitted(dlq, WAIT);
            assertThat(dead)
                    .extracting(d -> header(d, DeadLetterSerializationSchema.REASON))
                    .hasSize(3)
                    .contains("key 'u8' does not match user_id 'u9'", "not a JSON object")
                    .anyMatch(reason -> reason.startsWith("not valid JSON"));
        } finally {
            try {
                job.cancel().get();
            } catch (Exception alreadyGone) {
                // cancelled above
            }
        }
    }
}
