package dev.eventflow.common.event;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every Kafka record into a {@link ParsedRecord}: a {@link UserEvent}, or a {@link
 * DeadLetter} carrying the raw bytes, the reason and the source coordinates. Never throws on bad
 * input: one malformed record must not fail (and endlessly restart) the job.
 */
public final class UserEventDeserializationSchema
        implements KafkaRecordDeserializationSchema<ParsedRecord> {
    private static final long serialVersionUID = 1L;

    private final UserEventParser parser;

    public UserEventDeserializationSchema(UserEventParser parser) {
        this.parser = parser;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) {
        try {
            out.collect(ParsedRecord.ofEvent(parser.parse(record.value())));
        } catch (MalformedEventException e) {
            out.collect(
                    ParsedRecord.ofDeadLetter(
                            new DeadLetter(
                                    e.getMessage(),
                                    record.topic(),
                                    record.partition(),
                                    record.offset(),
                                    record.timestamp(),
                                    record.key(),
                                    record.value())));
        }
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }
}
