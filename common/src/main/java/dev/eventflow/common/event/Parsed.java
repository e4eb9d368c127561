package dev.eventflow.common.event;

import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * What a parsing Kafka source emits for every record: exactly one of {@link #event} (the parsed
 * record: a user event, an ad impression, a fast-path row, ...) or {@link #deadLetter} is set.
 * Parsing happens inside the source so that the watermark is generated per Kafka partition from the
 * parsed event time; dead letters carry no event time and never move it. {@link DeadLetterSplitter}
 * then sends the dead letters to the DLQ. A Flink POJO; {@link #typeInfo} gives its type for a
 * given record type.
 *
 * @param <T> the parsed record's type
 */
public class Parsed<T> {

    public T event;
    public DeadLetter deadLetter;

    public Parsed() {}

    public static <T> Parsed<T> of(T event) {
        Parsed<T> p = new Parsed<>();
        p.event = event;
        return p;
    }

    public static <T> Parsed<T> ofDeadLetter(DeadLetter deadLetter) {
        Parsed<T> p = new Parsed<>();
        p.deadLetter = deadLetter;
        return p;
    }

    public boolean isDeadLetter() {
        return deadLetter != null;
    }

    /** The POJO type of {@code Parsed<T>} (Flink cannot see {@code T} through erasure). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <T> TypeInformation<Parsed<T>> typeInfo(TypeInformation<T> eventType) {
        return (TypeInformation)
                Types.POJO(
                        Parsed.class,
                        Map.of(
                                "event",
                                eventType,
                                "deadLetter",
                                TypeInformation.of(DeadLetter.class)));
    }

    @Override
    public String toString() {
        return isDeadLetter() ? String.valueOf(deadLetter) : String.valueOf(event);
    }
}
