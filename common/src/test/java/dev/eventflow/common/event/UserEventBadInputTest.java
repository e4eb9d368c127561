package dev.eventflow.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed user events, table-driven, through the deserialization schema the Kafka source uses
 * ({@link ParsingDeserializationSchema#userEvents}): each becomes a dead letter with its reason and
 * source coordinates, never an exception. {@link #TABLE} is shared with the end-to-end test of the
 * same records through a job ({@code BadInputITCase} in jobs).
 */
public class UserEventBadInputTest {

    /** Wall clock of the parser under test: 2026-06-01T00:00:00Z; max future skew one day. */
    static final long NOW = 1_780_272_000_000L;

    static final long DAY = 86_400_000L;

    /** One malformed input: a name, the raw value, the reason the dead letter must carry. */
    public record BadInput(String name, byte[] value, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String event(String eventTime, String amount) {
        return "{\"event_id\":\"e-bad\",\"user_id\":\"u\",\"session_id\":\"s\","
                + "\"event_type\":\"purchase\",\"event_time\":"
                + eventTime
                + (amount == null ? "" : ",\"amount\":" + amount)
                + "}";
    }

    /** The table. Reasons are the parser's own words, as they appear in the dlq.reason header. */
    public static List<BadInput> table(long now) {
        List<BadInput> t = new ArrayList<>();
        String ok = event(Long.toString(now - DAY), "1.5");
        t.add(new BadInput("not JSON", utf8("hello world"), "not valid JSON"));
        t.add(new BadInput("a JSON array", utf8("[1,2,3]"), "not a JSON object"));
        t.add(new BadInput("a JSON string", utf8("\"x\""), "not a JSON object"));
        t.add(new BadInput("truncated", utf8(ok.substring(0, ok.length() / 2)), "not valid JSON"));
        t.add(new BadInput("trailing garbage", utf8(ok + "{}"), "trailing content"));
        t.add(new BadInput("empty value", new byte[0], "empty record value"));
        t.add(
                new BadInput(
                        "user_id a number array",
                        utf8(ok.replace("\"user_id\":\"u\"", "\"user_id\":[1]")),
                        "field user_id must be a string"));
        t.add(new BadInput("event_time a boolean", utf8(event("true", null)), "event_time"));
        t.add(
                new BadInput(
                        "amount a string",
                        utf8(event(Long.toString(now - DAY), "\"12\"")),
                        "amount must be a number"));
        t.add(
                new BadInput(
                        "missing user_id",
                        utf8(ok.replace("\"user_id\":\"u\",", "")),
                        "missing field user_id"));
        t.add(
                new BadInput(
                        "empty session_id",
                        utf8(ok.replace("\"session_id\":\"s\"", "\"session_id\":\"\"")),
                        "empty field session_id"));
        t.add(
                new BadInput(
                        "null event_type",
                        utf8(ok.replace("\"event_type\":\"purchase\"", "\"event_type\":null")),
                        "missing field event_type"));
        t.add(
                new BadInput(
                        "missing event_time",
                        utf8(
                                "{\"event_id\":\"e\",\"user_id\":\"u\",\"session_id\":\"s\","
                                        + "\"event_type\":\"view\"}"),
                        "missing field event_time"));
        byte[] invalidUtf8 = utf8(ok.replace("\"u\"", "\"u?\""));
        invalidUtf8[ok.indexOf("\"u\"") + 2] = (byte) 0xC3; // a lead byte without its follower
        t.add(new BadInput("invalid UTF-8", invalidUtf8, "not valid JSON"));
        t.add(
                new BadInput(
                        "duplicate field",
                        utf8(
                                ok.replace(
                                        "\"user_id\":\"u\"",
                                        "\"user_id\":\"u\",\"user_id\":\"v\"")),
                        "Duplicate field 'user_id'"));
        t.add(
                new BadInput(
                        "deeply nested",
                        utf8(
                                "{\"event_id\":\"e\",\"x\":"
                                        + "[".repeat(5_000)
                                        + "]".repeat(5_000)
                                        + "}"),
                        "nesting depth (1001) exceeds the maximum allowed"));
        t.add(new BadInput("negative timestamp", utf8(event("-1", null)), "event_time"));
        t.add(
                new BadInput(
                        "far-future timestamp",
                        utf8(event(Long.toString(now + 365 * DAY), null)),
                        "event_time"));
        t.add(new BadInput("NaN amount", utf8(event(Long.toString(now), "NaN")), "not valid JSON"));
        t.add(
                new BadInput(
                        "infinite amount",
                        utf8(event(Long.toString(now), "1e400")),
                        "amount is not a finite number"));
        t.add(
                new BadInput(
                        "user_id over 1024 characters",
                        utf8(
                                ok.replace(
                                        "\"user_id\":\"u\"",
                                        "\"user_id\":\"" + "u".repeat(1025) + "\"")),
                        "field user_id is too long"));
        t.add(
                new BadInput(
                        "fractional timestamp",
                        utf8(event(Long.toString(now - DAY) + ".5", null)),
                        "whole epoch milliseconds"));
        t.add(
                new BadInput(
                        "huge truncated value",
                        utf8("{\"pad\":\"" + "x".repeat(512 * 1024)),
                        "not valid JSON"));
        return t;
    }

    static Stream<Arguments> cases() {
        return table(NOW).stream().map(Arguments::of);
    }

    private static final ParsingDeserializationSchema<UserEvent> SCHEMA =
            ParsingDeserializationSchema.userEvents(new UserEventParser(DAY, () -> NOW));

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachBecomesADeadLetterWithItsReasonAndCoordinates(BadInput bad) {
        ConsumerRecord<byte[], byte[]> record =
                new ConsumerRecord<>("user-events", 2, 17L, utf8("k"), bad.value());
        Parsed<UserEvent> parsed = SCHEMA.parse(record);
        assertThat(parsed.isDeadLetter()).as("dead-lettered").isTrue();
        assertThat(parsed.deadLetter.reason).contains(bad.reason());
        assertThat(parsed.deadLetter.sourceTopic).isEqualTo("user-events");
        assertThat(parsed.deadLetter.sourcePartition).isEqualTo(2);
        assertThat(parsed.deadLetter.sourceOffset).isEqualTo(17L);
        assertThat(parsed.deadLetter.value).isEqualTo(bad.value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aValidEventNextToItIsStillParsed(BadInput bad) {
        byte[] good = utf8(event("\"2026-05-31T00:00:00Z\"", "2"));
        SCHEMA.parse(new ConsumerRecord<>("user-events", 0, 1L, null, bad.value()));
        Parsed<UserEvent> parsed =
                SCHEMA.parse(new ConsumerRecord<>("user-events", 0, 2L, null, good));
        assertThat(parsed.isDeadLetter()).isFalse();
        assertThat(parsed.event.amount).isEqualTo(2.0);
    }
}
