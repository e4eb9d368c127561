package dev.eventflow.common.testing;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real, single-node Apache Kafka broker in KRaft mode (one process role combining broker and
 * controller), started in this JVM from Kafka's own Maven artifacts: no Docker, no mock, no
 * separate process. Used by the integration tests (through {@link KafkaExtension}) and by the
 * embedded demo's {@code main}, so it deliberately has no JUnit dependency.
 *
 * <p>Why the bootstrap metadata is built by hand: left alone, the test kit's node builder formats
 * with {@link MetadataVersion#latestTesting()} (in 4.2.0 the unreleased {@code 4.3-IV0}), and
 * {@code setBootstrapMetadataVersion(latestProduction())} finalizes only {@code metadata.version},
 * leaving every other feature at level 0 ({@code transaction.version=0}, the pre-KIP-890
 * transaction protocol). Neither is what {@code kafka-storage format} gives a real broker, and
 * exactly-once sinks should be tested against the real thing. So the cluster is formatted with
 * {@link MetadataVersion#latestProduction()} and, for every production feature, {@link
 * Feature#defaultLevel(MetadataVersion)}: the same rule the storage tool applies.
 *
 * <p>Internal topics are single-replica (there is one broker) and the group rebalance delay is
 * zero, so consumer groups and transactions are usable as soon as the broker is. Extra broker
 * properties (for example {@code transaction.max.timeout.ms}) override these defaults.
 *
 * <p>Not thread-safe for concurrent start/close; the read/produce helpers of {@link #client()} may
 * be used from any thread.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    /** How long topic creation may take before it is reported as a failure. */
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, String> brokerProperties = new LinkedHashMap<>();

    /** SCRAM users (name -> password) created at start; empty: a plaintext broker. */
    private final Map<String, String> scramUsers = new LinkedHashMap<>();

    /** The broker's own PLAIN identity on the SASL listener (inter-broker and test clients). */
    static final String BROKER_USER = "embedded-broker";

    private static final String BROKER_PASSWORD = "embedded-broker-password";

    /** The TLS material of a {@link #withSaslScramOverTls} broker; null otherwise. */
    private TestTls tls;

    private KafkaClusterTestKit cluster;
    private KafkaTestClient client;

    /** A broker with the defaults described on the class. Call {@link #start()} next. */
    public EmbeddedKafkaCluster() {
        this(Map.of());
    }

    /**
     * @param extraBrokerProperties broker settings applied on top of the defaults, e.g. {@code
     *     transaction.max.timeout.ms}
     */
    public EmbeddedKafkaCluster(Map<String, String> extraBrokerProperties) {
        // One broker: every internal topic must fit on it.
        brokerProperties.put("offsets.topic.replication.factor", "1");
        brokerProperties.put("offsets.topic.num.partitions", "3");
        brokerProperties.put("transaction.state.log.replication.factor", "1");
        brokerProperties.put("transaction.state.log.min.isr", "1");
        brokerProperties.put("transaction.state.log.num.partitions", "3");
        // Tests must not wait 3 s for a consumer group's first rebalance.
        brokerProperties.put("group.initial.rebalance.delay.ms", "0");
        // Topics exist only when a test creates them, so a typo fails instead of auto-creating.
        brokerProperties.put("auto.create.topics.enable", "false");
        brokerProperties.put("num.partitions", "1");
        brokerProperties.putAll(extraBrokerProperties);
    }

    /**
     * A broker whose client listener requires SASL ({@code SASL_PLAINTEXT}) and accepts {@code
     * SCRAM-SHA-256} and {@code SCRAM-SHA-512} for the given users, as a secured production cluster
     * would. The SCRAM credentials are created through Kafka's Admin API ({@code
     * alterUserScramCredentials}) once the broker is up. The broker itself (inter-broker traffic:
     * transaction markers) and the test's own helpers ({@link #client()}, {@link #newAdmin()})
     * authenticate with {@code PLAIN} as a separate identity, so a test of SCRAM never depends on
     * the credentials it checks. No authorizer: authentication, not ACLs, is what is tested. The
     * controller listener stays plaintext.
     *
     * @param users user name -> password
     */
    public static EmbeddedKafkaCluster withSaslScram(
            Map<String, String> users, Map<String, String> extraBrokerProperties) {
        return secured(users, null, extraBrokerProperties);
    }

    /**
     * As {@link #withSaslScram}, with the client listener over TLS ({@code SASL_SSL}): the broker
     * presents the certificate of {@code tls}'s keystore (made at test time, see {@link
     * TestTls#generate}); clients must trust it through {@code tls}'s truststore. The broker's own
     * connections to that listener and the test's helpers use the same truststore.
     */
    public static EmbeddedKafkaCluster withSaslScramOverTls(
            Map<String, String> users, TestTls tls, Map<String, String> extraBrokerProperties) {
        return secured(users, tls, extraBrokerProperties);
    }

    private static EmbeddedKafkaCluster secured(
            Map<String, String> users, TestTls tls, Map<String, String> extraBrokerProperties) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(
                "listener.security.protocol.map",
                "EXTERNAL:"
                        + (tls == null ? "SASL_PLAINTEXT" : "SASL_SSL")
                        + ",CONTROLLER:PLAINTEXT");
        if (tls != null) {
            String l = "listener.name.external.";
            props.put(l + "ssl.keystore.type", "PKCS12");
            props.put(l + "ssl.keystore.location", tls.keystore().toString());
            props.put(l + "ssl.keystore.password", tls.keystorePassword());
            props.put(l + "ssl.key.password", tls.keystorePassword());
            props.put(l + "ssl.truststore.type", "PKCS12");
            props.put(l + "ssl.truststore.location", tls.truststore().toString());
            props.put(l + "ssl.truststore.password", tls.truststorePassword());
        }
        props.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
        props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        props.put(
                "listener.name.external.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\""
                        + BROKER_USER
                        + "\" password=\""
                        + BROKER_PASSWORD
                        + "\""
                        + " user_"
                        + BROKER_USER
                        + "=\""
                        + BROKER_PASSWORD
                        + "\";");
        for (String m : List.of("scram-sha-256", "scram-sha-512")) {
            props.put(
                    "listener.name.external." + m + ".sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        props.putAll(extraBrokerProperties);
        EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(props);
        cluster.scramUsers.putAll(users);
        cluster.tls = tls;
        return cluster;
    }

    /**
     * The client properties of the test's own helpers: empty for a plaintext broker, the broker's
     * PLAIN identity for a {@link #withSaslScram} one (and the truststore over TLS).
     */
    public Properties helperSecurityProperties() {
        Properties p = new Properties();
        if (scramUsers.isEmpty()) return p;
        p.put("security.protocol", tls == null ? "SASL_PLAINTEXT" : "SASL_SSL");
        if (tls != null) p.putAll(tls.clientTrust());
        p.put("sasl.mechanism", "PLAIN");
        p.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + BROKER_USER
                        + "\" password=\""
                        + BROKER_PASSWORD
                        + "\";");
        return p;
    }

    /** Creates the SCRAM credentials (both mechanisms) and waits until the broker serves them. */
    private void createScramUsers() throws Exception {
        if (scramUsers.isEmpty()) return;
        try (Admin admin = newAdmin()) {
            // One request per mechanism: a request may alter each user only once.
            for (ScramMechanism m :
                    List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
                List<UserScramCredentialAlteration> alterations = new ArrayList<>();
                scramUsers.forEach(
                        (user, password) ->
                                alterations.add(
                                        new UserScramCredentialUpsertion(
                                                user, new ScramCredentialInfo(m, 4096), password)));
                admin.alterUserScramCredentials(alterations)
                        .all()
                        .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
            while (true) {
                Map<String, UserScramCredentialsDescription> seen =
                        admin.describeUserScramCredentials()
                                .all()
                                .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                boolean all =
                        scramUsers.keySet().stream()
                                .allMatch(
                                        u ->
                                                seen.containsKey(u)
                                                        && seen.get(u).credentialInfos().size()
                                                                == 2);
                if (all) return;
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(
                            "SCRAM users not visible after "
                                    + TOPIC_TIMEOUT
                                    + ": "
                                    + seen.keySet());
                }
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Formats the storage, starts the broker and waits until it accepts clients. Idempotent.
     *
     * @return this, for {@code new EmbeddedKafkaCluster().start()}
     * @throws IllegalStateException if the broker cannot start (its directories are removed)
     */
    public synchronized EmbeddedKafkaCluster start() {
        if (cluster != null) return this;
        KafkaClusterTestKit kit = null;
        try {
            TestKitNodes nodes =
                    new TestKitNodes.Builder(productionBootstrapMetadata())
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1)
                            .build();
            KafkaClusterTestKit.Builder builder =
                    new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
            brokerProperties.forEach(builder::setConfigProp);
            kit = builder.build();
            formatQuietly(kit);
            kit.startup();
            kit.waitForReadyBrokers();
            cluster = kit;
            client = new KafkaTestClient(kit.bootstrapServers(), helperSecurityProperties());
            createScramUsers();
            return this;
        } catch (Exception e) {
            cluster = null;
            client = null;
            if (kit != null) closeAfterFailure(kit, e);
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException("could not start the embedded Kafka broker", e);
        }
    }

    /**
     * {@code metadata.version} of this Kafka release plus each production feature at the level
     * {@code kafka-storage format} would pick. {@code kraft.version} is left out: the test kit
     * derives it from how it configures the controller quorum.
     */
    private static BootstrapMetadata productionBootstrapMetadata() {
        MetadataVersion metadataVersion = MetadataVersion.latestProduction();
        Map<String, Short> levels = new LinkedHashMap<>();
        for (Feature feature : Feature.PRODUCTION_FEATURES) {
            if (feature == Feature.KRAFT_VERSION) continue;
            levels.put(feature.featureName(), feature.defaultLevel(metadataVersion));
        }
        return BootstrapMetadata.fromVersions(metadataVersion, levels, "eventflow-embedded-kafka");
    }

    /**
     * The storage formatter reports to {@code System.out} like the CLI tool does; that line is
     * noise in test reports and in the demo's console, so it is swallowed. Errors still surface as
     * exceptions.
     */
    private static void formatQuietly(KafkaClusterTestKit kit) throws Exception {
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            kit.format();
        } finally {
            System.setOut(stdout);
        }
    }

    private static void closeAfterFailure(KafkaClusterTestKit kit, Exception cause) {
        try {
            kit.close();
        } catch (Exception suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    /** {@code host:port} of the broker listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        requireStarted();
        return cluster.bootstrapServers();
    }

    /** Produce and read-back helpers bound to this broker. */
    public KafkaTestClient client() {
        requireStarted();
        return client;
    }

    /** Admin client properties for this broker (a fresh copy each call). */
    public Properties adminProperties() {
        Properties p = new Properties();
        p.putAll(helperSecurityProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /** A new {@link Admin} for this broker; the caller closes it. */
    public Admin newAdmin() {
        return Admin.create(adminProperties());
    }

    /** Creates a topic with default configs; see {@link #createTopic(String, int, Map)}. */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /**
     * Creates a single-replica topic and returns once the broker's metadata shows a leader for
     * every partition, i.e. once a producer or consumer can use it right away. (The create call
     * returns when the controller has committed the topic; the broker learns of it a moment later.)
     *
     * @throws IllegalStateException if it cannot be created or does not become usable in 30 s
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = newAdmin()) {
            long timeoutMs = TOPIC_TIMEOUT.toMillis();
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all()
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
            // Each iteration is a metadata round trip to the broker, which paces the loop.
            while (!hasLeaders(admin, name, partitions, timeoutMs)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(
                            "topic "
                                    + name
                                    + " has no leader for every partition after "
                                    + TOPIC_TIMEOUT);
                }
                Thread.onSpinWait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not create topic " + name, e);
        }
    }

    private static boolean hasLeaders(Admin admin, String name, int partitions, long timeoutMs)
            throws Exception {
        TopicDescription description;
        try {
            description =
                    admin.describeTopics(List.of(name))
                            .allTopicNames()
                            .get(timeoutMs, TimeUnit.MILLISECONDS)
                            .get(name);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) return false;
            throw e;
        }
        return description.partitions().size() == partitions
                && description.partitions().stream()
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    }

    private void requireStarted() {
        if (cluster == null)
            throw new IllegalStateException("the embedded Kafka broker is not started");
    }

    /** Stops the broker and deletes its log and metadata directories. Idempotent. */
    @Override
    public synchronized void close() throws Exception {
        if (cluster != null) {
            KafkaClusterTestKit kit = cluster;
            cluster = null;
            client = null;
            kit.close(); // deleteOnClose: removes the kit's temporary base directory
        }
    }
}
