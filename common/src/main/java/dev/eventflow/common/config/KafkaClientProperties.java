package dev.eventflow.common.config;

import java.util.Map;

/**
 * The rules for Kafka client properties given by the user ({@code --kafka.<property>}): the
 * properties that carry one of the suite's guarantees are refused, with the dedicated option (if
 * any) named, so that a pass-through can never silently undo read_committed input, idempotent
 * transactional output or the validated transaction timeout.
 */
public final class KafkaClientProperties {

    private KafkaClientProperties() {}

    /**
     * Guarded property -> why it is refused and what to use instead. The message completes "{@code
     * <where> is refused: }".
     */
    static final Map<String, String> GUARDED =
            Map.of(
                    "isolation.level",
                    "every input is read with isolation.level=read_committed, so aborted output of"
                            + " upstream transactional writers is never processed; no option"
                            + " weakens it",
                    "enable.idempotence",
                    "producers are always idempotent; the delivery guarantee is chosen with"
                            + " --delivery exactly-once|at-least-once",
                    "acks",
                    "producers always write with acks=all (needed by idempotence); the delivery"
                            + " guarantee is chosen with --delivery exactly-once|at-least-once",
                    "transaction.timeout.ms",
                    "use --transaction-timeout (it is checked against --checkpoint-interval)",
                    "transactional.id",
                    "use --transactional-id-prefix (every sink adds its own suffix)",
                    "transactional.id.prefix",
                    "use --transactional-id-prefix (every sink adds its own suffix)",
                    "bootstrap.servers",
                    "use --bootstrap-servers",
                    "group.id",
                    "use --group-id");

    /** Whether {@code key} carries a guarantee and is set only by the suite or its own option. */
    public static boolean isGuarded(String key) {
        return GUARDED.containsKey(normalize(key));
    }

    /**
     * @param where how the user gave it, e.g. {@code --kafka.isolation.level}
     * @throws InvalidOptionException when {@code key} is guarded, naming {@code where} and the
     *     dedicated option
     */
    public static void refuseGuarded(String where, String key) {
        String reason = GUARDED.get(normalize(key));
        if (reason != null) {
            throw new InvalidOptionException(where + " is refused: " + reason);
        }
    }

    private static String normalize(String key) {
        return key.trim().toLowerCase(java.util.Locale.ROOT);
    }
}
