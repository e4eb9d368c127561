package dev.eventflow.common.kafka;

/**
 * A start-up check failed: Kafka unreachable, a topic missing, a transaction timeout the broker
 * would reject. Raised before the job is submitted, with a message that says what to change.
 */
public class StartupCheckException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartupCheckException(String message) {
        super(message);
    }

    public StartupCheckException(String message, Throwable cause) {
        super(message, cause);
    }
}
