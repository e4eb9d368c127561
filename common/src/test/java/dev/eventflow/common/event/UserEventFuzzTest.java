package dev.eventflow.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Property-based: random bytes and mutated valid events through the user-event deserialization
 * schema. Whatever the input, nothing is thrown, and each record is either a parsed event that
 * satisfies the parser's guarantees or a dead letter with a reason and the raw value.
 */
class UserEventFuzzTest {

    private static final long NOW = UserEventBadInputTest.NOW;
    private static final long DAY = UserEventBadInputTest.DAY;

    private static final ParsingDeserializationSchema<UserEvent> SCHEMA =
            ParsingDeserializationSchema.userEvents(new UserEventParser(DAY, () -> NOW));

    private static void checkInvariants(byte[] value) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("t", 0, 5L, null, value);
        Parsed<UserEvent> p = SCHEMA.parse(record); // must not throw
        if (p.isDeadLetter()) {
            assertThat(p.event).isNull();
            assertThat(p.deadLetter.reason).isNotBlank();
            assertThat(p.deadLetter.value).isEqualTo(value);
            assertThat(p.deadLetter.sourceOffset).isEqualTo(5L);
        } else {
            UserEvent e = p.event;
            assertThat(p.deadLetter).isNull();
            assertThat(List.of(e.eventId, e.userId, e.sessionId, e.eventType))
                    .allSatisfy(s -> assertThat(s).isNotEmpty());
            assertThat(e.eventTime).isBetween(0L, NOW + DAY);
            if (e.amount != null) assertThat(Double.isFinite(e.amount)).isTrue();
        }
    }

    @Property(tries = 2000)
    void randomBytesNeverThrow(@ForAll byte[] value) {
        checkInvariants(value);
    }

    @Property(tries = 2000)
    void mutatedValidEventsNeverThrow(@ForAll("mutatedEvents") byte[] value) {
        checkInvariants(value);
    }

    @Provide
    Arbitrary<byte[]> mutatedEvents() {
        Arbitrary<String> valid =
                Combinators.combine(
                                Arbitraries.strings().ofMinLength(0).ofMaxLength(8),
                                Arbitraries.longs().between(-DAY, NOW + 3 * DAY),
                                Arbitraries.doubles().between(-1e6, 1e6).injectNull(0.2),
                                Arbitraries.of("view", "click", "purchase", ""))
                        .as(
                                (user, time, amount, type) ->
                                        "{\"event_id\":\"e-1\",\"user_id\":"
                                                + quote(user)
                                                + ",\"session_id\":\"s\",\"event_type\":"
                                                + quote(type)
                                                + ",\"event_time\":"
                                                + time
                                                + (amount == null ? "" : ",\"amount\":" + amount)
                                                + "}");
        return Combinators.combine(
                        valid,
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.integers().between(0, 10_000),
                        Arbitraries.bytes())
                .as(
                        (json, how, where, b) -> {
                            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                            int i = where % bytes.length;
                            switch (how) {
                                case 0: // flip one byte
                                    bytes[i] = b;
                                    return bytes;
                                case 1: // truncate
                                    return java.util.Arrays.copyOf(bytes, i);
                                case 2: // drop one byte
                                    byte[] dropped = new byte[bytes.length - 1];
                                    System.arraycopy(bytes, 0, dropped, 0, i);
                                    System.arraycopy(
                                            bytes, i + 1, dropped, i, bytes.length - i - 1);
                                    return dropped;
                                case 3: // insert one byte
                                    byte[] grown = new byte[bytes.length + 1];
                                    System.arraycopy(bytes, 0, grown, 0, i);
                                    grown[i] = b;
                                    System.arraycopy(bytes, i, grown, i + 1, bytes.length - i);
                                    return grown;
                                default: // unchanged: valid, or refused by a field rule
                                    return bytes;
                            }
                        });
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }
}
