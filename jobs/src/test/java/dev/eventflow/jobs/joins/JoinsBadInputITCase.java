package dev.eventflow.jobs.joins;

import static dev.eventflow.jobs.joins.AdEventBadInputTest.DAY;
import static dev.eventflow.jobs.joins.JoinTestData.BOUND;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.DeadLetterSerializationSchema;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.event.UserEventBadInputTest;
import dev.eventflow.common.event.UserEventBadInputTest.BadInput;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.metrics.DeadLetterReasons;
import dev.eventflow.common.metrics.SuiteMetrics;
import dev.eventflow.common.testing.GuaranteeLedger;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.Launcher;
import dev.eventflow.jobs.joins.AdEventBadInputTest.BadRecord;
import dev.eventflow.jobs.joins.AdEventBadInputTest.Input;
import dev.eventflow.jobs.joins.AdEventBadInputTest.OddRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The malformed records of {@link AdEventBadInputTest#table} through {@code joins} on a real broker
 * and a Flink MiniCluster, each between good records on the same partition, plus records at the
 * broker's size limit:
 *
 * <ul>
 *   <li>{@code --mode full-outer --bounded}, started by the launcher: malformed impressions and
 *       clicks, the odd-but-valid ones, a valid impression whose record is exactly at the
 *       producer's {@code max.request.size}, and malformed records at that limit (a huge value; a
 *       huge key). The joined rows on the output topic (read_committed) equal a nested-loop full
 *       outer join of every valid record computed here, except far-past rows that met a watermark
 *       and are on the late topic instead: none lost, none twice.
 *   <li>{@code --mode enrich}: the malformed profiles between good ones, and the malformed user
 *       events of {@link UserEventBadInputTest#table} between good events, plus a malformed
 *       profile, a malformed user event and a valid user event at the producer's limit: every good
 *       event is enriched exactly once with the profile computed here; no malformed profile changed
 *       one.
 * </ul>
 *
 * In both, every malformed record is on the DLQ exactly once, with its reason and the coordinates
 * of its source record (checked against the source topic itself); dead letters of near-limit
 * records are cut to fit and say so; and the dead-letter metrics (read from an in-memory metric
 * reporter) count exactly the dead letters, by the reason categories the DLQ shows.
 */
class JoinsBadInputITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long MINUTE = 60_000L;

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(byte[] value) {
        try {
            return MAPPER.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
    }

    /** What the producer counts against {@code max.request.size}. */
    private static int producerSize(byte[] key, byte[] value) {
        return AbstractRecords.estimateSizeInBytesUpperBound(
                RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, key, value, new Header[0]);
    }

    /**
     * {@code prefix} + padding + {@code suffix}: the largest value whose record (with {@code key})
     * the producer still sends with its default {@code max.request.size}.
     */
    private static byte[] atTheLimit(byte[] key, String prefix, String suffix) {
        int limit = DeadLetterSerializationSchema.DEFAULT_MAX_RECORD_BYTES;
        int pad = limit - 300 - prefix.length() - suffix.length() - (key == null ? 0 : key.length);
        while (producerSize(key, new byte[prefix.length() + pad + 1 + suffix.length()]) <= limit) {
            pad++;
        }
        byte[] value = utf8(prefix + "p".repeat(pad) + suffix);
        assertThat(producerSize(key, value)).isEqualTo(limit);
        return value;
    }

    /** The broker's {@code message.max.bytes}: the dead letters must fit under it too. */
    private static int brokerMessageMaxBytes() throws Exception {
        try (Admin admin = KAFKA.cluster().newAdmin()) {
            String id = admin.describeCluster().nodes().get().iterator().next().idString();
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, id);
            Config config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
            return Integer.parseInt(config.get("message.max.bytes").value());
        }
    }

    // ---- what the ground truth reads from a valid record, independently of the parser ----

    private static long time(JsonNode n) {
        JsonNode t = n.get("event_time");
        if (t.isNumber()) return t.asLong();
        return OffsetDateTime.parse(t.asText()).toInstant().toEpochMilli();
    }

    private static AdImpression impressionOf(byte[] value) {
        JsonNode n = json(value);
        return new AdImpression(
                n.get("impression_id").asText(),
                n.get("user_id").asText(),
                n.get("ad_id").asText(),
                time(n));
    }

    private static AdClick clickOf(byte[] value) {
        JsonNode n = json(value);
        return new AdClick(
                n.get("click_id").asText(),
                n.get("impression_id").asText(),
                n.get("user_id").asText(),
                time(n));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Long isoTime(JsonNode n, String field) {
        String t = text(n, field);
        return t == null ? null : Instant.parse(t).toEpochMilli();
    }

    private static JoinedRow rowOf(ConsumerRecord<byte[], byte[]> r) {
        JsonNode n = json(r.value());
        return new JoinedRow(
                n.get("impression_id").asText(),
                text(n, "user_id"),
                text(n, "ad_id"),
                isoTime(n, "impression_time"),
                text(n, "click_id"),
                isoTime(n, "click_time"));
    }

    // ---- the inputs ----

    /** A record produced to a topic, remembered with what the test expects of it. */
    private record Sent(String topic, int partition, byte[] key, byte[] value, BadRecord bad) {}

    /** A malformed record at the size limit, with its reason. */
    private static BadRecord huge(Input input, String name, byte[] key, byte[] value, String why) {
        return new BadRecord(input, name, key, value, why, DeadLetterReasons.MISSING_FIELD);
    }

    /**
     * Good records of one topic in time order, {@code bad} ones interleaved (one after each good
     * record of the same partition, round robin), then {@code tail} in order on each partition.
     */
    private static List<Sent> interleave(
            String topic,
            int partitions,
            List<ProducerRecord<byte[], byte[]>> good,
            List<BadRecord> bad,
            List<ProducerRecord<byte[], byte[]>> tail) {
        List<Sent> out = new ArrayList<>();
        int b = 0;
        for (ProducerRecord<byte[], byte[]> g : good) {
            out.add(new Sent(topic, g.partition(), g.key(), g.value(), null));
            if (b < bad.size()) {
                BadRecord r = bad.get(b++);
                out.add(new Sent(topic, g.partition(), r.key(), r.value(), r));
            }
        }
        for (; b < bad.size(); b++) {
            BadRecord r = bad.get(b);
            out.add(new Sent(topic, b % partitions, r.key(), r.value(), r));
        }
        for (ProducerRecord<byte[], byte[]> t : tail) {
            out.add(new Sent(topic, t.partition(), t.key(), t.value(), null));
        }
        return out;
    }

    private static void produce(List<Sent> sent) {
        if (sent.isEmpty()) return;
        KAFKA.client()
                .produce(
                        sent.get(0).topic(),
                        sent.stream()
                                .map(
                                        s ->
                                                new ProducerRecord<>(
                                                        s.topic(),
                                                        s.partition(),
                                                        s.key(),
                                                        s.value()))
                                .collect(Collectors.toList()));
    }

    @Test
    void fullOuterJoinDeadLettersEveryMalformedRecordAndLosesNoGoodOne(
            @InjectClusterClient ClusterClient<?> flink) throws Exception {
        long now = System.currentTimeMillis();
        String impressionsTopic = KAFKA.uniqueTopic("bad-ad-impressions", 2);
        String clicksTopic = KAFKA.uniqueTopic("bad-ad-clicks", 2);
        String output = KAFKA.uniqueTopic("bad-joined", 2);
        String late = KAFKA.uniqueTopic("bad-joined-late", 1);
        String dlq = KAFKA.uniqueTopic("bad-joined-dlq", 1);

        // Good records, in time order on each partition, well behind the odd ones (now - 1 day).
        long base = now - DAY - 2 * 60 * MINUTE;
        List<ProducerRecord<byte[], byte[]>> goodImpressions = new ArrayList<>();
        List<AdImpression> validImpressions = new ArrayList<>();
        List<AdClick> validClicks = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            AdImpression imp =
                    new AdImpression("imp-" + i, "u" + i % 7, "ad-" + i % 3, base + i * 30_000L);
            validImpressions.add(imp);
            goodImpressions.add(
                    new ProducerRecord<>(
                            impressionsTopic,
                            i % 2,
                            utf8(imp.impressionId()),
                            utf8(
                                    AdEventBadInputTest.impression(
                                            imp.impressionId(),
                                            imp.userId(),
                                            imp.adId(),
                                            Long.toString(imp.eventTime())))));
            if (i % 3 != 0) {
                validClicks.add(
                        new AdClick(
                                "click-" + i,
                                imp.impressionId(),
                                imp.userId(),
                                imp.eventTime() + (i % 4) * 2 * MINUTE));
            }
            if (i % 5 == 0) {
                validClicks.add(
                        new AdClick(
                                "click-late-" + i,
                                imp.impressionId(),
                                imp.userId(),
                                imp.eventTime() + BOUND + 1));
            }
        }
        // A valid impression exactly at the producer's limit (padding in an unknown field), and
        // its click.
        long hugeTime = base + 80 * 30_000L;
        byte[] hugeValid =
                atTheLimit(
                        utf8("imp-huge"),
                        "{\"impression_id\":\"imp-huge\",\"user_id\":\"u-huge\",\"ad_id\":\"ad-huge\",\"event_time\":"
                                + hugeTime
                                + ",\"pad\":\"",
                        "\"}");
        validImpressions.add(new AdImpression("imp-huge", "u-huge", "ad-huge", hugeTime));
        goodImpressions.add(new ProducerRecord<>(impressionsTopic, 0, utf8("imp-huge"), hugeValid));
        validClicks.add(new AdClick("click-huge", "imp-huge", "u-huge", hugeTime + MINUTE));
        validClicks.sort((a, b) -> Long.compare(a.eventTime(), b.eventTime()));
        List<ProducerRecord<byte[], byte[]>> goodClicks = new ArrayList<>();
        for (int i = 0; i < validClicks.size(); i++) {
            AdClick c = validClicks.get(i);
            goodClicks.add(
                    new ProducerRecord<>(
                            clicksTopic,
                            i % 2,
                            utf8(c.impressionId()),
                            utf8(
                                    AdEventBadInputTest.click(
                                            c.clickId(),
                                            c.impressionId(),
                                            c.userId(),
                                            Long.toString(c.eventTime())))));
        }

        // Malformed: the table, and two at the producer's limit (a huge value; a huge key).
        List<BadRecord> table = AdEventBadInputTest.table(now);
        List<BadRecord> badImpressions = new ArrayList<>();
        List<BadRecord> badClicks = new ArrayList<>();
        table.stream().filter(b -> b.input() == Input.IMPRESSION).forEach(badImpressions::add);
        table.stream().filter(b -> b.input() == Input.CLICK).forEach(badClicks::add);
        badImpressions.add(
                huge(
                        Input.IMPRESSION,
                        "value at the limit",
                        utf8("k"),
                        atTheLimit(utf8("k"), "{\"impression_id\":\"huge-bad\",\"pad\":\"", "\"}"),
                        "missing field user_id"));
        byte[] hugeKey =
                utf8("K".repeat(DeadLetterSerializationSchema.DEFAULT_MAX_RECORD_BYTES - 400));
        badClicks.add(
                huge(
                        Input.CLICK,
                        "key near the limit",
                        hugeKey,
                        utf8("{\"click_id\":\"huge-key\"}"),
                        "missing field impression_id"));

        // Odd but valid: after the good records of each partition, the far-past ones last.
        List<ProducerRecord<byte[], byte[]>> oddImpressions = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> oddClicks = new ArrayList<>();
        Set<String> farPast = new HashSet<>();
        List<OddRecord> odd = new ArrayList<>(AdEventBadInputTest.oddButValid(now));
        odd.sort(
                (a, b) ->
                        Boolean.compare(
                                a.name().startsWith("far past"), b.name().startsWith("far past")));
        for (OddRecord o : odd) {
            if (o.input() == Input.IMPRESSION) {
                AdImpression imp = impressionOf(o.value());
                validImpressions.add(imp);
                oddImpressions.add(
                        new ProducerRecord<>(
                                impressionsTopic, oddImpressions.size() % 2, o.key(), o.value()));
                if (o.name().startsWith("far past")) farPast.add(imp.impressionId());
            } else if (o.input() == Input.CLICK) {
                AdClick c = clickOf(o.value());
                validClicks.add(c);
                oddClicks.add(
                        new ProducerRecord<>(
                                clicksTopic, oddClicks.size() % 2, o.key(), o.value()));
                if (o.name().startsWith("far past")) farPast.add(c.clickId());
            }
        }
        assertThat(farPast).hasSize(3);

        List<Sent> impressions =
                interleave(impressionsTopic, 2, goodImpressions, badImpressions, oddImpressions);
        List<Sent> clicks = interleave(clicksTopic, 2, goodClicks, badClicks, oddClicks);
        produce(impressions);
        produce(clicks);

        String[] args =
                KAFKA.jobArgs(output)
                        .with("--mode", "full-outer")
                        .with("--impressions-topic", impressionsTopic)
                        .with("--clicks-topic", clicksTopic)
                        .with("--output-topic", output)
                        .with("--late-topic", late)
                        .with("--dlq-topic", dlq)
                        .with("--join-bound", "10m")
                        .with("--watermark-delay", "1m")
                        .with("--parallelism", 2)
                        .with("--state-backend", "hashmap")
                        .flag("--bounded")
                        .toArray();
        String[] full = new String[args.length + 1];
        full[0] = "joins";
        System.arraycopy(args, 0, full, 1, args.length);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(console, true, StandardCharsets.UTF_8);
        assertThat(Launcher.run(full, ps, ps))
                .as(console.toString(StandardCharsets.UTF_8))
                .isZero();

        // Output and late rows against the nested-loop full outer join of every valid record.
        List<ConsumerRecord<byte[], byte[]>> lateRecords = KAFKA.client().readCommitted(late, WAIT);
        Map<String, Long> lateIds = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : lateRecords) {
            JsonNode n = json(r.value());
            String id =
                    n.get("side").asText().equals("impression")
                            ? n.get("impression_id").asText()
                            : n.get("click_id").asText();
            lateIds.merge(id, 1L, Long::sum);
        }
        assertThat(lateIds.keySet()).as("only far-past rows can be late").isSubsetOf(farPast);
        assertThat(lateIds.values()).as("a late row once").allMatch(n -> n == 1L);
        List<JoinedRow> expected =
                JoinTestData.nestedLoopJoin(validImpressions, validClicks, BOUND, true, true)
                        .stream()
                        .filter(
                                row ->
                                        !lateIds.containsKey(row.impressionId())
                                                && !lateIds.containsKey(
                                                        String.valueOf(row.clickId())))
                        .collect(Collectors.toList());
        List<JoinedRow> rows =
                KAFKA.client().readCommitted(output, WAIT).stream()
                        .map(JoinsBadInputITCase::rowOf)
                        .collect(Collectors.toList());
        List<BadRecord> bad = new ArrayList<>(badImpressions);
        bad.addAll(badClicks);
        GuaranteeLedger.record(
                getClass(),
                "joins (full-outer)",
                "malformed records between good ones, 2 at the size limit",
                bad.size(),
                GuaranteeLedger.compare(expected, rows));
        assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(rows)
                .anyMatch(
                        r ->
                                "imp-huge".equals(r.impressionId())
                                        && "click-huge".equals(r.clickId()));

        List<Sent> sent = new ArrayList<>(impressions);
        sent.addAll(clicks);
        Map<String, Long> categories = assertDeadLetters(dlq, sent, bad.size());
        assertDeadLetterMetrics(jobId(flink, "joins full-outer"), categories, bad.size());
        System.out.printf(
                "JoinsBadInputITCase full-outer: %d malformed (%d at the size limit), %d valid impressions, %d valid clicks, %d rows, %d late, broker message.max.bytes=%d%n",
                bad.size(),
                2,
                validImpressions.size(),
                validClicks.size(),
                rows.size(),
                lateIds.size(),
                brokerMessageMaxBytes());
    }

    /**
     * Every malformed record of {@code sent} is on the DLQ exactly once, with its reason and the
     * coordinates of its source record (read back from the source topic), whole or, if it did not
     * fit, cut and flagged; nothing else is on the DLQ.
     *
     * @return the dead letters by reason category
     */
    private static Map<String, Long> assertDeadLetters(String dlq, List<Sent> sent, int badCount)
            throws Exception {
        // The source records by coordinates, as the broker has them.
        Map<String, ConsumerRecord<byte[], byte[]>> source = new HashMap<>();
        for (String topic : sent.stream().map(Sent::topic).collect(Collectors.toSet())) {
            for (ConsumerRecord<byte[], byte[]> r : KAFKA.client().readCommitted(topic, WAIT)) {
                source.put(r.topic() + "/" + r.partition() + "/" + r.offset(), r);
            }
        }
        int maxDeadLetter =
                Math.min(
                        brokerMessageMaxBytes(),
                        DeadLetterSerializationSchema.DEFAULT_MAX_RECORD_BYTES);
        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.client().readCommitted(dlq, WAIT);
        assertThat(dead).as("one dead letter per malformed record").hasSize(badCount);
        Map<String, Long> categories = new TreeMap<>();
        Set<String> coordinates = new HashSet<>();
        List<Sent> unmatched = new ArrayList<>(sent.stream().filter(s -> s.bad() != null).toList());
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            String at =
                    header(d, DeadLetterSerializationSchema.SOURCE_TOPIC)
                            + "/"
                            + header(d, DeadLetterSerializationSchema.SOURCE_PARTITION)
                            + "/"
                            + header(d, DeadLetterSerializationSchema.SOURCE_OFFSET);
            assertThat(coordinates.add(at)).as("dead-lettered once: " + at).isTrue();
            ConsumerRecord<byte[], byte[]> original = source.get(at);
            assertThat(original).as("the coordinates point at a source record: " + at).isNotNull();
            boolean truncated = "true".equals(header(d, DeadLetterSerializationSchema.TRUNCATED));
            if (truncated) {
                assertThat(header(d, DeadLetterSerializationSchema.ORIGINAL_VALUE_SHA256))
                        .isEqualTo(sha256(original.value()));
                assertThat(header(d, DeadLetterSerializationSchema.ORIGINAL_VALUE_BYTES))
                        .isEqualTo(Integer.toString(original.value().length));
                assertThat(original.value()).startsWith(d.value());
                if (original.key() != null) assertThat(original.key()).startsWith(d.key());
                assertThat(d.serializedKeySize() + d.serializedValueSize())
                        .isLessThan(maxDeadLetter);
            } else {
                assertThat(d.value()).isEqualTo(original.value());
                assertThat(d.key()).isEqualTo(original.key());
            }
            Sent s =
                    unmatched.stream()
                            .filter(
                                    u ->
                                            u.topic().equals(original.topic())
                                                    && u.partition() == original.partition()
                                                    && Arrays.equals(u.value(), original.value())
                                                    && Arrays.equals(u.key(), original.key()))
                            .findFirst()
                            .orElse(null);
            assertThat(s)
                    .as(
                            "a malformed record was sent there: "
                                    + at
                                    + " "
                                    + header(d, DeadLetterSerializationSchema.REASON))
                    .isNotNull();
            unmatched.remove(s);
            String reason = header(d, DeadLetterSerializationSchema.REASON);
            assertThat(reason).as(s.bad().toString()).contains(s.bad().reason());
            if (s.bad().category() != null) {
                assertThat(DeadLetterReasons.category(reason))
                        .as(s.bad().toString())
                        .isEqualTo(s.bad().category());
            }
            assertThat(truncated)
                    .as(s.bad() + " cut only if it had to be")
                    .isEqualTo(
                            producerSize(original.key(), original.value()) > maxDeadLetter - 2048);
            categories.merge(DeadLetterReasons.category(reason), 1L, Long::sum);
        }
        assertThat(unmatched).as("malformed records not on the DLQ").isEmpty();
        return categories;
    }

    /** The id of the (finished or running) job named {@code name}. */
    private static JobID jobId(ClusterClient<?> flink, String name) throws Exception {
        List<JobID> ids = new ArrayList<>();
        for (JobStatusMessage j : flink.listJobs().get()) {
            if (j.getJobName().equals(name)) ids.add(j.getJobId());
        }
        assertThat(ids).as("jobs named " + name).hasSize(1);
        return ids.get(0);
    }

    private static final Pattern BY_REASON =
            Pattern.compile("\\.reason\\.([a-z_]+)\\." + SuiteMetrics.DEAD_LETTERS_BY_REASON + "$");

    /** The dead-letter counters of {@code job} add up to the DLQ's content, by category. */
    private static void assertDeadLetterMetrics(
            JobID job, Map<String, Long> categories, int badCount) {
        long total = 0;
        Map<String, Long> byReason = new TreeMap<>();
        for (Map.Entry<String, Metric> m : METRICS.getMetricsByIdentifiers(job).entrySet()) {
            if (!(m.getValue() instanceof Counter c)) continue;
            if (m.getKey().endsWith("." + SuiteMetrics.DEAD_LETTERS)) total += c.getCount();
            Matcher reason = BY_REASON.matcher(m.getKey());
            if (reason.find()) byReason.merge(reason.group(1), c.getCount(), Long::sum);
        }
        assertThat(total).as(SuiteMetrics.DEAD_LETTERS).isEqualTo(badCount);
        byReason.values().removeIf(n -> n == 0);
        assertThat(byReason).as(SuiteMetrics.DEAD_LETTERS_BY_REASON).isEqualTo(categories);
    }

    // ---- enrich: profiles and user events ----

    private static UserProfile profileOf(byte[] value) {
        JsonNode n = json(value);
        return new UserProfile(n.get("user_id").asText(), text(n, "country"), text(n, "segment"));
    }

    private static UserProfile enrichedProfile(JsonNode n) {
        if (!n.get("profile_found").asBoolean()) return null;
        return new UserProfile(n.get("user_id").asText(), text(n, "country"), text(n, "segment"));
    }

    @Test
    void enrichmentDeadLettersMalformedProfilesAndEventsAndEnrichesEveryGoodEventOnce()
            throws Exception {
        long now = System.currentTimeMillis();
        String events = KAFKA.uniqueTopic("bad-enrich-events", 2);
        // Not compacted: a compacted topic refuses records without a key, and some of the
        // malformed profiles have none.
        String profiles = KAFKA.uniqueTopic("bad-enrich-profiles", 1);
        String enriched = KAFKA.uniqueTopic("bad-enriched", 2);
        String dlq = KAFKA.uniqueTopic("bad-enrich-dlq", 1);

        // Profiles: good ones (some updated later) with the malformed ones between them, the odd
        // but valid ones last.
        Map<String, UserProfile> table = new LinkedHashMap<>();
        List<ProducerRecord<byte[], byte[]>> goodProfiles = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int u = 0; u < 20; u++) {
                if (round == 1 && u % 3 != 0) continue;
                String user = "g" + u;
                UserProfile p =
                        new UserProfile(
                                user, u % 2 == 0 ? "FR" : "DE", round == 0 ? "new" : "premium");
                table.put(user, p);
                goodProfiles.add(
                        new ProducerRecord<>(
                                profiles,
                                0,
                                utf8(user),
                                utf8(AdEventBadInputTest.profile(user, p.country, p.segment))));
            }
        }
        List<BadRecord> badProfiles =
                new ArrayList<>(
                        AdEventBadInputTest.table(now).stream()
                                .filter(b -> b.input() == Input.PROFILE)
                                .toList());
        badProfiles.add(
                huge(
                        Input.PROFILE,
                        "value at the limit",
                        utf8("g1"),
                        atTheLimit(utf8("g1"), "{\"country\":\"XX\",\"pad\":\"", "\"}"),
                        "missing field user_id"));
        List<ProducerRecord<byte[], byte[]>> oddProfiles = new ArrayList<>();
        for (OddRecord o : AdEventBadInputTest.oddButValid(now)) {
            if (o.input() != Input.PROFILE) continue;
            UserProfile p = profileOf(o.value());
            table.put(p.userId, p);
            oddProfiles.add(new ProducerRecord<>(profiles, 0, o.key(), o.value()));
        }
        List<Sent> profileRecords = interleave(profiles, 1, goodProfiles, badProfiles, oddProfiles);
        produce(profileRecords);

        ParsedOptions o =
                JoinsOptions.optionSet()
                        .parse(
                                KAFKA.jobArgs(enriched)
                                        .with("--mode", "enrich")
                                        .with("--input-topic", events)
                                        .with("--profiles-topic", profiles)
                                        .with("--output-topic", enriched)
                                        .with("--dlq-topic", dlq)
                                        .with("--parallelism", 2)
                                        .with("--state-backend", "hashmap")
                                        .toArray());
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, JoinsJob.NAME, RuntimeExecutionMode.STREAMING);
        new JoinsJob().buildPipeline(env, o);
        JobClient job = env.executeAsync(JoinsJob.NAME + " bad-input enrich");
        try {
            // Users whose profile must not exist: every malformed profile is about one of them.
            List<String> users = new ArrayList<>(table.keySet());
            users.addAll(List.of("u-bad", "u-other", "nobody"));
            awaitProfiles(events, enriched, users, table);

            // Good events for every user, the malformed user events between them.
            List<BadInput> badEvents = UserEventBadInputTest.table(now);
            List<UserEvent> good = new ArrayList<>();
            List<ProducerRecord<byte[], byte[]>> goodRecords = new ArrayList<>();
            for (int i = 0; i < 3 * users.size(); i++) {
                String user = users.get(i % users.size());
                UserEvent e =
                        new UserEvent(
                                "ev-" + i,
                                user,
                                "s-" + user,
                                i % 4 == 0 ? "purchase" : "click",
                                now - DAY + i * 1000L,
                                i % 4 == 0 ? 9.5 : null);
                good.add(e);
                byte[] value = Json.event(e);
                if (i == 7) {
                    // A valid event exactly at the producer's limit (padding in an unknown field).
                    String json = new String(value, StandardCharsets.UTF_8);
                    value = atTheLimit(utf8(user), json.replace("}", ",\"pad\":\""), "\"}");
                }
                goodRecords.add(new ProducerRecord<>(events, i % 2, utf8(user), value));
            }
            List<BadRecord> badEventRecords =
                    badEvents.stream()
                            .map(
                                    b ->
                                            new BadRecord(
                                                    null,
                                                    b.name(),
                                                    null,
                                                    b.value(),
                                                    b.reason(),
                                                    null))
                            .collect(Collectors.toList());
            // A malformed user event exactly at the producer's limit.
            badEventRecords.add(
                    huge(
                            null,
                            "user event at the limit",
                            utf8("k"),
                            atTheLimit(utf8("k"), "{\"event_id\":\"huge-bad\",\"pad\":\"", "\"}"),
                            "missing field user_id"));
            List<Sent> eventRecords =
                    interleave(events, 2, goodRecords, badEventRecords, List.of());
            produce(eventRecords);
            KAFKA.client()
                    .awaitRecords(
                            enriched,
                            rs ->
                                    rs.stream()
                                            .map(r -> json(r.value()).get("event_id").asText())
                                            .collect(Collectors.toSet())
                                            .containsAll(
                                                    good.stream().map(e -> e.eventId).toList()),
                            WAIT);
            job.cancel().get();

            Map<String, List<JsonNode>> out = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : KAFKA.client().readCommitted(enriched, WAIT)) {
                JsonNode n = json(r.value());
                if (n.get("event_id").asText().startsWith("probe-")) continue;
                out.computeIfAbsent(n.get("event_id").asText(), k -> new ArrayList<>()).add(n);
            }
            // An event enriched with the wrong profile counts as lost (and its row as extra).
            GuaranteeLedger.record(
                    getClass(),
                    "joins (enrich)",
                    "malformed profiles and user events between good ones, 3 at the size limit",
                    badProfiles.size() + badEventRecords.size(),
                    GuaranteeLedger.compare(
                            good.stream().map(e -> e.eventId + " " + table.get(e.userId)).toList(),
                            out.values().stream()
                                    .flatMap(List::stream)
                                    .map(n -> n.get("event_id").asText() + " " + enrichedProfile(n))
                                    .toList()));
            assertThat(out.keySet())
                    .containsExactlyInAnyOrderElementsOf(
                            good.stream().map(e -> e.eventId).toList());
            for (UserEvent e : good) {
                assertThat(out.get(e.eventId)).as(e.eventId + " exactly once").hasSize(1);
                JsonNode n = out.get(e.eventId).get(0);
                assertThat(n.get("user_id").asText()).isEqualTo(e.userId);
                assertThat(enrichedProfile(n))
                        .as(e.eventId + " of " + e.userId)
                        .isEqualTo(table.get(e.userId));
            }

            List<Sent> sent = new ArrayList<>(profileRecords);
            sent.addAll(eventRecords);
            int badCount = badProfiles.size() + badEventRecords.size();
            Map<String, Long> categories = assertDeadLetters(dlq, sent, badCount);
            assertDeadLetterMetrics(job.getJobID(), categories, badCount);
            System.out.printf(
                    "JoinsBadInputITCase enrich: %d malformed profiles (1 at the size limit), %d malformed user events (1 at the size limit), %d valid profiles, %d good events (1 at the size limit), each once%n",
                    badProfiles.size(),
                    badEventRecords.size(),
                    goodProfiles.size() + oddProfiles.size(),
                    good.size());
        } finally {
            try {
                job.cancel().get();
            } catch (Exception alreadyGone) {
                // cancelled above
            }
        }
    }

    /**
     * Sends a probe event for every user still pending until each comes out enriched with the
     * profile {@code table} holds for it (none for users not in it): the proof that the job has
     * read the profiles. Probes wait for their rows, committed with a checkpoint.
     */
    private static void awaitProfiles(
            String events, String enriched, List<String> users, Map<String, UserProfile> table) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Set<String> pending = new HashSet<>(users);
        int round = 0;
        while (!pending.isEmpty()) {
            assertThat(System.nanoTime() - deadline)
                    .as("profiles never visible for " + pending)
                    .isNegative();
            round++;
            Map<String, String> probes = new HashMap<>();
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (String user : pending) {
                String id = "probe-" + round + "-" + user;
                probes.put(id, user);
                records.add(
                        new ProducerRecord<>(
                                events,
                                0,
                                utf8(user),
                                Json.event(
                                        new UserEvent(
                                                id,
                                                user,
                                                "probe",
                                                "view",
                                                System.currentTimeMillis() - DAY,
                                                null))));
            }
            KAFKA.client().produce(events, records);
            List<ConsumerRecord<byte[], byte[]>> seen =
                    KAFKA.client()
                            .awaitRecords(
                                    enriched,
                                    rs ->
                                            rs.stream()
                                                    .map(
                                                            r ->
                                                                    json(r.value())
                                                                            .get("event_id")
                                                                            .asText())
                                                    .collect(Collectors.toSet())
                                                    .containsAll(probes.keySet()),
                                    WAIT);
            for (ConsumerRecord<byte[], byte[]> r : seen) {
                JsonNode n = json(r.value());
                String user = probes.get(n.get("event_id").asText());
                if (user != null && Objects.equals(enrichedProfile(n), table.get(user)))
                    pending.remove(user);
            }
        }
    }
}
