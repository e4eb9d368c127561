package dev.eventflow.jobs.runningcounts;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.SECOND;
import static dev.eventflow.jobs.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code running-counts --timeout-mode event-time} gives the same rows whatever the read speed, the
 * interleaving of partitions and the parallelism, on a real broker and a Flink MiniCluster: 200
 * users with up to four bursts each, the bursts separated by more than the timeout, events out of
 * order within the watermark delay, replayed three ways:
 *
 * <ul>
 *   <li>fast: the whole history already in Kafka, a {@code --bounded} run at parallelism 2 (the
 *       watermark trails far behind the records: every burst of a user is read before the watermark
 *       has passed the first one);
 *   <li>the same at parallelism 3;
 *   <li>paced: the job runs first, and the test releases the events in their input order at about
 *       1/1000 of real time (three and a half hours of event time in about twelve seconds), so the
 *       watermark follows the records closely; a final event far ahead on every partition then
 *       moves the watermark past every session.
 * </ul>
 *
 * Each user's rows on the output topic (read_committed) must be identical in the three runs, and
 * equal to a ground truth computed here by sorting each user's events by time and splitting at gaps
 * longer than the timeout: an {@code active} row per event, then per session one {@code expired}
 * row and a tombstone.
 */
class EventTimeReplayITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int PARTITIONS = 4;
    private static final int USERS = 200;
    private static final long TIMEOUT = 15 * MINUTE;
    private static final long DELAY = 10 * MINUTE;
    private static final long MAX_DISORDER = 5 * MINUTE; // below DELAY: nothing is late
    private static final String PIN = "pin-";

    @Test
    void fastPacedAndRescaledReplaysGiveEveryUserTheSameRowsAsTheGroundTruth() throws Exception {
        List<UserEvent> events = history(new SplittableRandom(2026));
        Map<String, List<String>> expected = groundTruth(events);
        long sessions =
                expected.values().stream()
                        .flatMap(List::stream)
                        .filter(row -> row.startsWith("expired"))
                        .count();
        long splitUsers =
                expected.values().stream()
                        .filter(
                                rows ->
                                        rows.stream().filter(x -> x.startsWith("expired")).count()
                                                > 1)
                        .count();
        assertThat(splitUsers).as("users with more than one session").isGreaterThan(USERS / 2);

        // Fast, parallelism 2 and 3, from one input topic.
        String input = KAFKA.uniqueTopic("replay-in", PARTITIONS);
        produce(input, events);
        Map<String, List<String>> fast2 = runBounded(input, 2);
        Map<String, List<String>> fast3 = runBounded(input, 3);

        // Paced, parallelism 2, on its own input topic.
        String pacedInput = KAFKA.uniqueTopic("replay-paced-in", PARTITIONS);
        String pacedOutput = KAFKA.uniqueTopic("replay-paced-out", PARTITIONS);
        JobClient job = start(options(pacedInput, pacedOutput, 2));
        Map<String, List<String>> paced;
        try {
            releasePaced(pacedInput, events, Duration.ofSeconds(12));
            // Far ahead on every partition: the watermark passes every session's end.
            List<ProducerRecord<byte[], byte[]>> pins = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                UserEvent pin =
                        new UserEvent(PIN + p, PIN + p, "s", "click", T0 + 24 * 60 * MINUTE, null);
                pins.add(
                        new ProducerRecord<>(
                                pacedInput,
                                p,
                                pin.userId.getBytes(StandardCharsets.UTF_8),
                                Json.event(pin)));
            }
            KAFKA.client().produce(pacedInput, pins);
            KAFKA.client()
                    .awaitRecords(
                            pacedOutput,
                            records ->
                                    records.stream()
                                                    .filter(r -> r.value() != null)
                                                    .filter(r -> status(r).equals("expired"))
                                                    .count()
                                            >= sessions,
                            WAIT);
            job.cancel().get(30, TimeUnit.SECONDS);
            paced = sequences(KAFKA.client().readCommitted(pacedOutput, WAIT));
        } finally {
            cancelQuietly(job);
        }

        assertThat(fast2).as("fast replay, parallelism 2").isEqualTo(expected);
        assertThat(fast3).as("fast replay, parallelism 3").isEqualTo(expected);
        assertThat(paced).as("paced replay").isEqualTo(expected);
    }

    // ---- input ----

    /**
     * Per user, up to four bursts of 1 to 6 events, events within a burst 10 s to 4 min apart,
     * bursts 15 min + 1 ms to 45 min apart (and, for a few users, exactly 15 min: the same
     * session); the users start within three hours. Returned in input order: by event time plus a
     * random delay of up to 5 minutes, so records are out of order by less than the watermark
     * delay.
     */
    private static List<UserEvent> history(SplittableRandom r) {
        List<UserEvent> events = new ArrayList<>();
        List<Long> inputOrder = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            String user = "user-" + u;
            long t = T0 + r.nextLong(3 * 60 * MINUTE);
            int bursts = 1 + r.nextInt(4);
            int n = 0;
            for (int b = 0; b < bursts; b++) {
                if (b > 0) {
                    t +=
                            u % 20 == 0 && b == 1
                                    ? TIMEOUT // exactly the timeout: not a gap that splits
                                    : TIMEOUT + 1 + r.nextLong(30 * MINUTE);
                }
                int size = 1 + r.nextInt(6);
                for (int i = 0; i < size; i++) {
                    if (i > 0) t += r.nextLong(10, 241) * SECOND;
                    String session = user + "-s" + b + "-" + r.nextInt(2);
                    events.add(new UserEvent(user + "-" + n++, user, session, "click", t, null));
                    inputOrder.add(t + r.nextLong(MAX_DISORDER));
                }
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) order.add(i);
        order.sort(Comparator.comparingLong(inputOrder::get));
        List<UserEvent> out = new ArrayList<>();
        for (int i : order) out.add(events.get(i));
        return out;
    }

    private static int partitionOf(String user) {
        return Math.floorMod(user.hashCode(), PARTITIONS);
    }

    private static List<ProducerRecord<byte[], byte[]>> records(
            String topic, List<UserEvent> events) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (UserEvent e : events) {
            records.add(
                    new ProducerRecord<>(
                            topic,
                            partitionOf(e.userId),
                            e.userId.getBytes(StandardCharsets.UTF_8),
                            Json.event(e)));
        }
        return records;
    }

    private static void produce(String topic, List<UserEvent> events) {
        KAFKA.client().produce(topic, records(topic, events));
    }

    /**
     * Releases the events in input order, in 120 equal steps over {@code over}: a rate limiter (it
     * only slows the producer down; no assertion depends on its timing).
     */
    private static void releasePaced(String topic, List<UserEvent> events, Duration over) {
        int steps = 120;
        long start = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            List<UserEvent> step =
                    events.subList(events.size() * s / steps, events.size() * (s + 1) / steps);
            KAFKA.client().produce(topic, records(topic, step));
            long due = start + over.toNanos() * (s + 1) / steps;
            for (long left; (left = due - System.nanoTime()) > 0; ) LockSupport.parkNanos(left);
        }
    }

    // ---- ground truth, computed without the job's classes ----

    private static String row(String status, long count, long first, long last, String session) {
        return status
                + " count="
                + count
                + " first="
                + first
                + " last="
                + last
                + " session="
                + session;
    }

    /**
     * Per user: the events sorted by time, a new session wherever the gap to the previous event is
     * longer than the timeout; an active row per event, an expired row and a tombstone per session.
     */
    private static Map<String, List<String>> groundTruth(List<UserEvent> events) {
        Map<String, List<UserEvent>> byUser = new TreeMap<>();
        for (UserEvent e : events) byUser.computeIfAbsent(e.userId, k -> new ArrayList<>()).add(e);
        Map<String, List<String>> rows = new TreeMap<>();
        byUser.forEach(
                (user, list) -> {
                    list.sort(Comparator.comparingLong(e -> e.eventTime));
                    List<String> out = new ArrayList<>();
                    long count = 0;
                    long first = 0;
                    long last = 0;
                    String session = null;
                    for (UserEvent e : list) {
                        if (count > 0 && e.eventTime - last > TIMEOUT) {
                            out.add(row("expired", count, first, last, session));
                            out.add("tombstone");
                            count = 0;
                        }
                        if (count == 0) first = e.eventTime;
                        count++;
                        last = e.eventTime;
                        session = e.sessionId;
                        out.add(row("active", count, first, last, session));
                    }
                    out.add(row("expired", count, first, last, session));
                    out.add("tombstone");
                    rows.put(user, out);
                });
        return rows;
    }

    // ---- running the job ----

    private static ParsedOptions options(
            String input, String output, int parallelism, String... extra) {
        String id = output + "-p" + parallelism;
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers",
                                KAFKA.bootstrapServers(),
                                "--input-topic",
                                input,
                                "--output-topic",
                                output,
                                "--dlq-topic",
                                KAFKA.uniqueTopic("replay-dlq", 1),
                                "--group-id",
                                id,
                                "--transactional-id-prefix",
                                id,
                                "--starting-offsets",
                                "earliest",
                                "--checkpoint-interval",
                                "300ms",
                                "--parallelism",
                                Integer.toString(parallelism),
                                "--watermark-delay",
                                "10m",
                                "--idleness",
                                "0s",
                                "--timeout-mode",
                                "event-time",
                                "--timeout",
                                "15m"));
        args.addAll(List.of(extra));
        ParsedOptions o = RunningCountsOptions.optionSet().parse(args.toArray(new String[0]));
        new RunningCountsJob().validate(o);
        return o;
    }

    private static JobClient start(ParsedOptions o) throws Exception {
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, RunningCountsJob.NAME, RuntimeExecutionMode.STREAMING);
        RunningCountsJob.buildPipeline(env, o, UnaryOperator.identity());
        return env.executeAsync(RunningCountsJob.NAME);
    }

    private static Map<String, List<String>> runBounded(String input, int parallelism)
            throws Exception {
        String output = KAFKA.uniqueTopic("replay-fast-out", PARTITIONS);
        start(options(input, output, parallelism, "--bounded"))
                .getJobExecutionResult()
                .get(2, TimeUnit.MINUTES);
        return sequences(KAFKA.client().readCommitted(output, WAIT));
    }

    // ---- output ----

    private static String status(ConsumerRecord<byte[], byte[]> r) {
        try {
            return MAPPER.readTree(r.value()).get("status").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Per user (pins left out), its rows in the order of the output topic. */
    private static Map<String, List<String>> sequences(List<ConsumerRecord<byte[], byte[]>> out) {
        Map<String, List<String>> seq = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            String user = new String(r.key(), StandardCharsets.UTF_8);
            if (user.startsWith(PIN)) continue;
            seq.computeIfAbsent(user, k -> new ArrayList<>()).add(describe(r));
        }
        return seq;
    }

    private static String describe(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) return "tombstone";
        try {
            JsonNode n = MAPPER.readTree(r.value());
            return row(
                    n.get("status").asText(),
                    n.get("count").asLong(),
                    Instant.parse(n.get("first_seen").asText()).toEpochMilli(),
                    Instant.parse(n.get("last_seen").asText()).toEpochMilli(),
                    n.get("last_session").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void cancelQuietly(JobClient job) {
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception alreadyGone) {
            // finished or cancelled already
        }
    }
}
