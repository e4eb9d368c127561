package dev.eventflow.jobs.security;

import static dev.eventflow.jobs.security.SecuredKafkaITCase.JAAS_ENV;
import static dev.eventflow.jobs.security.SecuredKafkaITCase.PASSWORD;
import static dev.eventflow.jobs.security.SecuredKafkaITCase.USER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.Secrets;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.GuaranteeLedger;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.common.testing.TestTls;
import dev.eventflow.jobs.Launcher;
import dev.eventflow.jobs.TestEvents;
import dev.eventflow.jobs.security.SecuredKafkaITCase.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SecuredKafkaITCase} over TLS: the broker's client listener is {@code SASL_SSL}, with a
 * certificate made by {@code keytool} when the test starts. The job's client settings come from a
 * {@code --kafka-properties} file naming the truststore and holding its password inline (the JAAS
 * line still comes from the environment), so this test also shows what happens to a secret that is
 * in the file rather than referenced:
 *
 * <ul>
 *   <li>right truststore and credentials: {@code dedup --bounded} end to end, every distinct event
 *       exactly once on the output (read_committed, ground truth computed here);
 *   <li>neither the truststore password nor the SASL password appears in the console, the log (INFO
 *       and above), {@code --help} or the REST API of the running job; the effective configuration
 *       shows both masked;
 *   <li>a truststore without the broker's certificate: the launcher's start-up check fails the TLS
 *       handshake within seconds, exit 1, no job submitted;
 *   <li>a wrong truststore password: refused at once, exit 1, naming the truststore problem, the
 *       wrong password not echoed.
 * </ul>
 */
class SecuredKafkaTlsITCase {

    @RegisterExtension
    static final KafkaExtension KAFKA = KafkaExtension.withSaslScramOverTls(Map.of(USER, PASSWORD));

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir Path dir;

    /** The job's client settings, TLS trust from {@code truststore} with {@code password}. */
    private Path clientProperties(Path truststore, String password) throws Exception {
        Path f = Files.createTempFile(dir, "client-tls", ".properties");
        Files.writeString(
                f,
                "security.protocol=SASL_SSL\n"
                        + "sasl.mechanism=SCRAM-SHA-512\n"
                        + "sasl.jaas.config=${env:"
                        + JAAS_ENV
                        + "}\n"
                        + "ssl.truststore.type=PKCS12\n"
                        + "ssl.truststore.location="
                        + truststore
                        + "\n"
                        + "ssl.truststore.password="
                        + password
                        + "\n");
        return f;
    }

    private static String[] dedup(String input, String output, String dlq, Path properties) {
        String[] args =
                KAFKA.jobArgs(input)
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
        String[] full = new String[args.length + 1];
        full[0] = "dedup";
        System.arraycopy(args, 0, full, 1, args.length);
        return full;
    }

