package dev.eventflow.bench.kafka;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Starts {@link KafkaBrokerMain} in a child JVM on this JVM's classpath, so that the broker's CPU
 * is not part of the benchmark process's CPU time (it is read separately through {@link
 * #handle()}). The broker's own output goes to {@code broker.log} in the given directory.
 */
public final class BrokerProcess implements AutoCloseable {

    private final Process process;
    private final String bootstrapServers;

    private BrokerProcess(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts the broker and waits until it accepts clients. */
    public static BrokerProcess start(Path logDir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-Xmx1g");
        command.add("-XX:+UseParallelGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        String log4j = System.getProperty("log4j.configurationFile");
        if (log4j != null) command.add("-Dlog4j.configurationFile=" + log4j);
        command.add(KafkaBrokerMain.class.getName());
        File log = logDir.resolve("broker.log").toFile();
        Process p =
                new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.appendTo(log))
                        .start();
        BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(KafkaBrokerMain.READY_PREFIX)) {
                return new BrokerProcess(
                        p, line.substring(KafkaBrokerMain.READY_PREFIX.length()).trim());
            }
        }
        p.destroyForcibly();
        throw new IOException("the Kafka broker did not start; see " + log);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's process, for its CPU time. */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** Creates the topics (name to partition count), single-replica. */
    public void createTopics(Map<String, Integer> topics) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> create = new ArrayList<>();
            topics.forEach(
                    (name, partitions) -> create.add(new NewTopic(name, partitions, (short) 1)));
            admin.createTopics(create).all().get(60, TimeUnit.SECONDS);
            // wait until every partition has a leader, so producers and sources can use it at once
            for (int attempt = 0; attempt < 300; attempt++) {
                boolean ready =
                        admin
                                .describeTopics(topics.keySet())
                                .allTopicNames()
                                .get()
                                .values()
                                .stream()
                                .allMatch(
                                        d ->
                                                d.partitions().stream()
                                                        .allMatch(pi -> pi.leader() != null));
                if (ready) return;
                Thread.sleep(100);
            }
            throw new IllegalStateException("topics " + topics.keySet() + " have no leaders");
        }
    }

    /** Stops the broker: closing its stdin makes it shut down and delete its data. */
    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
