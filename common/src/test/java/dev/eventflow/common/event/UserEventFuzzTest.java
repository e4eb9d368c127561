package dev.eventflow.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.testing.Fuzz;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Property-based, with seeded random inputs ({@link Fuzz}): random bytes and mutated valid events
 * through the user-event deserialization schema. Whatever the input, nothing is thrown, and each
 * record is either a parsed event that satisfies the parser's guarantees or a dead letter with a
 * reason and the raw value.
 */
class UserEventFuzzTest {

    private static final long NOW = UserEventBadInputTest.NOW;
    private static final long DAY = UserEventBadInputTest.DAY;

    private static final ParsingDeserializationSchema<UserEvent> SCHEMA =
            ParsingDeserializationSchema.userEvents(new UserEventParser(DAY, () -> NOW));

    /** Checks one record; returns whether it was dead-lettered. */
    private static boolean checkInvariants(byte[] value) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("t", 0, 5L, null, value);
        Parsed<UserEvent> p = SCHEMA.parse(record); // must not throw
        if (p.isDeadLetter()) {
            assertThat(p.event).isNull();
            assertThat(p.deadLetter.reason).isNotBlank();
            assertThat(p.deadLetter.value).isEqualTo(value);
            assertThat(p.deadLetter.sourceOffset).isEqualTo(5L);
            return true;
        }
        UserEvent e = p.event;
        assertThat(p.deadLetter).isNull();
        assertThat(List.of(e.eventId, e.userId, e.sessionId, e.eventType))
                .allSatisfy(s -> assertThat(s).isNotEmpty());
        assertThat(e.eventTime).isBetween(0L, NOW + DAY);
        if (e.amount != null) assertThat(Double.isFinite(e.amount)).isTrue();
        return false;
    }

    @Test
    void randomBytesNeverThrow() {
        Fuzz.run("user-event random bytes", 2000, r -> Fuzz.bytes(r, 200), v -> checkInvariants(v));
    }

    @Test
    void mutatedValidEventsNeverThrow() {
        AtomicInteger dead = new AtomicInteger();
        AtomicInteger parsed = new AtomicInteger();
        Fuzz.run(
                "user-event mutations",
                2000,
                r -> Fuzz.mutate(r, validEvent(r).getBytes(StandardCharsets.UTF_8)),
                v -> (checkInvariants(v) ? dead : parsed).incrementAndGet());
        // Not vacuous: both outcomes occur.
        assertThat(parsed).hasValueGreaterThan(100);
        assertThat(dead).hasValueGreaterThan(500);
    }

    /** A well-formed event whose fields may still break a rule (empty type, time out of range). */
    private static String validEvent(SplittableRandom r) {
        long time = -DAY + r.nextLong(NOW + 4 * DAY);
        Double amount = r.nextInt(5) == 0 ? null : (r.nextDouble() - 0.5) * 2e6;
        return "{\"event_id\":\"e-1\",\"user_id\":"
                + Fuzz.quote(Fuzz.text(r, 8))
                + ",\"session_id\":\"s\",\"event_type\":"
                + Fuzz.quote(Fuzz.oneOf(r, "view", "click", "purchase", ""))
                + ",\"event_time\":"
                + time
                + (amount == null ? "" : ",\"amount\":" + amount)
                + "}";
    }
}
