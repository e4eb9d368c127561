package dev.eventflow.common.event;

/**
 * The {@link DeadLetterSplitter} of {@link ParsedRecord}s, under a plain class name so that its
 * output type ({@link UserEvent}) is found without help.
 */
public final class DeadLetterRouter extends DeadLetterSplitter<ParsedRecord, UserEvent> {
    private static final long serialVersionUID = 1L;
}
