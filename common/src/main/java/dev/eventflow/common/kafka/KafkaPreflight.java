package dev.eventflow.common.kafka;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.Durations;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.DeadLetterSerializationSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Start-up checks through the Kafka admin client, run before a job is submitted, so that the
 * mistakes Spark reports as "silent stagnation" fail at once with a message instead: brokers
 * unreachable, topics missing (or created with {@code --create-topics}), and a transaction timeout
 * that the broker would reject or that a checkpoint interval would outlast.
 */
public final class KafkaPreflight {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private KafkaPreflight() {}

    /**
     * The transaction checks apply when the job writes with Kafka transactions ({@code --delivery
     * exactly-once}).
     *
     * @param topics every topic the job reads or writes
     * @throws StartupCheckException saying what is wrong and what to do
     */
    public static void check(ParsedOptions o, Collection<String> topics) {
        check(o, topics, Map.of());
    }

    /**
     * As {@link #check(ParsedOptions, Collection)}, with topic configs for the topics {@code
     * --create-topics} creates, e.g. {@code cleanup.policy=compact} for an upsert topic. Existing
     * topics are left as they are.
     *
     * @param createConfigs per topic name, the configs to create it with
     */
    public static void check(
            ParsedOptions o,
            Collection<String> topics,
            Map<String, Map<String, String>> createConfigs) {
        check(o, topics, createConfigs, Map.of());
    }

    /**
     * As {@link #check(ParsedOptions, Collection, Map)}, and the topics of {@code mustBeCompacted}
     * must exist with a {@code cleanup.policy} that includes {@code compact} ({@code compact} or
     * {@code compact,delete}): an upsert table on a delete-only topic loses rows to retention and
     * never drops superseded ones.
     *
     * @param mustBeCompacted per topic, what the job writes there (for the message), e.g. "the
     *     upsert stream of --output-mode update (--output-topic)"
     */
    public static void check(
            ParsedOptions o,
            Collection<String> topics,
            Map<String, Map<String, String>> createConfigs,
            Map<String, String> mustBeCompacted) {
        validateTransactionTimeoutAgainstCheckpoints(o);
        String servers = o.get(CommonOptions.BOOTSTRAP_SERVERS);
        try (Admin admin = newAdmin(o)) {
            Collection<Node> nodes = describeCluster(admin, servers);
            Set<String> wanted = new LinkedHashSet<>(topics);
            if (o.get(CommonOptions.CREATE_TOPICS)) {
                createMissing(admin, wanted, o, createConfigs);
            }
            Set<String> existing = get(admin.listTopics().names(), servers, "list topics");
            List<String> missing = new ArrayList<>();
            for (String t : wanted) if (!existing.contains(t)) missing.add(t);
            if (!missing.isEmpty()) {
                throw new StartupCheckException(
                        "topic(s) "
                                + missing
                                + " do not exist on "
                                + servers
                                + "; create them (deploy/local/kafka-topics --create ...) or pass --create-topics");
            }
            if (!mustBeCompacted.isEmpty()) {
                validateCompacted(admin, mustBeCompacted, servers);
            }
            String dlq = o.get(CommonOptions.DLQ_TOPIC);
            if (dlq != null && wanted.contains(dlq)) {
                validateDeadLetterTopicLimit(admin, dlq, o, servers);
            }
            if (isTransactional(o)) {
                validateTransactionTimeoutAgainstBroker(admin, nodes, o);
            }
        }
    }

