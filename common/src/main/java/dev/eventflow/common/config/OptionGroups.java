package dev.eventflow.common.config;

import dev.eventflow.common.sketch.HllSketches;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The common options in small groups, and the two bases every job's option set starts from. A job
 * composes its set from the groups it uses ({@link #streamingJob} or {@link #batchJob}, plus e.g.
 * {@link #EVENT_TIME} and {@link #LATE_OUTPUT}), then replaces a default ({@link
 * OptionSet#replace}) and adds its own options. Nothing is subtracted: a job without late output
 * simply does not add {@link #LATE_OUTPUT}.
 *
 * <p>An option group every job gets (observability, an external sink) is added to {@link
 * #EVERY_JOB}; one every continuous job gets, to {@link #STREAMING_JOB}. {@code --help} lists the
 * common options in the order of {@link CommonOptions#ALL}, whatever order the groups were composed
 * in, then the job's own options in the order it added them.
 */
public final class OptionGroups {

    private OptionGroups() {}

    /**
     * Kafka input: brokers, the input topic, its consumer group, and where malformed input goes.
     */
    public static final List<Option<?>> KAFKA_INPUT =
            List.of(
                    CommonOptions.BOOTSTRAP_SERVERS,
                    CommonOptions.INPUT_TOPIC,
                    CommonOptions.DLQ_TOPIC,
                    CommonOptions.GROUP_ID,
                    CommonOptions.MAX_FUTURE_SKEW);

    /** Where an unbounded read starts and whether it stops at the end offsets seen at start. */
    public static final List<Option<?>> UNBOUNDED_INPUT =
            List.of(CommonOptions.STARTING_OFFSETS, CommonOptions.BOUNDED);

    /** Kafka output: the result topic and the delivery guarantee of every sink. */
    public static final List<Option<?>> KAFKA_OUTPUT =
            List.of(
                    CommonOptions.OUTPUT_TOPIC,
                    CommonOptions.DELIVERY,
                    CommonOptions.TRANSACTIONAL_ID_PREFIX,
                    CommonOptions.TRANSACTIONAL_ID_CHECK,
                    CommonOptions.TRANSACTION_TIMEOUT);

    /** A topic for events that arrive behind the watermark. */
    public static final List<Option<?>> LATE_OUTPUT = List.of(CommonOptions.LATE_TOPIC);

    /** Event time: the watermark's bounded out-of-orderness and source idleness. */
    public static final List<Option<?>> EVENT_TIME =
            List.of(CommonOptions.WATERMARK_DELAY, CommonOptions.IDLENESS);

    /** Periodic checkpoints (a continuous job's recovery and commit cadence). */
    public static final List<Option<?>> CHECKPOINTING = List.of(CommonOptions.CHECKPOINT_INTERVAL);

    /** State backend, savepoint location and parallelism. */
    public static final List<Option<?>> RUNTIME =
            List.of(
                    CommonOptions.CHECKPOINT_DIR,
                    CommonOptions.STATE_BACKEND,
                    CommonOptions.PARALLELISM,
                    CommonOptions.MAX_PARALLELISM);

    /** How the job restarts after a failure: exponential delay, bounded attempts. */
    public static final List<Option<?>> RESTART =
            List.of(
                    CommonOptions.RESTART_MAX_ATTEMPTS,
                    CommonOptions.RESTART_BACKOFF,
                    CommonOptions.RESTART_MAX_BACKOFF);

    /** {@code --create-topics} and the shape of the topics it creates. */
    public static final List<Option<?>> TOPIC_CREATION =
            List.of(
                    CommonOptions.CREATE_TOPICS,
                    CommonOptions.TOPIC_PARTITIONS,
                    CommonOptions.TOPIC_REPLICATION_FACTOR);

    /** Metrics export and the progress log of a java -jar run. */
    public static final List<Option<?>> OBSERVABILITY =
            List.of(CommonOptions.METRICS_PORT, CommonOptions.PROGRESS_LOG_INTERVAL);

    /** The groups of every job, bounded or not. */
    public static final List<List<Option<?>>> EVERY_JOB =
            List.of(KAFKA_INPUT, KAFKA_OUTPUT, RUNTIME, RESTART, TOPIC_CREATION, OBSERVABILITY);

    /** The groups every continuous job adds to {@link #EVERY_JOB}. */
    public static final List<List<Option<?>>> STREAMING_JOB =
            List.of(UNBOUNDED_INPUT, CHECKPOINTING);

    /**
     * {@code --hll-lg-k}: the size of an HLL sketch. Jobs describe what it counts with {@link
     * Option#describedAs}.
     */
    public static final Option<Integer> HLL_LG_K =
            Option.integer("hll-lg-k", HllSketches.DEFAULT_LG_K, "log2 of the HLL buckets")
                    .check(
                            k -> k >= HllSketches.MIN_LG_K && k <= HllSketches.MAX_LG_K,
                            "must be between "
                                    + HllSketches.MIN_LG_K
                                    + " and "
                                    + HllSketches.MAX_LG_K);

    /** A continuous job's base: {@link #EVERY_JOB}, {@link #STREAMING_JOB} and {@code groups}. */
    @SafeVarargs
    public static OptionSet streamingJob(List<Option<?>>... groups) {
        List<List<Option<?>>> all = new ArrayList<>(EVERY_JOB);
        all.addAll(STREAMING_JOB);
        all.addAll(List.of(groups));
        return compose(all);
    }

    /** A bounded (BATCH) job's base: {@link #EVERY_JOB} and {@code groups}. */
    @SafeVarargs
    public static OptionSet batchJob(List<Option<?>>... groups) {
        List<List<Option<?>>> all = new ArrayList<>(EVERY_JOB);
        all.addAll(List.of(groups));
        return compose(all);
    }

    /**
     * One option set of the given groups: the common options in {@link CommonOptions#ALL} order,
     * then any others in the order given.
     */
    public static OptionSet compose(List<List<Option<?>>> groups) {
        List<Option<?>> options = new ArrayList<>();
        groups.forEach(options::addAll);
        options.sort(Comparator.comparingInt(OptionGroups::rank));
        return new OptionSet(options);
    }

    private static int rank(Option<?> option) {
        for (int i = 0; i < CommonOptions.ALL.size(); i++) {
            if (CommonOptions.ALL.get(i).key().equals(option.key())) return i;
        }
        return CommonOptions.ALL.size();
    }
}
