package dev.eventflow.common.config;

import java.time.Duration;
import java.util.List;

/**
 * The options the jobs share, declared once, so users, scripts and tools drive every job the same
 * way. Jobs take them in groups ({@link OptionGroups}) and add their own options.
 */
public final class CommonOptions {

    private CommonOptions() {}

    /** Where to start reading when the job starts without restored state. */
    public enum StartingOffsets {
        /** The oldest retained record of every partition. */
        EARLIEST,
        /** Only records produced after the job started. */
        LATEST,
        /** The consumer group's committed offsets, falling back to earliest for a new group. */
        COMMITTED
    }

    public enum StateBackend {
        ROCKSDB,
        HASHMAP
    }

    public enum Delivery {
        EXACTLY_ONCE,
        AT_LEAST_ONCE
    }

    public static final Option<String> BOOTSTRAP_SERVERS =
            Option.string("bootstrap-servers", null, "Kafka brokers, host:port[,host:port...]");

    public static final Option<String> INPUT_TOPIC =
            Option.string("input-topic", "user-events", "topic the user events are read from");

    public static final Option<String> OUTPUT_TOPIC =
            Option.string(
                    "output-topic",
                    "processed-user-events",
                    "topic the job's results are written to");

    public static final Option<String> LATE_TOPIC =
            Option.string(
                    "late-topic",
                    "late-user-events",
                    "topic late events are written to, with watermark and lateness");

    public static final Option<String> DLQ_TOPIC =
            Option.string(
                    "dlq-topic",
                    "user-events-dlq",
                    "dead-letter topic for malformed records, with the reason in headers");

    public static final Option<String> GROUP_ID =
            Option.optionalString("group-id", "Kafka consumer group id [default: eventflow-<job>]");

    public static final Option<StartingOffsets> STARTING_OFFSETS =
            Option.choice(
                    "starting-offsets",
                    StartingOffsets.class,
                    StartingOffsets.COMMITTED,
                    "where to start without restored state (committed falls back to earliest)");

    public static final Option<Boolean> BOUNDED =
            Option.flag(
                    "bounded",
                    "read up to the end offsets seen at start, flush all windows, then finish");

    public static final Option<Duration> WATERMARK_DELAY =
            Option.duration(
                    "watermark-delay",
                    Duration.ofMinutes(10),
                    "bounded out-of-orderness: how far event time may run behind the newest event seen");

    public static final Option<Duration> IDLENESS =
            Option.duration(
                    "idleness",
                    Duration.ofMinutes(1),
                    "a partition silent this long stops holding back the watermark (0 = never idle)");

    public static final Option<Duration> MAX_FUTURE_SKEW =
            Option.duration(
                            "max-future-skew",
                            Duration.ofDays(1),
                            "event times further ahead of the wall clock are malformed (sent to the DLQ)")
                    .check(d -> !d.isZero(), "must be positive");

    public static final Option<Duration> CHECKPOINT_INTERVAL =
            Option.duration(
                            "checkpoint-interval",
                            Duration.ofSeconds(10),
                            "how often state is checkpointed and output committed")
                    .check(d -> d.toMillis() >= 10, "must be at least 10ms");

    public static final Option<String> CHECKPOINT_DIR =
            Option.optionalString(
                    "checkpoint-dir",
                    "durable checkpoint/savepoint location, e.g. s3://bucket/ckpt or file:///data/ckpt [default: cluster config]");

    public static final Option<StateBackend> STATE_BACKEND =
            Option.choice(
                    "state-backend",
                    StateBackend.class,
                    StateBackend.ROCKSDB,
                    "rocksdb (incremental checkpoints, state on disk) or hashmap (heap)");

    public static final Option<Integer> PARALLELISM =
            Option.integer(
                            "parallelism",
                            0,
                            "operator parallelism (0 = the cluster's default; 2 for a local run)")
                    .check(p -> p >= 0, "must be >= 0");

    public static final Option<Integer> MAX_PARALLELISM =
            Option.integer(
                            "max-parallelism",
                            128,
                            "number of key groups; the upper bound for rescaling from a savepoint, fixed for the life of the state")
                    .check(p -> p >= 1 && p <= 32768, "must be between 1 and 32768");

    public static final Option<Integer> RESTART_MAX_ATTEMPTS =
            Option.integer(
                            "restart-max-attempts",
                            20,
                            "restarts after failures before the job fails for good (the count starts again after 10m without failure)")
                    .check(n -> n >= 1, "must be >= 1");

