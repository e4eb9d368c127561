package dev.eventflow.common.flink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A readable operator name paired with its stable uid. Each job declares its operators once, as the
 * constants of an enum {@code Operators} implementing {@link Declared}, and applies both with
 * {@code .name(op.operatorName()).uid(op.uid())}; savepoint tooling uses the same constants. A uid
 * must never change once a job has run in production: state in a savepoint is matched to operators
 * by uid.
 */
public interface OperatorId {

    /** Shown in the web UI, logs and metrics. Free to change. */
    String operatorName();

    /** Matches savepoint state to this operator. Never change it for a running deployment. */
    String uid();

    /** One operator's name and uid. */
    record Named(String operatorName, String uid) implements OperatorId {

        public Named {
            if (operatorName == null || operatorName.isBlank() || uid == null || uid.isBlank()) {
                throw new IllegalArgumentException("an operator needs a name and a uid");
            }
        }
    }

    /**
     * Records the name and uid of one constant of a job's {@code Operators} enum: the whole body of
     * such an enum is a constructor that calls this.
     *
     * <pre>{@code
     * enum Operators implements OperatorId.Declared {
     *     SOURCE("kafka source: user events", "dedup.source"),
     *     ...;
     *
     *     Operators(String operatorName, String uid) {
     *         OperatorId.declare(this, operatorName, uid);
     *     }
     * }
     * }</pre>
     */
    static void declare(Declared constant, String operatorName, String uid) {
        if (Declared.NAMES.putIfAbsent(constant, new Named(operatorName, uid)) != null) {
            throw new IllegalStateException(constant + " is declared twice");
        }
    }

    /** What a job's {@code Operators} enum implements; see {@link #declare}. */
    interface Declared extends OperatorId {

        /** One entry per enum constant of the jobs on the classpath: small and fixed. */
        Map<Declared, Named> NAMES = new ConcurrentHashMap<>();

        @Override
        default String operatorName() {
            return named().operatorName();
        }

        @Override
        default String uid() {
            return named().uid();
        }

        private Named named() {
            Named named = NAMES.get(this);
            if (named == null) throw new IllegalStateException(this + " was never declared");
            return named;
        }
    }
}
