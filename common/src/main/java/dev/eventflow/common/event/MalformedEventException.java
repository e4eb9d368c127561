package dev.eventflow.common.event;

/**
 * Why a record is not a valid user event. Thrown on the per-record path, so it carries no stack
 * trace (the reason is the whole story, and filling stack traces would dominate parsing cost when a
 * producer sends garbage).
 */
public final class MalformedEventException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedEventException(String reason) {
        super(reason, null, false, false);
    }
}
