package dev.eventflow.common.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real, single-node Apache Kafka broker in KRaft mode (combined broker + controller), started in
 * this JVM from Kafka's own Maven artifacts: no Docker, no mock. Used by the integration tests and
 * by the embedded demo.
 *
 * <p>It is formatted with the production feature levels of this Kafka version (as {@code
 * kafka-storage format} would do), not the bare metadata version the test kit defaults to, so that
 * transactions behave as on a real cluster. Internal topics are single-replica.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private final Map<String, String> brokerProperties = new LinkedHashMap<>();
    private KafkaClusterTestKit cluster;
    private KafkaTestClient client;

    public EmbeddedKafkaCluster() {
        this(Map.of());
    }

    /**
     * @param extraBrokerProperties e.g. {@code transaction.max.timeout.ms}
     */
    public EmbeddedKafkaCluster(Map<String, String> extraBrokerProperties) {
        brokerProperties.put("offsets.topic.replication.factor", "1");
        brokerProperties.put("offsets.topic.num.partitions", "3");
        brokerProperties.put("transaction.state.log.replication.factor", "1");
        brokerProperties.put("transaction.state.log.min.isr", "1");
        brokerProperties.put("transaction.state.log.num.partitions", "3");
        brokerProperties.put("group.initial.rebalance.delay.ms", "0");
        brokerProperties.put("auto.create.topics.enable", "false");
        brokerProperties.put("num.partitions", "1");
        brokerProperties.put("log.flush.interval.messages", "9223372036854775807");
        brokerProperties.putAll(extraBrokerProperties);
    }

    public synchronized EmbeddedKafkaCluster start() {
        if (cluster != null) return this;
        try {
            Map<String, Short> features = new HashMap<>();
            for (Feature f : Feature.PRODUCTION_FEATURES) {
                if (f != Feature.KRAFT_VERSION) features.put(f.featureName(), f.latestProduction());
            }
            BootstrapMetadata metadata =
                    BootstrapMetadata.fromVersions(
                            MetadataVersion.latestProduction(), features, "eventflow-embedded");
            TestKitNodes nodes =
                    new TestKitNodes.Builder(metadata)
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1)
                            .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            brokerProperties.forEach(builder::setConfigProp);
            KafkaClusterTestKit kit = builder.build();
            // The formatter reports on stdout like the CLI tool does; keep test and demo output
            // clean.
            java.io.PrintStream stdout = System.out;
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            try {
                kit.format();
            } finally {
                System.setOut(stdout);
            }
            kit.startup();
            kit.waitForReadyBrokers();
            cluster = kit;
            client = new KafkaTestClient(kit.bootstrapServers());
            return this;
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded Kafka broker", e);
        }
    }

    public String bootstrapServers() {
        requireStarted();
        return cluster.bootstrapServers();
    }

    public KafkaTestClient client() {
        requireStarted();
        return client;
    }

    /** Admin client properties for this broker. */
    public Properties adminProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** Creates a topic and waits until it is usable (metadata propagated to the broker). */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = Admin.create(adminProperties())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                var description =
                        admin.describeTopics(List.of(name))
                                .allTopicNames()
                                .get(30, TimeUnit.SECONDS)
                                .get(name);
                if (description.partitions().size() == partitions
                        && description.partitions().stream()
                                .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
                if (System.nanoTime() > deadline)
                    throw new IllegalStateException("topic " + name + " has no leaders");
                Thread.onSpinWait();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create topic " + name, e);
        }
    }

    private void requireStarted() {
        if (cluster == null)
            throw new IllegalStateException("the embedded Kafka broker is not started");
    }

    @Override
    public synchronized void close() throws Exception {
        if (cluster != null) {
            cluster.close(); // deletes its data directories
            cluster = null;
        }
    }
}
