package dev.eventflow.common.testing;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
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
            client = new KafkaTestClient(kit.bootstrapServers());
            return this;
        } catch (Exception e) {
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
