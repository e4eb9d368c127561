package dev.eventflow.jobs.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.Secrets;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.Launcher;
import dev.eventflow.jobs.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job against a broker that requires SASL/SCRAM, run the way a user runs it: through the {@link
 * Launcher}, its command line carrying no secret. Client settings come from a properties file
 * ({@code --kafka-properties}); the JAAS configuration with the password comes from an environment
 * variable the file refers to as {@code ${env:EVENTFLOW_IT_SASL_JAAS_CONFIG}} (set for the test JVM
 * by the POM), resolved by Kafka's own config provider inside each client.
 *
 * <ul>
 *   <li>right credentials: {@code dedup --bounded} runs end to end; the output topic, read with
 *       read_committed, holds every distinct event exactly once;
 *   <li>the password appears nowhere: not in the launcher's output or errors, not in the log (all
 *       loggers at INFO while the job runs, Kafka's client config dumps included), not in {@code
 *       --help}, and not in the REST API of the running job ({@code /jobs/<id>/config}, {@code
 *       /jobs/<id>}, {@code /jobs/<id>/jobmanager/config}, {@code /jobmanager/config});
 *   <li>wrong credentials: the launcher's start-up check fails within seconds with Kafka's
 *       authentication error, exit 1, no job submitted, and the wrong password is not echoed.
 * </ul>
 */
class SecuredKafkaITCase {

    static final String JAAS_ENV = "EVENTFLOW_IT_SASL_JAAS_CONFIG";
    static final String USER = "eventflow-it";
    static final String PASSWORD = passwordFromEnvironment();

    @RegisterExtension
    static final KafkaExtension KAFKA = KafkaExtension.withSaslScram(Map.of(USER, PASSWORD));

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir Path dir;

    static String passwordFromEnvironment() {
        String jaas = System.getenv(JAAS_ENV);
        if (jaas == null) {
            throw new IllegalStateException(
                    JAAS_ENV + " is not set: run this test through Maven (the jobs POM sets it)");
        }
        Matcher m = Pattern.compile("password=\"([^\"]+)\"").matcher(jaas);
        if (!m.find() || !jaas.contains("username=\"" + USER + "\"")) {
            throw new IllegalStateException(JAAS_ENV + " must be a SCRAM JAAS line for " + USER);
        }
        return m.group(1);
    }

    private Path clientProperties(String jaasValue) throws Exception {
        Path f = Files.createTempFile(dir, "client", ".properties");
        Files.writeString(
                f,
                "security.protocol=SASL_PLAINTEXT\n"
                        + "sasl.mechanism=SCRAM-SHA-512\n"
                        + "sasl.jaas.config="
                        + jaasValue
                        + "\n");
        return f;
    }

    private static String[] args(String input, String output, String dlq, Path properties) {
        return KAFKA.jobArgs(input)
                .with("--input-topic", input)
                .with("--output-topic", output)
                .with("--dlq-topic", dlq)
                .with("--parallelism", 2)
                .with("--watermark-delay", "1m")
                .with("--idleness", "0s")
                .with("--state-backend", "hashmap")
                .with("--kafka-properties", properties.toString())
                .flag("--bounded")
                .toArray();
    }

