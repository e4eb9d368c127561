package dev.eventflow.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The one parse-or-dead-letter path of every input: {@link ParsingDeserializationSchema} turns a
 * record into a parsed value or a dead letter with its reason and coordinates, {@link
 * DeadLetterSplitter} sends the dead letters to its side output and counts them.
 */
class ParseOrDeadLetterTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a positive number; anything else is malformed. */
    private static final ParsingDeserializationSchema<Long> NUMBERS =
            new ParsingDeserializationSchema<>(
                    r -> {
                        String s = new String(r.value(), StandardCharsets.UTF_8);
                        if (!s.matches("[0-9]+")) {
                            throw new MalformedEventException("not a number: " + s);
                        }
                        return Long.parseLong(s);
                    },
                    Types.LONG);

    @Test
    void aGoodRecordIsParsedAndABadOneBecomesADeadLetterWithReasonAndCoordinates() {
        Parsed<Long> good = NUMBERS.parse(new ConsumerRecord<>("t", 1, 7L, b("k"), b("42")));
        assertThat(good.isDeadLetter()).isFalse();
        assertThat(good.event).isEqualTo(42L);

        Parsed<Long> bad = NUMBERS.parse(new ConsumerRecord<>("t", 2, 41L, b("k"), b("x1")));
        assertThat(bad.isDeadLetter()).isTrue();
        assertThat(bad.event).isNull();
        assertThat(bad.deadLetter.reason).isEqualTo("not a number: x1");
        assertThat(bad.deadLetter.sourceTopic).isEqualTo("t");
        assertThat(bad.deadLetter.sourcePartition).isEqualTo(2);
        assertThat(bad.deadLetter.sourceOffset).isEqualTo(41L);
        assertThat(bad.deadLetter.key).isEqualTo(b("k"));
        assertThat(bad.deadLetter.value).isEqualTo(b("x1"));
    }

    @Test
    void theEnvelopeIsAPojoOfTheParsedType() {
        TypeInformation<Parsed<Long>> type = NUMBERS.getProducedType();
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<Parsed<Long>> pojo = (PojoTypeInfo<Parsed<Long>>) type;
        assertThat(pojo.getTypeAt("event")).isEqualTo(Types.LONG);
        assertThat(pojo.getTypeAt("deadLetter")).isEqualTo(TypeInformation.of(DeadLetter.class));
        assertThat(TypeInformation.of(ParsedRecord.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void theSplitterPassesParsedRecordsAndSendsCountedDeadLettersToItsSideOutput()
            throws Exception {
        DeadLetterSplitter<Parsed<Long>, Long> splitter = DeadLetterSplitter.create();
        try (OneInputStreamOperatorTestHarness<Parsed<Long>, Long> h =
                ProcessFunctionTestHarnesses.forProcessFunction(splitter)) {
            h.processElement(NUMBERS.parse(new ConsumerRecord<>("t", 0, 0L, null, b("1"))), 0);
            h.processElement(NUMBERS.parse(new ConsumerRecord<>("t", 0, 1L, null, b("no"))), 0);
            h.processElement(NUMBERS.parse(new ConsumerRecord<>("t", 0, 2L, null, b("3"))), 0);
            h.processElement(NUMBERS.parse(new ConsumerRecord<>("t", 0, 3L, null, b(""))), 0);

            assertThat(h.extractOutputValues()).containsExactly(1L, 3L);
            List<DeadLetter> dead =
                    h.getSideOutput(DeadLetterSplitter.DEAD_LETTERS).stream()
                            .map(StreamRecord::getValue)
                            .collect(Collectors.toList());
            assertThat(dead)
                    .extracting(d -> d.reason, d -> d.sourceOffset)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("not a number: no", 1L),
                            org.assertj.core.groups.Tuple.tuple("not a number: ", 3L));
            assertThat(splitter.deadLetterCount()).isEqualTo(2);
        }
    }

    @Test
    void userEventsGoThroughTheSamePath() throws Exception {
        ParsingDeserializationSchema<UserEvent> schema =
                ParsingDeserializationSchema.userEvents(new UserEventParser(Long.MAX_VALUE / 4));
        Parsed<UserEvent> bad =
                schema.parse(new ConsumerRecord<>("user-events", 0, 5L, null, b("{}")));
        assertThat(bad.isDeadLetter()).isTrue();
        assertThat(bad.deadLetter.reason).isNotBlank();

        DeadLetterRouter router = new DeadLetterRouter();
        try (OneInputStreamOperatorTestHarness<ParsedRecord, UserEvent> h =
                ProcessFunctionTestHarnesses.forProcessFunction(router)) {
            h.processElement(ParsedRecord.ofDeadLetter(bad.deadLetter), 0);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.getSideOutput(DeadLetterSplitter.DEAD_LETTERS)).hasSize(1);
            assertThat(router.deadLetterCount()).isEqualTo(1);
        }
    }
}
