package dev.eventflow.common.flink;

/**
 * A readable operator name paired with its stable uid. Each job declares its operators once (an
 * enum implementing this) and applies both with {@code .name(op.operatorName()).uid(op.uid())};
 * savepoint tooling uses the same constants. A uid must never change once a job has run in
 * production: state in a savepoint is matched to operators by uid.
 */
public interface OperatorId {

    /** Shown in the web UI, logs and metrics. Free to change. */
    String operatorName();

    /** Matches savepoint state to this operator. Never change it for a running deployment. */
    String uid();
}