    @Test
    void rightCredentialsRunExactlyOnceAndTheSecretIsShownNowhere(
            @InjectClusterClient ClusterClient<?> flink) throws Exception {
        String input = KAFKA.uniqueTopic("secured-events", 3);
        String output = KAFKA.uniqueTopic("secured-deduplicated", 3);
        String dlq = KAFKA.uniqueTopic("secured-dlq", 1);

        // 300 distinct events, about one in three sent twice (a producer retry), plus one
        // malformed record for the dead-letter topic.
        List<UserEvent> distinct = TestEvents.seeded(161, 300, 20, 10, 0);
        SplittableRandom r = new SplittableRandom(16);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (UserEvent e : distinct) {
            int copies = r.nextInt(3) == 0 ? 2 : 1;
            for (int c = 0; c < copies; c++) {
                records.add(
                        new ProducerRecord<>(
                                input,
                                r.nextInt(3),
                                e.userId.getBytes(StandardCharsets.UTF_8),
                                Json.event(e)));
            }
        }
        records.sort(
                (a, b) ->
                        Long.compare(
                                eventTime(a.value()), eventTime(b.value()))); // in order per part.
        KAFKA.client().produce(input, records);
        KAFKA.client().produce(input, 0, null, "not json");
        assertThat(records.size()).isGreaterThan(distinct.size());

        Path properties = clientProperties("${env:" + JAAS_ENV + "}");
        String[] args = args(input, output, dlq, properties);
        assertThat(String.join(" ", args)).doesNotContain(PASSWORD);

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        List<String> rest = new ArrayList<>();
        int code;
        try (LogCapture logs = LogCapture.start(capture)) {
            PrintStream stdout = System.out;
            PrintStream stderr = System.err;
            System.setOut(capture);
            System.setErr(capture);
            try {
                CompletableFuture<Integer> run =
                        CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        String[] full = new String[args.length + 1];
                                        full[0] = "dedup";
                                        System.arraycopy(args, 0, full, 1, args.length);
                                        return Launcher.run(full, capture, capture);
                                    } catch (Exception e) {
                                        throw new IllegalStateException(e);
                                    }
                                });
                rest.addAll(readRestWhileTheJobRuns(flink.getWebInterfaceURL(), run));
                code = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } finally {
                System.setOut(stdout);
                System.setErr(stderr);
            }
        }
        String console = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(console).isZero();

        // Exactly once, against the ground truth computed here.
        List<ConsumerRecord<byte[], byte[]>> out = KAFKA.client().readCommitted(output, WAIT);
        Map<String, Long> timesWritten = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : out) {
            timesWritten.merge(
                    MAPPER.readTree(rec.value()).get("event_id").asText(), 1L, Long::sum);
        }
        Map<String, Long> expected = new LinkedHashMap<>();
        distinct.forEach(e -> expected.put(e.eventId, 1L));
        assertThat(timesWritten).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(KAFKA.client().readCommitted(dlq, WAIT)).hasSize(1);

        // The secret is nowhere a user or operator could see it.
        assertThat(rest).as("REST responses were read").hasSizeGreaterThanOrEqualTo(4);
        assertThat(rest.get(0)).as("the job's REST config").contains("execution-config");
        for (String response : rest) assertThat(response).doesNotContain(PASSWORD);
        assertThat(console)
                .as("the effective configuration is logged, the secret masked")
                .contains("effective configuration: ")
                .contains("--kafka.sasl.jaas.config " + Secrets.MASK)
                .contains("--kafka.security.protocol SASL_PLAINTEXT")
                .doesNotContain(PASSWORD);
        assertThat(console).as("log lines were captured").contains(" INFO ");
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        PrintStream h = new PrintStream(help, true, StandardCharsets.UTF_8);
        Launcher.run(new String[] {"dedup", "--help"}, h, h);
        assertThat(help.toString(StandardCharsets.UTF_8)).doesNotContain(PASSWORD);
    }

    /**
     * Polls the REST API until the job is running (or has finished), then reads its configuration
     * and the cluster's; every response body, {@code /jobs/<id>/config} first.
     */
    static List<String> readRestWhileTheJobRuns(String base, CompletableFuture<Integer> run)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && !run.isDone()) {
            JsonNode jobs = MAPPER.readTree(get(http, base + "/jobs/overview")).get("jobs");
            for (JsonNode job : jobs) {
                if (!job.get("name").asText().startsWith("dedup")) continue;
                String state = job.get("state").asText();
                if (!state.equals("RUNNING") && !state.equals("FINISHED")) continue;
                String id = job.get("jid").asText();
                List<String> bodies = new ArrayList<>();
                bodies.add(get(http, base + "/jobs/" + id + "/config"));
                bodies.add(get(http, base + "/jobs/" + id));
                bodies.add(get(http, base + "/jobs/" + id + "/jobmanager/config"));
                bodies.add(get(http, base + "/jobmanager/config"));
                bodies.add(get(http, base + "/jobs/overview"));
                return bodies;
            }
            Thread.sleep(50); // polling the REST API, bounded by the deadline
        }
        throw new AssertionError("the dedup job never showed up in the REST API at " + base);
    }

    static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    static long eventTime(byte[] json) {
        try {
            return MAPPER.readTree(json).get("event_time").asLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void wrongCredentialsFailFastWithAnAuthenticationErrorAndExit1() throws Exception {
        String input = KAFKA.uniqueTopic("secured-events", 1);
        String wrong = "definitely-not-" + PASSWORD;
        Path properties =
                clientProperties(
                        "org.apache.kafka.common.security.scram.ScramLoginModule required"
                                + " username=\""
                                + USER
                                + "\" password=\""
                                + wrong
                                + "\";");
        String[] args = args(input, input + "-out", input + "-dlq", properties);
        String[] full = new String[args.length + 1];
        full[0] = "dedup";
        System.arraycopy(args, 0, full, 1, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code =
                Launcher.run(
                        full,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(stderr).isEqualTo(1);
        assertThat(stderr)
                .contains("error: could not reach the cluster")
                .contains("Authentication failed")
                .contains("invalid credentials")
                .doesNotContain(wrong)
                .doesNotContain(PASSWORD);
        assertThat(took).as("no retry storm: refused at once").isLessThan(Duration.ofSeconds(20));
    }

    /** Every log event of every logger at INFO and above, into a stream, while open. */
    static final class LogCapture implements AutoCloseable {
        private final LoggerContext context;
        private final WriterAppender appender;
        private final Level previous;

        private LogCapture(LoggerContext context, WriterAppender appender, Level previous) {
            this.context = context;
            this.appender = appender;
            this.previous = previous;
        }

        static LogCapture start(PrintStream target) {
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            Configuration config = context.getConfiguration();
            WriterAppender appender =
                    WriterAppender.newBuilder()
                            .setName("secret-scan")
                            .setTarget(
                                    new java.io.OutputStreamWriter(target, StandardCharsets.UTF_8))
                            .setLayout(
                                    PatternLayout.newBuilder()
                                            .withPattern("%d %p %c - %m%n%throwable")
                                            .build())
                            .build();
            appender.start();
            config.addAppender(appender);
            LoggerConfig root = config.getRootLogger();
            Level previous = root.getLevel();
            // Into the capture only (the build log keeps its usual quiet); restored on close.
            for (String name : new ArrayList<>(root.getAppenders().keySet())) {
                root.removeAppender(name);
            }
            root.addAppender(appender, Level.INFO, null);
            root.setLevel(Level.INFO);
            // Named loggers below INFO in the test config would hide what matters here.
            for (LoggerConfig named : config.getLoggers().values()) {
                if (named != root) named.setLevel(Level.INFO); // additive: ends up in root's
            }
            context.updateLoggers();
            return new LogCapture(context, appender, previous);
        }

        @Override
        public void close() {
            Configuration config = context.getConfiguration();
            config.getRootLogger().removeAppender(appender.getName());
            config.getRootLogger().setLevel(previous);
            appender.stop();
            context.reconfigure(); // back to the file's levels
        }
    }
}
