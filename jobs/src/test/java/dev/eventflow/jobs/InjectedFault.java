package dev.eventflow.jobs;

import org.apache.flink.core.execution.JobClient;

/**
 * The two halves of a fault a test injects into a running job: what it does ({@link Action}: arm
 * {@code FailOnce}, or {@link TaskManagerLoss#killOneAndReplace}) and how the test proves it really
 * hit the job ({@link Check}), so that one exactly-once scenario runs with either fault.
 */
public final class InjectedFault {

    private InjectedFault() {}

    /** Injects the fault, mid-stream. */
    @FunctionalInterface
    public interface Action {
        void inject() throws Exception;
    }

    /** Whether the fault really happened to the job. */
    @FunctionalInterface
    public interface Check {
        boolean holds(JobClient job) throws Exception;
    }
}
