package dev.eventflow.common.event;

import java.io.Serializable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every Kafka record into a {@link Parsed}: the record its {@link RecordParser} makes of it,
 * or a {@link DeadLetter} carrying the raw bytes, the reason and the source coordinates. Never
 * throws on bad input: one malformed record must not fail (and endlessly restart) the job.
 *
 * @param <T> the parsed record
 */
public final class ParsingDeserializationSchema<T>
        implements KafkaRecordDeserializationSchema<Parsed<T>> {
    private static final long serialVersionUID = 1L;

    /** Parses one Kafka record; {@link MalformedEventException} says why it cannot be parsed. */
    @FunctionalInterface
    public interface RecordParser<T> extends Serializable {
        T parse(ConsumerRecord<byte[], byte[]> record) throws MalformedEventException;
    }

    private final RecordParser<T> parser;
    private final TypeInformation<T> eventType;

    public ParsingDeserializationSchema(RecordParser<T> parser, TypeInformation<T> eventType) {
        this.parser = parser;
        this.eventType = eventType;
    }

    /** User events from the record value. */
    public static ParsingDeserializationSchema<UserEvent> userEvents(UserEventParser parser) {
        return new ParsingDeserializationSchema<>(
                r -> parser.parse(r.value()), TypeInformation.of(UserEvent.class));
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Parsed<T>> out) {
        out.collect(parse(record));
    }

    /** The envelope of one record. */
    public Parsed<T> parse(ConsumerRecord<byte[], byte[]> record) {
        try {
            return Parsed.of(parser.parse(record));
        } catch (MalformedEventException e) {
            return Parsed.ofDeadLetter(DeadLetter.of(record, e.getMessage()));
        }
    }

    @Override
    public TypeInformation<Parsed<T>> getProducedType() {
        return Parsed.typeInfo(eventType);
    }
}
