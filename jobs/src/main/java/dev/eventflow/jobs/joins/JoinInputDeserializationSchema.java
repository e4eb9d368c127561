package dev.eventflow.jobs.joins;

import dev.eventflow.common.event.DeadLetter;
import dev.eventflow.common.event.MalformedEventException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every record of one {@code joins} input topic into a {@link ParsedJoinRecord}: the parsed
 * impression, click or profile update, or a {@link DeadLetter} with the raw bytes, the reason and
 * the source coordinates. Never throws on bad input: one malformed record must not fail (and
 * endlessly restart) the job.
 */
public final class JoinInputDeserializationSchema
        implements KafkaRecordDeserializationSchema<ParsedJoinRecord> {
    private static final long serialVersionUID = 1L;

    /** Which input a topic carries. */
    public enum Kind {
        IMPRESSIONS,
        CLICKS,
        PROFILES
    }

    private final Kind kind;
    private final AdEventParser parser;

    public JoinInputDeserializationSchema(Kind kind, AdEventParser parser) {
        this.kind = kind;
        this.parser = parser;
    }

    @Override
    public void deserialize(
            ConsumerRecord<byte[], byte[]> record, Collector<ParsedJoinRecord> out) {
        out.collect(parse(record));
    }

    ParsedJoinRecord parse(ConsumerRecord<byte[], byte[]> record) {
        try {
            switch (kind) {
                case IMPRESSIONS:
                    return ParsedJoinRecord.of(parser.parseImpression(record.value()));
                case CLICKS:
                    return ParsedJoinRecord.of(parser.parseClick(record.value()));
                default:
                    return ParsedJoinRecord.of(parser.parseProfile(record.key(), record.value()));
            }
        } catch (MalformedEventException e) {
            return ParsedJoinRecord.of(
                    new DeadLetter(
                            e.getMessage(),
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            record.timestamp(),
                            record.key(),
                            record.value()));
        }
    }

    @Override
    public TypeInformation<ParsedJoinRecord> getProducedType() {
        return TypeInformation.of(ParsedJoinRecord.class);
    }
}
