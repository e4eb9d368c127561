package dev.eventflow.jobs;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.EffectiveConfig;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.OptionSet;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.kafka.KafkaPreflight;
import dev.eventflow.common.kafka.KafkaSettings;
import dev.eventflow.common.kafka.TransactionalIdGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job of the suite, as the {@link Launcher} sees it, and the skeleton every job runs on. A job
 * writes its topology ({@link #buildPipeline}), its options ({@link #options}, composed from the
 * groups in {@code dev.eventflow.common.config.OptionGroups}) and a one-line banner; the start-up
 * checks, the environment, the banner, the web UI hint and the execution are written once, here, in
 * {@link #run}.
 *
 * <p>Adding something to every job (an option group, a sink, a start-up check) is a change to this
 * class or to {@code OptionGroups}, not to six jobs.
 */
public abstract class SuiteJob {

    private static final Logger LOG = LoggerFactory.getLogger(SuiteJob.class);

    private final String name;
    private final String summary;
    private final Supplier<OptionSet> options;
    private final RuntimeExecutionMode executionMode;

    /** A continuous (STREAMING) job with the given option set. */
    protected SuiteJob(String name, String summary, Supplier<OptionSet> options) {
        this(name, summary, options, RuntimeExecutionMode.STREAMING);
    }

    protected SuiteJob(
            String name,
            String summary,
            Supplier<OptionSet> options,
            RuntimeExecutionMode executionMode) {
        this.name = name;
        this.summary = summary;
        this.options = options;
        this.executionMode = executionMode;
    }

    /** The launcher's job name, e.g. {@code window-aggregation}. */
    public final String name() {
        return name;
    }

    /** One line: what it computes and which Spark construct it replaces. */
    public final String summary() {
        return summary;
    }

    /**
     * The runtime mode {@link #run} executes in: STREAMING for the continuous jobs, BATCH for
     * bounded recomputations such as reconcile. The only place a job's mode is decided.
     */
    public final RuntimeExecutionMode executionMode() {
        return executionMode;
    }

    /** Every option the job accepts (common ones included), as its constructor declared them. */
    public final OptionSet options() {
        return options.get();
    }

    /**
     * Cross-option validation that needs no broker (e.g. slide must not exceed size): the job's own
     * rules ({@link #validateJobOptions}), then the rules every job shares.
     *
     * @throws dev.eventflow.common.config.InvalidOptionException naming the option
     */
    public final void validate(ParsedOptions options) {
        validateJobOptions(options);
        JobEnvironment.validate(options);
        KafkaPreflight.validateTransactionTimeoutAgainstCheckpoints(options);
    }

    /** The job's own cross-option rules; none by default. */
    protected void validateJobOptions(ParsedOptions options) {}

    /**
     * Adds the complete production pipeline (Kafka sources, operators, Kafka sinks) to {@code env}
     * without contacting any broker. {@link #run} calls it after its start-up checks; the job-graph
     * contract test calls it to check every operator's uid and serializers.
     */
    public abstract void buildPipeline(StreamExecutionEnvironment env, ParsedOptions options);

    /**
     * Every topic the job touches, for start-up checks and topic creation: by default the value of
     * every {@code --*-topic} option the job declares (unset optional ones left out), so a new
     * input or output topic is checked and created as soon as its option exists. A job whose topics
     * depend on its mode (joins) lists them itself.
     */
    protected List<String> topics(ParsedOptions options) {
        List<String> topics = new ArrayList<>();
        for (Option<?> option : options().options()) {
            Object value = options.get(option);
            if (option.key().endsWith("-topic") && value != null) topics.add(value.toString());
        }
        return topics;
    }

    /** Topic-level configs {@code --create-topics} applies, by topic; none by default. */
    protected Map<String, Map<String, String>> topicConfigs(ParsedOptions options) {
        return Map.of();
    }

    /**
     * Topics that must be compacted ({@code cleanup.policy} with {@code compact}), checked at start
     * by {@link #run}, with what the job writes there (for the message); none by default.
     */
    protected Map<String, String> compactedTopics(ParsedOptions options) {
        return Map.of();
    }

    /**
     * What {@link #run} prints after the run name: inputs, outputs and the settings that matter.
     */
    protected abstract String banner(ParsedOptions options);

    /**
     * The banner of a job that reads {@code from} and writes {@code to}: {@code "<from> -> <to>
     * (<details>, dead letters: <dlq>) on <bootstrap servers>"}; {@code details} may be empty.
     */
    protected static String flow(ParsedOptions o, String from, String to, String details) {
        return String.format(
                "%s -> %s (%sdead letters: %s) on %s",
                from,
                to,
                details.isEmpty() ? "" : details + ", ",
                o.get(CommonOptions.DLQ_TOPIC),
                o.get(CommonOptions.BOOTSTRAP_SERVERS));
    }

    /**
     * The name of one run, as Flink shows it and as the banner starts: the job name, plus whatever
     * tells its runs apart (the join mode).
     */
    protected String runName(ParsedOptions options) {
        return name;
    }

    /**
     * Builds the pipeline for one run and says what to do once it has finished. The default builds
     * {@link #buildPipeline} and does nothing afterwards; a bounded job that reports on its own
     * output (reconcile) builds a run-specific pipeline and reads the report back.
     */
    protected AfterRun prepareRun(StreamExecutionEnvironment env, ParsedOptions options)
            throws Exception {
        buildPipeline(env, options);
        return () -> {};
    }

    /** What a run does after the job has finished. */
    @FunctionalInterface
    protected interface AfterRun {
        void finished() throws Exception;
    }

    /**
     * Every option of this job with the value the run uses, and the Kafka properties, secrets
     * masked: the line {@link #run} logs at start.
     */
    public final String effectiveConfiguration(ParsedOptions options) {
        return EffectiveConfig.describe(options(), options);
    }

    /**
     * Checks the environment, builds the pipeline and executes it in {@link #executionMode()};
     * returns when the job ends.
     *
     * @throws dev.eventflow.common.kafka.StartupCheckException when a start-up check fails
     */
    public final void run(ParsedOptions options) throws Exception {
        KafkaPreflight.check(
                options, topics(options), topicConfigs(options), compactedTopics(options));
        StreamExecutionEnvironment env = JobEnvironment.create(options, name, executionMode);
        TransactionalIdGuard.check(
                options,
                KafkaSettings.transactionalIdPrefix(options, name),
                env.getConfiguration());
        AfterRun afterRun = prepareRun(env, options);
        String runName = runName(options);
        LOG.info("{} effective configuration: {}", runName, effectiveConfiguration(options));
        System.out.println(runName + ": " + banner(options));
        if (JobEnvironment.isStandalone()) {
            System.out.println(
                    "local Flink web UI: http://localhost:"
                            + env.getConfiguration().get(RestOptions.PORT));
        }
        env.execute(runName);
        afterRun.finished();
    }
}