    public static final Option<Duration> RESTART_BACKOFF =
            Option.duration(
                            "restart-backoff",
                            Duration.ofSeconds(1),
                            "delay before the first restart; doubled on each further failure (exponential delay)")
                    .check(d -> d.toMillis() >= 1, "must be positive");

    public static final Option<Duration> RESTART_MAX_BACKOFF =
            Option.duration(
                            "restart-max-backoff",
                            Duration.ofMinutes(1),
                            "the longest delay between two restarts")
                    .check(d -> d.toMillis() >= 1, "must be positive");

    public static final Option<Delivery> DELIVERY =
            Option.choice(
                    "delivery",
                    Delivery.class,
                    Delivery.EXACTLY_ONCE,
                    "exactly-once (Kafka transactions, committed on checkpoint) or at-least-once");

    public static final Option<String> TRANSACTIONAL_ID_PREFIX =
            Option.optionalString(
                    "transactional-id-prefix",
                    "prefix of Kafka transactional ids, unique per deployment [default: eventflow-<job>-<output-topic>]");

    public static final Option<Duration> TRANSACTIONAL_ID_CHECK =
            Option.duration(
                            "transactional-id-check",
                            Duration.ofSeconds(10),
                            "when transactions with this deployment's transactional id prefix already exist, watch them this long at start-up (at least --checkpoint-interval + 2s) and refuse to start if another deployment is writing with the prefix (0 = skip)")
                    .check(d -> !d.isNegative(), "must not be negative");

    public static final Option<Duration> TRANSACTION_TIMEOUT =
            Option.duration(
                    "transaction-timeout",
                    Duration.ofMinutes(15),
                    "Kafka transaction.timeout.ms; must exceed the checkpoint interval and not exceed the broker's transaction.max.timeout.ms");

    public static final Option<Boolean> CREATE_TOPICS =
            Option.flag(
                    "create-topics",
                    "create missing topics through the Kafka admin client at start-up");

    public static final Option<Integer> TOPIC_PARTITIONS =
            Option.integer("topic-partitions", 3, "partitions of topics created by --create-topics")
                    .check(p -> p >= 1, "must be >= 1");

    public static final Option<Integer> TOPIC_REPLICATION_FACTOR =
            Option.integer(
                            "topic-replication-factor",
                            1,
                            "replication factor of topics created by --create-topics")
                    .check(p -> p >= 1, "must be >= 1");

    /** The common options in {@code --help} order. */
    public static final Option<Integer> METRICS_PORT =
            Option.integer(
                            "metrics-port",
                            0,
                            "java -jar runs: serve Prometheus metrics on this port (0 = off; a"
                                    + " cluster is configured in its own config)")
                    .check(p -> p >= 0 && p <= 65535, "must be a port number (0 = off)");

    public static final Option<Duration> PROGRESS_LOG_INTERVAL =
            Option.duration(
                    "progress-log-interval",
                    Duration.ofSeconds(30),
                    "java -jar runs: log one progress line (records in/out, late, DLQ, watermark,"
                            + " Kafka lag) this often (0 = off)");

    public static final List<Option<?>> ALL =
            List.of(
                    BOOTSTRAP_SERVERS,
                    INPUT_TOPIC,
                    OUTPUT_TOPIC,
                    LATE_TOPIC,
                    DLQ_TOPIC,
                    GROUP_ID,
                    STARTING_OFFSETS,
                    BOUNDED,
                    WATERMARK_DELAY,
                    IDLENESS,
                    MAX_FUTURE_SKEW,
                    CHECKPOINT_INTERVAL,
                    CHECKPOINT_DIR,
                    STATE_BACKEND,
                    PARALLELISM,
                    MAX_PARALLELISM,
                    RESTART_MAX_ATTEMPTS,
                    RESTART_BACKOFF,
                    RESTART_MAX_BACKOFF,
                    DELIVERY,
                    TRANSACTIONAL_ID_PREFIX,
                    TRANSACTIONAL_ID_CHECK,
                    TRANSACTION_TIMEOUT,
                    CREATE_TOPICS,
                    TOPIC_PARTITIONS,
                    TOPIC_REPLICATION_FACTOR,
                    METRICS_PORT,
                    PROGRESS_LOG_INTERVAL);
}
