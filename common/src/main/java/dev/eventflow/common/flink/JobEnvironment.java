package dev.eventflow.common.flink;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.InvalidOptionException;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.ParsedOptions;
import java.time.Duration;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Builds the {@link StreamExecutionEnvironment} every job runs in, from the common options, so that
 * checkpointing, state backend, parallelism and the safety switches are the same everywhere:
 *
 * <ul>
 *   <li>checkpointing on (exactly-once mode), retained on cancellation, so a cancelled job can be
 *       resumed; RocksDB with incremental checkpoints by default, heap ({@code hashmap}) on
 *       request;
 *   <li>{@code pipeline.generic-types: false}: a state or record type that would silently fall back
 *       to Kryo fails the build of the job graph instead (Kryo state is the classic upgrade trap);
 *   <li>{@code pipeline.auto-generate-uids: false}: an operator without an explicit uid fails at
 *       once, so savepoints always map to operators;
 *   <li>{@code pipeline.max-parallelism} set explicitly: it fixes the key groups of the state, and
 *       so the upper bound for rescaling from a savepoint;
 *   <li>an explicit restart strategy, whatever the cluster's default: exponential delay from {@code
 *       --restart-backoff} (1s) doubling up to {@code --restart-max-backoff} (1m), with 10% jitter,
 *       at most {@code --restart-max-attempts} (20) restarts, the count starting again after {@link
 *       #RESTART_RESET_AFTER} without a failure. A transient fault (a broker restart, a lost
 *       TaskManager) is ridden out; a persistent one fails the job after about a quarter of an hour
 *       instead of restarting forever;
 *   <li>up to {@code --tolerable-checkpoint-failures} (3) checkpoints in a row may fail (a storage
 *       outage) without a restart;
 *   <li>a {@code java -jar} run keeps {@link #RETAINED_CHECKPOINTS} completed checkpoints, so the
 *       one before the latest remains a recovery point after a lost transaction
 *       (docs/reliability.md). This is a JobManager setting ({@code
 *       execution.checkpointing.num-retained}): a cluster takes it from its own config, which the
 *       suite's deploy configs set.
 * </ul>
 *
 * Under {@code flink run} the cluster's environment is used and these settings are layered on top;
 * from {@code java -jar} a local MiniCluster with the web UI is started.
 */
public final class JobEnvironment {

    /**
     * Default parallelism of a local run; one slot per core on a big host runs out of network
     * buffers.
     */
    public static final int LOCAL_DEFAULT_PARALLELISM = 2;

    /** Completed checkpoints a java -jar run keeps: the latest and the one before it. */
    public static final int RETAINED_CHECKPOINTS = 2;

    /** A job running this long without a failure starts its restart count and backoff afresh. */
    public static final Duration RESTART_RESET_AFTER = Duration.ofMinutes(10);

    private JobEnvironment() {}

    /**
     * Cross-option rules of the environment's options.
     *
     * @throws InvalidOptionException naming the options
     */
    public static void validate(ParsedOptions o) {
        Duration backoff = o.get(CommonOptions.RESTART_BACKOFF);
        Duration max = o.get(CommonOptions.RESTART_MAX_BACKOFF);
        if (max.compareTo(backoff) < 0) {
            throw new InvalidOptionException(
                    "--restart-max-backoff "
                            + Option.show(max)
                            + " must not be shorter than --restart-backoff "
                            + Option.show(backoff));
        }
    }

    public static Configuration configuration(
            ParsedOptions o, String jobName, RuntimeExecutionMode mode) {
        Configuration conf = new Configuration();
        conf.setString("pipeline.name", jobName);
        conf.set(ExecutionOptions.RUNTIME_MODE, mode);
        conf.setString("pipeline.generic-types", "false");
        conf.setString("pipeline.auto-generate-uids", "false");
        conf.set(PipelineOptions.MAX_PARALLELISM, o.get(CommonOptions.MAX_PARALLELISM));
        if (mode == RuntimeExecutionMode.STREAMING) {
            conf.setString(
                    "execution.checkpointing.interval",
                    o.get(CommonOptions.CHECKPOINT_INTERVAL).toMillis() + " ms");
            conf.setString("execution.checkpointing.mode", "EXACTLY_ONCE");
            conf.setString(
                    "execution.checkpointing.externalized-checkpoint-retention",
                    "RETAIN_ON_CANCELLATION");
            // A failed checkpoint (storage unavailable, a timeout) is reported (log, the
            // numberOfFailedCheckpoints metric) and the job goes on, up to this many in a row; one
            // more restarts it. KafkaPreflight checks that the output's transactions outlive them.
            conf.setString(
                    "execution.checkpointing.tolerable-failed-checkpoints",
                    Integer.toString(o.get(CommonOptions.TOLERABLE_CHECKPOINT_FAILURES)));
            // Commits the last Kafka transaction of a --bounded run (default true; stated because
            // it matters).
            conf.setString("execution.checkpointing.checkpoints-after-tasks-finish", "true");
        }
        if (o.get(CommonOptions.STATE_BACKEND) == CommonOptions.StateBackend.ROCKSDB) {
            conf.setString("state.backend.type", "rocksdb");
            conf.setString("execution.checkpointing.incremental", "true");
            // State size per operator and state, as metrics: RocksDB's own estimates, cheap (read
            // from its properties at each report), labelled by state name.
            conf.setString("state.backend.rocksdb.metrics.estimate-num-keys", "true");
            conf.setString("state.backend.rocksdb.metrics.estimate-live-data-size", "true");
            conf.setString("state.backend.rocksdb.metrics.column-family-as-variable", "true");
        } else {
            conf.setString("state.backend.type", "hashmap");
        }
        String dir = o.get(CommonOptions.CHECKPOINT_DIR);
        if (dir != null) {
            conf.setString("execution.checkpointing.dir", dir);
            conf.setString("execution.checkpointing.savepoint-dir", dir + "/savepoints");
        }
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                o.get(CommonOptions.RESTART_BACKOFF));
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                o.get(CommonOptions.RESTART_MAX_BACKOFF));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                RESTART_RESET_AFTER);
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS,
                o.get(CommonOptions.RESTART_MAX_ATTEMPTS));
        int parallelism = o.get(CommonOptions.PARALLELISM);
        if (parallelism > 0) {
            conf.setString("parallelism.default", Integer.toString(parallelism));
        }
        return conf;
    }

    /**
     * True when no cluster (flink run, a test MiniCluster) provides the environment: a java -jar
     * run.
     */
    public static boolean isStandalone() {
        return StreamExecutionEnvironment.areExplicitEnvironmentsAllowed();
    }

    public static StreamExecutionEnvironment create(
            ParsedOptions o, String jobName, RuntimeExecutionMode mode) {
        return create(o, jobName, mode, new Configuration());
    }

    /**
     * As {@link #create(ParsedOptions, String, RuntimeExecutionMode)}, with settings layered on
     * top.
     */
    public static StreamExecutionEnvironment create(
            ParsedOptions o, String jobName, RuntimeExecutionMode mode, Configuration overrides) {
        Configuration conf = configuration(o, jobName, mode);
        conf.addAll(overrides);
        if (isStandalone()) {
            if (o.get(CommonOptions.PARALLELISM) == 0) {
                conf.setString("parallelism.default", Integer.toString(LOCAL_DEFAULT_PARALLELISM));
            }
            conf.setString("rest.port", Integer.toString(freeLocalPort(8081, 8099)));
            conf.setString(
                    "execution.checkpointing.num-retained", Integer.toString(RETAINED_CHECKPOINTS));
            conf.addAll(localReporters(o));
            return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        }
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    /** The Prometheus reporter's name in a configuration (metrics.reporter.prom.*). */
    public static final String PROMETHEUS_REPORTER = "prom";

    /** The progress log reporter's name (metrics.reporter.progress.*). */
    public static final String PROGRESS_REPORTER = "progress";

    /**
     * The metric reporters of a run that starts its own MiniCluster (java -jar, or a test that
     * passes them to its cluster): Flink's Prometheus reporter on {@code --metrics-port} (0 = off),
     * and the progress log every {@code --progress-log-interval} (0 = off). A cluster configures
     * its reporters in its own config; these settings would be ignored there.
     */
    public static Configuration localReporters(ParsedOptions o) {
        Configuration conf = new Configuration();
        int port = o.get(CommonOptions.METRICS_PORT);
        if (port > 0) {
            String prefix = "metrics.reporter." + PROMETHEUS_REPORTER + ".";
            conf.setString(
                    prefix + "factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            conf.setString(prefix + "port", Integer.toString(port));
        }
        java.time.Duration interval = o.get(CommonOptions.PROGRESS_LOG_INTERVAL);
        if (!interval.isZero()) {
            String prefix = "metrics.reporter." + PROGRESS_REPORTER + ".";
            conf.setString(
                    prefix + "factory.class",
                    "dev.eventflow.common.metrics.ProgressLogReporterFactory");
            conf.setString(prefix + "interval", interval.toMillis() + " ms");
        }
        return conf;
    }

    /** The first free port in the range (the web UI's), or 0 (any) if all are taken. */
    static int freeLocalPort(int from, int to) {
        for (int port = from; port <= to; port++) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(port)) {
                return port;
            } catch (java.io.IOException taken) {
                // try the next one
            }
        }
        return 0;
    }
}