    /**
     * A dead letter is cut to the producer's {@code max.request.size}; a DLQ topic whose {@code
     * max.message.bytes} is smaller would still refuse it, and the DLQ sink would fail on every
     * restart. So the topic must take a record as large as the producer may send.
     */
    private static void validateDeadLetterTopicLimit(
            Admin admin, String dlq, ParsedOptions o, String servers) {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, dlq);
        Config config =
                get(
                                admin.describeConfigs(Collections.singleton(topic)).all(),
                                servers,
                                "describe the configs of topic " + dlq)
                        .get(topic);
        ConfigEntry limit = config == null ? null : config.get("max.message.bytes");
        if (limit == null || limit.value() == null) return; // not visible to this principal
        long topicMax = Long.parseLong(limit.value());
        int producerMax = DeadLetterSerializationSchema.maxRequestSize(o);
        if (topicMax < producerMax) {
            throw new StartupCheckException(
                    "the dead-letter topic "
                            + dlq
                            + " takes records of at most max.message.bytes="
                            + topicMax
                            + " bytes, less than the producer's max.request.size="
                            + producerMax
                            + ": a malformed record near the size limit could not be dead-lettered"
                            + " and the job would fail on every restart; raise the topic's"
                            + " max.message.bytes (kafka-configs --alter --add-config"
                            + " max.message.bytes="
                            + producerMax
                            + ") or lower --kafka.max.request.size");
        }
    }

    /**
     * An admin client for the start-up checks: the job's client properties, with request and API
     * timeouts bounded so that an unreachable cluster fails the check instead of hanging it.
     */
    static Admin newAdmin(ParsedOptions o) {
        Properties props = KafkaSettings.clientProperties(o);
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.putIfAbsent(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Long.toString(ADMIN_TIMEOUT.toMillis()));
        return Admin.create(props);
    }

    private static void validateCompacted(
            Admin admin, Map<String, String> mustBeCompacted, String servers) {
        List<ConfigResource> resources = new ArrayList<>();
        for (String t : mustBeCompacted.keySet()) {
            resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t));
        }
        Map<ConfigResource, Config> configs =
                get(admin.describeConfigs(resources).all(), servers, "describe topic configs");
        for (ConfigResource r : resources) {
            Config config = configs.get(r);
            ConfigEntry policy = config == null ? null : config.get("cleanup.policy");
            if (policy == null || policy.value() == null) {
                continue; // not visible to this principal (ACLs): nothing to judge
            }
            boolean compacted = false;
            for (String p : policy.value().split(",")) {
                if (p.trim().equals("compact")) compacted = true;
            }
            if (!compacted) {
                throw new StartupCheckException(
                        "topic "
                                + r.name()
                                + " has cleanup.policy="
                                + policy.value()
                                + ", but it receives "
                                + mustBeCompacted.get(r.name())
                                + ", which needs a compacted topic (cleanup.policy=compact, or"
                                + " compact,delete to also bound it by retention.ms); change it"
                                + " with kafka-configs --alter --add-config cleanup.policy=compact,"
                                + " or use a new topic with --create-topics");
            }
        }
    }

    /**
     * The checks that need no broker: a transaction must outlive the checkpoint that commits it.
     */
    public static void validateTransactionTimeoutAgainstCheckpoints(ParsedOptions o) {
        if (!isTransactional(o)) return;
        Duration timeout = o.get(CommonOptions.TRANSACTION_TIMEOUT);
        Duration interval = o.get(CommonOptions.CHECKPOINT_INTERVAL);
        if (timeout.compareTo(interval) <= 0) {
            throw new StartupCheckException(
                    "--transaction-timeout "
                            + Durations.format(timeout)
                            + " must be longer than --checkpoint-interval "
                            + Durations.format(interval)
                            + ": a transaction stays open for a whole checkpoint interval, and Kafka would abort it before the checkpoint commits it");
        }
        // Failed checkpoints commit nothing: the oldest open transaction waits for the next
        // successful one, up to (tolerated failures + 1) intervals.
        int tolerated = o.get(CommonOptions.TOLERABLE_CHECKPOINT_FAILURES);
        Duration uncommitted = interval.multipliedBy(tolerated + 1L);
        if (timeout.compareTo(uncommitted) <= 0) {
            throw new StartupCheckException(
                    "--transaction-timeout "
                            + Durations.format(timeout)
                            + " must be longer than (--tolerable-checkpoint-failures "
                            + tolerated
                            + " + 1) x --checkpoint-interval "
                            + Durations.format(interval)
                            + " = "
                            + Durations.format(uncommitted)
                            + ": output waits for the next successful checkpoint to be committed, and Kafka would abort it first");
        }
    }

    private static void validateTransactionTimeoutAgainstBroker(
            Admin admin, Collection<Node> nodes, ParsedOptions o) {
        Duration timeout = o.get(CommonOptions.TRANSACTION_TIMEOUT);
        String servers = o.get(CommonOptions.BOOTSTRAP_SERVERS);
        Node node = nodes.iterator().next();
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
        Config config =
                get(
                                admin.describeConfigs(Collections.singleton(broker)).all(),
                                servers,
                                "describe broker config")
                        .get(broker);
        ConfigEntry max = config == null ? null : config.get("transaction.max.timeout.ms");
        if (max == null || max.value() == null) {
            return; // not visible to this principal (ACLs): the producer will still fail clearly if
            // too high
        }
        long maxMs = Long.parseLong(max.value());
        if (timeout.toMillis() > maxMs) {
            throw new StartupCheckException(
                    "--transaction-timeout "
                            + Durations.format(timeout)
                            + " ("
                            + timeout.toMillis()
                            + " ms) is larger than the broker's transaction.max.timeout.ms ("
                            + maxMs
                            + " ms) on "
                            + servers
                            + "; lower --transaction-timeout (it must stay above --checkpoint-interval "
                            + Durations.format(o.get(CommonOptions.CHECKPOINT_INTERVAL))
                            + ") or raise the broker's transaction.max.timeout.ms");
        }
    }

    private static Collection<Node> describeCluster(Admin admin, String servers) {
        Collection<Node> nodes = get(admin.describeCluster().nodes(), servers, "reach the cluster");
        if (nodes.isEmpty()) {
            throw new StartupCheckException("Kafka at " + servers + " reports no brokers");
        }
        return nodes;
    }

    private static void createMissing(
            Admin admin,
            Set<String> topics,
            ParsedOptions o,
            Map<String, Map<String, String>> createConfigs) {
        Set<String> existing =
                get(
                        admin.listTopics().names(),
                        o.get(CommonOptions.BOOTSTRAP_SERVERS),
                        "list topics");
        List<NewTopic> create = new ArrayList<>();
        for (String t : topics) {
            if (!existing.contains(t)) {
                create.add(
                        new NewTopic(
                                        t,
                                        o.get(CommonOptions.TOPIC_PARTITIONS),
                                        o.get(CommonOptions.TOPIC_REPLICATION_FACTOR).shortValue())
                                .configs(createConfigs.getOrDefault(t, Map.of())));
            }
        }
        if (create.isEmpty()) return;
        try {
            admin.createTopics(create).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitListed(admin, create, o.get(CommonOptions.BOOTSTRAP_SERVERS));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new StartupCheckException(
                        "could not create topics " + create + ": " + e.getCause().getMessage(), e);
            }
        } catch (TimeoutException e) {
            throw new StartupCheckException("timed out creating topics " + create, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupCheckException("interrupted", e);
        }
    }

    /**
     * A created topic shows up in the metadata of the broker that answers the next request only
     * once that broker has caught up: wait for it (bounded) instead of reporting it missing.
     */
    private static void awaitListed(Admin admin, List<NewTopic> created, String servers)
            throws InterruptedException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            Set<String> listed = get(admin.listTopics().names(), servers, "list topics");
            if (created.stream().allMatch(t -> listed.contains(t.name()))) return;
            if (System.nanoTime() > deadline)
                return; // the check that follows names what is missing
            Thread.sleep(100);
        }
    }

    /** Whether the job writes with Kafka transactions: {@code --delivery exactly-once}. */
    private static boolean isTransactional(ParsedOptions o) {
        return o.get(CommonOptions.DELIVERY) == CommonOptions.Delivery.EXACTLY_ONCE;
    }

    /**
     * The admin call's result, or a {@link StartupCheckException} saying what could not be done
     * (its cause: the broker's error), or that it timed out.
     */
    static <T> T get(org.apache.kafka.common.KafkaFuture<T> future, String servers, String what) {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new StartupCheckException(
                    "could not " + what + " at " + servers + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new StartupCheckException(
                    "could not "
                            + what
                            + " at "
                            + servers
                            + " within "
                            + Durations.format(ADMIN_TIMEOUT)
                            + ": are --bootstrap-servers and the --kafka.security.* settings right?",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupCheckException("interrupted", e);
        }
    }
}
