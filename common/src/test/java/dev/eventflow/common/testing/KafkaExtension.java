package dev.eventflow.common.testing;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Kafka broker per test class:
 *
 * <pre>
 * &#64;RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
 * </pre>
 *
 * Tests take a fresh topic each ({@link #uniqueTopic}), so they never see each other's records.
 */
public final class KafkaExtension implements BeforeAllCallback, AfterAllCallback {

    private static final AtomicInteger TOPICS = new AtomicInteger();

    private final Map<String, String> brokerProperties;
    private EmbeddedKafkaCluster cluster;

    public KafkaExtension() {
        this(Map.of());
    }

    public KafkaExtension(Map<String, String> brokerProperties) {
        this.brokerProperties = brokerProperties;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = new EmbeddedKafkaCluster(brokerProperties).start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) cluster.close();
        cluster = null;
    }

    public EmbeddedKafkaCluster cluster() {
        if (cluster == null)
            throw new IllegalStateException(
                    "KafkaExtension not started: register it as a static field");
        return cluster;
    }

    public String bootstrapServers() {
        return cluster().bootstrapServers();
    }

    public KafkaTestClient client() {
        return cluster().client();
    }

    /** Creates a topic named {@code <prefix>-<n>} that no other test uses. */
    public String uniqueTopic(String prefix, int partitions) {
        return uniqueTopic(prefix, partitions, Map.of());
    }

    public String uniqueTopic(String prefix, int partitions, Map<String, String> configs) {
        String name = prefix + "-" + TOPICS.incrementAndGet();
        cluster().createTopic(name, partitions, configs);
        return name;
    }
}
