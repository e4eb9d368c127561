package dev.eventflow.common.config;

/** A command-line option that is unknown, missing, or has a bad value. The message names it. */
public class InvalidOptionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidOptionException(String message) {
        super(message);
    }
}
