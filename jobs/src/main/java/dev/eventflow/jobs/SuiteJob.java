package dev.eventflow.jobs;

import dev.eventflow.common.config.OptionSet;
import dev.eventflow.common.config.ParsedOptions;

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

    /** Checks the environment, builds the pipeline and executes it; returns when the job ends. */
    void run(ParsedOptions options) throws Exception;
}
