package dev.eventflow.common.event;

/**
 * What the Kafka source emits for every input record: exactly one of {@link #event} or {@link
 * #deadLetter} is set. Parsing happens inside the source so that the watermark is generated per
 * Kafka partition from the parsed event time; dead letters carry no event time and never move it. A
 * Flink POJO.
 */
public class ParsedRecord {

    public UserEvent event;
    public DeadLetter deadLetter;

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

    public boolean isEvent() {
        return event != null;
    }

    @Override
    public String toString() {
        return isEvent() ? event.toString() : String.valueOf(deadLetter);
    }
}
