package dev.eventflow.jobs.joins;

import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.GuaranteeLedger;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.common.testing.RedisExtension;
import dev.eventflow.jobs.Launcher;
import dev.eventflow.jobs.TestEvents;
import dev.eventflow.jobs.windowagg.FailOnce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code joins --mode enrich-async} end to end: a real Kafka broker, a real Redis server and a
 * Flink MiniCluster. The output topic, read with {@code read_committed}, is compared with what each
 * event must carry given what Redis held: a hit, a miss, a key Redis answers with an error, a
 * lookup that outlives {@code --async-timeout} (Redis paused), Redis down and back, and every event
 * exactly once across an injected failure.
 */
class JoinsEnrichAsyncITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String PREFIX = "user-profile:";

    private static RedisClient redisClient;

    private String input;
    private String output;
    private String dlq;

    @BeforeAll
    static void client() {
        redisClient = RedisClient.create(REDIS.uri());
    }

    @AfterAll
    static void closeClient() {
        redisClient.shutdown();
    }

    @BeforeEach
    void topics() {
        input = KAFKA.uniqueTopic("user-events", 2);
        output = KAFKA.uniqueTopic("enriched-events", 2);
        dlq = KAFKA.uniqueTopic("user-events-dlq", 1);
        FailOnce.reset();
        redis(r -> r.flushall());
    }

    @AfterEach
    void disarm() {
        FailOnce.reset();
        REDIS.start(); // in case a test left it down
    }

    private interface RedisWork {
        void run(RedisCommands<String, String> redis);
    }

    private static void redis(RedisWork work) {
        try (StatefulRedisConnection<String, String> c = redisClient.connect()) {
            work.run(c.sync());
        }
    }

    private static void profile(String user, String country, String segment) {
        Map<String, String> fields = new HashMap<>();
        if (country != null) fields.put("country", country);
        if (segment != null) fields.put("segment", segment);
        redis(r -> r.hset(PREFIX + user, fields));
    }

    private List<String> args(String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers",
                                KAFKA.bootstrapServers(),
                                "--mode",
                                "enrich-async",
                                "--input-topic",
                                input,
                                "--output-topic",
                                output,
                                "--dlq-topic",
                                dlq,
                                "--group-id",
                                "it-" + input,
                                "--transactional-id-prefix",
                                "it-" + input,
                                "--starting-offsets",
                                "earliest",
                                "--checkpoint-interval",
                                "300ms",
                                "--parallelism",
                                "2",
                                "--redis-uri",
                                REDIS.uri()));
        args.addAll(List.of(extra));
        return args;
    }

    private JobClient start(ParsedOptions o, UnaryOperator<DataStream<UserEvent>> hook)
            throws Exception {
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, JoinsJob.NAME, RuntimeExecutionMode.STREAMING);
        JoinsJob.buildAsyncEnrichment(env, o, hook);
        return env.executeAsync(JoinsJob.NAME);
    }

    private JobClient start(String... extra) throws Exception {
        return start(
                JoinsOptions.optionSet().parse(args(extra).toArray(new String[0])),
                UnaryOperator.identity());
    }

    private void produce(UserEvent... events) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events.length; i++) {
            records.add(
                    new ProducerRecord<>(
                            input,
                            i % 2,
                            events[i].userId.getBytes(StandardCharsets.UTF_8),
                            Json.event(events[i])));
        }
        KAFKA.client().produce(input, records);
    }

    /** The output row of one event: user, lookup, country, segment. */
    private static final class Out {
        final String eventId;
        final String user;
        final String lookup;
        final boolean found;
        final String country;
        final String segment;

        Out(JsonNode n) {
            eventId = n.get("event_id").asText();
            user = n.get("user_id").asText();
            lookup = n.get("lookup").asText();
            found = n.get("profile_found").asBoolean();
            country = n.get("country").isNull() ? null : n.get("country").asText();
            segment = n.get("segment").isNull() ? null : n.get("segment").asText();
        }

        String summary() {
            return user + " " + lookup + " " + found + " " + country + " " + segment;
        }
    }

    private static Out parse(ConsumerRecord<byte[], byte[]> r) {
        try {
            return new Out(MAPPER.readTree(r.value()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Out> outputs() {
        return KAFKA.client().readCommitted(output, WAIT).stream()
                .map(JoinsEnrichAsyncITCase::parse)
                .collect(Collectors.toList());
    }

    /** Waits for the event's committed output row and returns it. */
    private Out awaitOutput(UserEvent e) {
        List<ConsumerRecord<byte[], byte[]>> records =
                KAFKA.client()
                        .awaitRecords(
                                output,
                                rs -> rs.stream().anyMatch(r -> parse(r).eventId.equals(e.eventId)),
                                WAIT);
        return records.stream()
                .map(JoinsEnrichAsyncITCase::parse)
                .filter(o -> o.eventId.equals(e.eventId))
                .findFirst()
                .orElseThrow();
    }

    private static void cancelQuietly(JobClient job) {
        try {
            job.cancel().get();
        } catch (Exception alreadyGone) {
            // finished or cancelled already
        }
    }

    private static Map<String, Long> countsById(List<Out> outs) {
        return outs.stream().collect(Collectors.groupingBy(o -> o.eventId, Collectors.counting()));
    }

    // ---- tests ----

    @Test
    void hitsMissesAndAKeyRedisCannotAnswerAreEachEmittedOnceAndFlagged() throws Exception {
        profile("u-1", "FR", "gold");
        profile("u-2", "DE", null);
        redis(r -> r.set(PREFIX + "u-wrong", "not a hash"));
        List<UserEvent> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String user = List.of("u-1", "u-2", "u-3", "u-wrong").get(i % 4);
            events.add(TestEvents.event(user, "s", at(i, 0)));
        }
        produce(events.toArray(new UserEvent[0]));

        List<String> launch = new ArrayList<>(List.of("joins"));
        launch.addAll(args("--bounded"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code =
                Launcher.run(
                        launch.toArray(new String[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();

        Map<String, String> expected = new HashMap<>();
        expected.put("u-1", "u-1 hit true FR gold");
        expected.put("u-2", "u-2 hit true DE null");
        expected.put("u-3", "u-3 miss false null null");
        expected.put("u-wrong", "u-wrong error false null null");
        List<Out> outs = outputs();
        assertThat(countsById(outs))
                .as("every event exactly once")
                .hasSize(events.size())
                .allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
        for (Out o : outs) assertThat(o.summary()).isEqualTo(expected.get(o.user));
    }

    @Test
    void aLookupThatOutlivesTheTimeoutGoesOutUnenrichedFlaggedTimeout() throws Exception {
        profile("u-1", "FR", "gold");
        JobClient job = start("--async-timeout", "500ms");
        try {
            UserEvent before = TestEvents.event("u-1", "s", at(0, 0));
            produce(before);
            assertThat(awaitOutput(before).summary()).isEqualTo("u-1 hit true FR gold");

            // Redis holds every client's commands for 3 s: the lookup cannot answer in 500 ms.
            redis(r -> r.clientPause(3_000));
            UserEvent during = TestEvents.event("u-1", "s", at(1, 0));
            produce(during);
            assertThat(awaitOutput(during).summary()).isEqualTo("u-1 timeout false null null");

            // A command answers once the pause is over.
            redis(r -> assertThat(r.ping()).isEqualTo("PONG"));
            UserEvent after = TestEvents.event("u-1", "s", at(2, 0));
            produce(after);
            assertThat(awaitOutput(after).summary()).isEqualTo("u-1 hit true FR gold");
            assertThat(countsById(outputs()))
                    .hasSize(3)
                    .allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
        } finally {
            cancelQuietly(job);
        }
    }

    @Test
    void whileRedisIsDownEventsGoOutFlaggedUnavailableAndWhenItIsBackTheyAreEnrichedAgain(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        profile("u-1", "FR", "gold");
        JobClient job =
                start(
                        "--async-timeout",
                        "20s",
                        "--async-retries",
                        "5",
                        "--async-retry-backoff",
                        "200ms");
        try {
            UserEvent before = TestEvents.event("u-1", "s", at(0, 0));
            produce(before);
            assertThat(awaitOutput(before).summary()).isEqualTo("u-1 hit true FR gold");

            REDIS.stop();
            UserEvent down = TestEvents.event("u-1", "s", at(1, 0));
            produce(down);
            assertThat(awaitOutput(down).summary()).isEqualTo("u-1 unavailable false null null");

            REDIS.start(); // empty: no persistence
            profile("u-1", "FR", "platinum");
            UserEvent back = TestEvents.event("u-1", "s", at(2, 0));
            produce(back);
            assertThat(awaitOutput(back).summary()).isEqualTo("u-1 hit true FR platinum");

            assertThat(
                            cluster.getExecutionGraph(job.getJobID())
                                    .get()
                                    .getStatusTimestamp(JobStatus.RESTARTING))
                    .as("the outage never failed the job")
                    .isZero();
            assertThat(countsById(outputs()))
                    .hasSize(3)
                    .allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
        } finally {
            cancelQuietly(job);
        }
    }

    @Test
    void afterAFailureMidStreamEveryEventIsWrittenExactlyOnceWithItsProfile() throws Exception {
        Map<String, String> expected = new HashMap<>();
        for (int u = 0; u < 10; u++) {
            String user = "user-" + u;
            if (u % 2 == 0) {
                profile(user, "C" + u, "S" + u);
                expected.put(user, user + " hit true C" + u + " S" + u);
            } else {
                expected.put(user, user + " miss false null null");
            }
        }
        List<UserEvent> batch1 = TestEvents.seeded(91, 200, 10, 10, 0);
        produce(batch1.toArray(new UserEvent[0]));
        JobClient job =
                start(
                        JoinsOptions.optionSet()
                                .parse(args("--state-backend", "rocksdb").toArray(new String[0])),
                        stream ->
                                stream.map(new FailOnce()).name("fail-once").uid("test.fail-once"));
        try {
            KAFKA.client().awaitRecords(output, rs -> rs.size() >= batch1.size(), WAIT);
            FailOnce.arm(80);
            List<UserEvent> batch2 = TestEvents.seeded(92, 200, 10, 10, 0);
            produce(batch2.toArray(new UserEvent[0]));
            int total = batch1.size() + batch2.size();
            KAFKA.client().awaitRecords(output, rs -> rs.size() >= total, WAIT);
            job.cancel().get();
            assertThat(FailOnce.hasFailed()).as("the injected failure happened").isTrue();

            List<Out> outs = outputs();
            List<String> ids = new ArrayList<>();
            batch1.forEach(e -> ids.add(e.eventId));
            batch2.forEach(e -> ids.add(e.eventId));
            GuaranteeLedger.record(
                    getClass(),
                    "joins (enrich-async, Redis)",
                    "task failure mid-stream (RocksDB)",
                    1,
                    GuaranteeLedger.compare(ids, outs.stream().map(o -> o.eventId).toList()));
            assertThat(outs).hasSize(total);
            assertThat(outs.stream().map(o -> o.eventId)).containsExactlyInAnyOrderElementsOf(ids);
            for (Out o : outs) assertThat(o.summary()).isEqualTo(expected.get(o.user));
        } finally {
            cancelQuietly(job);
        }
    }
}
