package dev.eventflow.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Kafka broker ({@link EmbeddedKafkaCluster}) per test class, started before its first
 * test and stopped (directories deleted) after its last:
 *
 * <pre>
 * &#64;RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
 * </pre>
 *
 * Starting a broker costs seconds, so tests of a class share it and isolate themselves by topic
 * instead: each takes fresh topics from {@link #uniqueTopic}, so no test sees another's records.
 *
 * <p>The field must be static: an instance field gets no {@code beforeAll} call, and {@link
 * #cluster()} then says so. {@code @Nested} classes reuse the outer class's broker.
 */
public final class KafkaExtension implements BeforeAllCallback, AfterAllCallback {

    private static final AtomicInteger TOPICS = new AtomicInteger();

    private final Map<String, String> brokerProperties;
    private final Map<String, String> scramUsers;
    private final boolean tls;
    private TestTls tlsMaterial;
    private Path tlsDir;
    private EmbeddedKafkaCluster cluster;

    /** The class context that started the broker; only its {@code afterAll} stops it. */
    private String ownerContextId;

    public KafkaExtension() {
        this(Map.of());
    }

    /**
     * @param brokerProperties extra broker settings, e.g. {@code transaction.max.timeout.ms}
     */
    public KafkaExtension(Map<String, String> brokerProperties) {
        this(brokerProperties, Map.of(), false);
    }

    private KafkaExtension(
            Map<String, String> brokerProperties, Map<String, String> scramUsers, boolean tls) {
        this.brokerProperties = Map.copyOf(brokerProperties);
        this.scramUsers = Map.copyOf(scramUsers);
        this.tls = tls;
    }

    /**
     * A broker whose client listener requires SASL/SCRAM for the given users (name -> password);
     * see {@link EmbeddedKafkaCluster#withSaslScram}. {@link #client()} and topic creation
     * authenticate on their own.
     */
    public static KafkaExtension withSaslScram(Map<String, String> users) {
        return new KafkaExtension(Map.of(), users, false);
    }

    /**
     * As {@link #withSaslScram}, over TLS ({@code SASL_SSL}, see {@link
     * EmbeddedKafkaCluster#withSaslScramOverTls}): a keystore and truststore are generated with
     * {@code keytool} into a temporary directory before the broker starts, deleted after it stops;
     * {@link #tls()} has them (and the truststore's password) for the test's clients.
     */
    public static KafkaExtension withSaslScramOverTls(Map<String, String> users) {
        return new KafkaExtension(Map.of(), users, true);
    }

    /** The TLS material of a {@link #withSaslScramOverTls} broker. */
    public TestTls tls() {
        cluster();
        if (tlsMaterial == null) throw new IllegalStateException("this broker has no TLS");
        return tlsMaterial;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (cluster != null) return; // a @Nested class inside the owning class
        if (tls) {
            try {
                tlsDir = Files.createTempDirectory("eventflow-tls");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // Fresh random passwords: the material lives only as long as this broker.
            tlsMaterial =
                    TestTls.generate(
                            tlsDir,
                            "broker",
                            UUID.randomUUID().toString(),
                            UUID.randomUUID().toString());
        }
        cluster =
                (tls
                                ? EmbeddedKafkaCluster.withSaslScramOverTls(
                                        scramUsers, tlsMaterial, brokerProperties)
                                : scramUsers.isEmpty()
                                        ? new EmbeddedKafkaCluster(brokerProperties)
                                        : EmbeddedKafkaCluster.withSaslScram(
                                                scramUsers, brokerProperties))
                        .start();
        ownerContextId = context.getUniqueId();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster == null || !context.getUniqueId().equals(ownerContextId)) return;
        try {
            cluster.close();
        } finally {
            cluster = null;
            ownerContextId = null;
            if (tlsDir != null) {
                try (var files = Files.walk(tlsDir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
                tlsDir = null;
                tlsMaterial = null;
            }
        }
    }

    /** The running broker; fails if the extension is not registered on a static field. */
    public EmbeddedKafkaCluster cluster() {
        if (cluster == null)
            throw new IllegalStateException(
                    "KafkaExtension is not started: register it with @RegisterExtension on a"
                            + " static field");
        return cluster;
    }

    public String bootstrapServers() {
        return cluster().bootstrapServers();
    }

    /**
     * The options of a Kafka job under test on this broker, with a consumer group and transactional
     * id prefix derived from {@code id} (usually the test's unique input topic); see {@link
     * JobArgs#kafkaJob}.
     */
    public JobArgs jobArgs(String id) {
        return JobArgs.kafkaJob(bootstrapServers(), id);
    }

    public KafkaTestClient client() {
        return cluster().client();
    }

    /**
     * Creates a topic named {@code <prefix>-<n>}, with {@code n} unique in this JVM, and waits
     * until it is usable.
     *
     * @return the topic's name
     */
    public String uniqueTopic(String prefix, int partitions) {
        return uniqueTopic(prefix, partitions, Map.of());
    }

    /** As {@link #uniqueTopic(String, int)}, with topic configs (e.g. {@code retention.ms}). */
    public String uniqueTopic(String prefix, int partitions, Map<String, String> configs) {
        String name = prefix + "-" + TOPICS.incrementAndGet();
        cluster().createTopic(name, partitions, configs);
        return name;
    }
}