    @Test
    void theRightTruststoreRunsExactlyOnceAndNoSecretIsShown(
            @InjectClusterClient ClusterClient<?> flink) throws Exception {
        String input = KAFKA.uniqueTopic("tls-events", 3);
        String output = KAFKA.uniqueTopic("tls-deduplicated", 3);
        String dlq = KAFKA.uniqueTopic("tls-dlq", 1);
        String truststorePassword = KAFKA.tls().truststorePassword();

        List<UserEvent> distinct = TestEvents.seeded(171, 300, 20, 10, 0);
        SplittableRandom r = new SplittableRandom(17);
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
                                SecuredKafkaITCase.eventTime(a.value()),
                                SecuredKafkaITCase.eventTime(b.value())));
        KAFKA.client().produce(input, records);
        KAFKA.client().produce(input, 0, null, "not json");
        assertThat(records.size()).isGreaterThan(distinct.size());

        Path properties = clientProperties(KAFKA.tls().truststore(), truststorePassword);
        String[] args = dedup(input, output, dlq, properties);
        assertThat(String.join(" ", args))
                .doesNotContain(PASSWORD)
                .doesNotContain(truststorePassword);

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
                                        return Launcher.run(args, capture, capture);
                                    } catch (Exception e) {
                                        throw new IllegalStateException(e);
                                    }
                                });
                rest.addAll(
                        SecuredKafkaITCase.readRestWhileTheJobRuns(
                                flink.getWebInterfaceURL(), run));
                code = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } finally {
                System.setOut(stdout);
                System.setErr(stderr);
            }
        }
        String console = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(console).isZero();

        List<ConsumerRecord<byte[], byte[]>> out = KAFKA.client().readCommitted(output, WAIT);
        Map<String, Long> timesWritten = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : out) {
            timesWritten.merge(
                    MAPPER.readTree(rec.value()).get("event_id").asText(), 1L, Long::sum);
        }
        GuaranteeLedger.record(
                getClass(),
                "dedup",
                "over TLS (SASL_SSL), client settings from --kafka-properties",
                0,
                GuaranteeLedger.compare(
                        distinct.stream().map(e -> e.eventId).toList(),
                        out.stream().map(rec -> eventId(rec.value())).toList()));
        Map<String, Long> expected = new LinkedHashMap<>();
        distinct.forEach(e -> expected.put(e.eventId, 1L));
        assertThat(timesWritten).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(KAFKA.client().readCommitted(dlq, WAIT)).hasSize(1);

        assertThat(rest).as("REST responses were read").hasSizeGreaterThanOrEqualTo(4);
        assertThat(rest.get(0)).as("the job's REST config").contains("execution-config");
        for (String response : rest) {
            assertThat(response).doesNotContain(PASSWORD).doesNotContain(truststorePassword);
        }
        assertThat(console)
                .as("the effective configuration is logged, the secrets masked")
                .contains("effective configuration: ")
                .contains("--kafka.ssl.truststore.password " + Secrets.MASK)
                .contains("--kafka.sasl.jaas.config " + Secrets.MASK)
                .contains("--kafka.security.protocol SASL_SSL")
                .doesNotContain(PASSWORD)
                .doesNotContain(truststorePassword);
        assertThat(console).as("log lines were captured").contains(" INFO ");
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        PrintStream h = new PrintStream(help, true, StandardCharsets.UTF_8);
        Launcher.run(new String[] {"dedup", "--help"}, h, h);
        assertThat(help.toString(StandardCharsets.UTF_8))
                .doesNotContain(PASSWORD)
                .doesNotContain(truststorePassword);
    }

    private static String eventId(byte[] json) {
        try {
            return MAPPER.readTree(json).get("event_id").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs {@code dedup} with {@code properties}; the exit code, stderr, and how long it took. */
    private record Failed(int code, String stderr, Duration took) {}

    private Failed runExpectingFailure(Path properties) throws Exception {
        String input = KAFKA.uniqueTopic("tls-events", 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code =
                Launcher.run(
                        dedup(input, input + "-out", input + "-dlq", properties),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Failed(
                code,
                err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8),
                Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    void aTruststoreWithoutTheBrokersCertificateFailsTheHandshakeAtOnceWithExit1()
            throws Exception {
        TestTls other = TestTls.generate(dir, "other", "other-keystore-pw", "other-trust-pw");
        Failed f = runExpectingFailure(clientProperties(other.truststore(), "other-trust-pw"));
        assertThat(f.code()).as(f.stderr()).isEqualTo(1);
        assertThat(f.stderr())
                .contains("error: could not reach the cluster")
                .contains("SSL handshake failed")
                .doesNotContain("other-trust-pw")
                .doesNotContain(PASSWORD);
        assertThat(f.took())
                .as("no retry storm: refused at once")
                .isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aWrongTruststorePasswordIsRefusedAtOnceWithExit1() throws Exception {
        String wrong = "not-the-truststore-password-" + KAFKA.tls().truststorePassword();
        Failed f = runExpectingFailure(clientProperties(KAFKA.tls().truststore(), wrong));
        assertThat(f.code()).as(f.stderr()).isEqualTo(1);
        assertThat(f.stderr())
                .contains("error: ")
                .containsIgnoringCase("truststore")
                .doesNotContain(wrong)
                .doesNotContain(KAFKA.tls().truststorePassword())
                .doesNotContain(PASSWORD);
        assertThat(f.took())
                .as("no retry storm: refused at once")
                .isLessThan(Duration.ofSeconds(20));
    }
}
