package dev.eventflow.common.event;

/**
 * {@link Parsed} user events under a plain class name, for code that builds the envelopes itself
 * (benchmarks, hand-made test streams): its Flink type is found without help.
 */
public class ParsedRecord extends Parsed<UserEvent> {

    public ParsedRecord() {}

    public static ParsedRecord ofEvent(UserEvent event) {
        ParsedRecord r = new ParsedRecord();
        r.event = event;
        return r;
    }

    public static ParsedRecord ofDeadLetter(DeadLetter deadLetter) {
        ParsedRecord r = new ParsedRecord();
        r.deadLetter = deadLetter;
        return r;
    }
}
