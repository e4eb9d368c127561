package dev.eventflow.bench.kafka;

import dev.eventflow.common.testing.EmbeddedKafkaCluster;
import java.io.IOException;
import java.util.Map;

/**
 * The Kafka broker of the benchmarks, as a process of its own: a real single-node KRaft broker
 * ({@link EmbeddedKafkaCluster}, the one the integration tests use). Prints {@code bootstrap
 * <host:port>} on stdout once it accepts clients, and stops (deleting its data) when stdin closes,
 * i.e. when the benchmark JVM that started it exits, however it exits.
 */
public final class KafkaBrokerMain {

    static final String READY_PREFIX = "bootstrap ";

    private KafkaBrokerMain() {}

    public static void main(String[] args) throws Exception {
        // Room for the jobs' default 15-minute transaction timeout.
        try (EmbeddedKafkaCluster kafka =
                new EmbeddedKafkaCluster(Map.of("transaction.max.timeout.ms", "3600000"))) {
            kafka.start();
            System.out.println(READY_PREFIX + kafka.bootstrapServers());
            System.out.flush();
            waitForEndOfInput();
        }
        System.exit(0);
    }

    private static void waitForEndOfInput() {
        try {
            while (System.in.read() >= 0) {
                // nothing is sent: the parent closes the pipe (or dies) to stop the broker
            }
        } catch (IOException closed) {
            // the parent is gone
        }
    }
}
