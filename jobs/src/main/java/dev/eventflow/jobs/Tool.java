package dev.eventflow.jobs;

import java.io.PrintStream;

/**
 * A command of the launcher that is not a Flink job (e.g. {@code diagnose}): it runs in the
 * launcher's JVM and returns an exit code. Kept apart from {@link SuiteJob} so that everything
 * iterating {@link Launcher#jobs()} (job-graph contracts, deploy manifests) still sees only jobs.
 */
public interface Tool {

    String name();

    String summary();

    /**
     * @return the process exit code
     */
    int run(String[] args, PrintStream out, PrintStream err) throws Exception;
}
