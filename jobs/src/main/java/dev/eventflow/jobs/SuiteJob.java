package dev.eventflow.jobs;

import dev.eventflow.common.config.OptionSet;
import dev.eventflow.common.config.ParsedOptions;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** One job of the suite, as the {@link Launcher} sees it. */
public interface SuiteJob {

    /** The launcher's job name, e.g. {@code window-aggregation}. */
    String name();

    /** One line: what it computes and which Spark construct it replaces. */
    String summary();

    /** Every option the job accepts (common ones included). */
    OptionSet options();

    /**
     * Cross-option validation that needs no broker (e.g. slide must not exceed size).
     *
     * @throws dev.eventflow.common.config.InvalidOptionException naming the option
     */
    default void validate(ParsedOptions options) {}

    /** STREAMING for the continuous jobs; BATCH for bounded recomputations such as reconcile. */
    default RuntimeExecutionMode executionMode() {
        return RuntimeExecutionMode.STREAMING;
    }

    /**
     * Adds the complete production pipeline (Kafka sources, operators, Kafka sinks) to {@code env}
     * without contacting any broker. {@link #run} calls it after its start-up checks; the job-graph
     * contract test calls it to check every operator's uid and serializers.
     */
    void buildPipeline(StreamExecutionEnvironment env, ParsedOptions options);

    /** Checks the environment, builds the pipeline and executes it; returns when the job ends. */
    void run(ParsedOptions options) throws Exception;
}
