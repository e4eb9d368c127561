package dev.eventflow.jobs.joins;

import static dev.eventflow.jobs.joins.AdEventBadInputTest.DAY;
import static dev.eventflow.jobs.joins.AdEventBadInputTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.event.JsonFields;
import dev.eventflow.common.event.Parsed;
import dev.eventflow.common.metrics.DeadLetterReasons;
import dev.eventflow.common.testing.Fuzz;
import dev.eventflow.jobs.joins.AdEventBadInputTest.Input;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Property-based, with seeded random inputs ({@link Fuzz}): random bytes (as key and value) and
 * mutated valid impressions, clicks and profiles through the {@code joins} deserialization schemas.
 * Whatever the input, nothing is thrown, and each record is either parsed into a value that
 * satisfies the parser's guarantees (non-empty ids within the length limit, a plausible time, a
 * profile whose key is its user) or a dead letter with a reason in a known metric category and the
 * raw key and value.
 */
class AdEventFuzzTest {

    /** Checks one record; returns whether it was dead-lettered. */
    private static boolean checkInvariants(Input input, byte[] key, byte[] value) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("t", 1, 9L, key, value);
        Parsed<?> p = AdEventBadInputTest.schema(input).parse(record); // must not throw
        if (p.isDeadLetter()) {
            assertThat(p.event).isNull();
            assertThat(p.deadLetter.reason).isNotBlank().hasSizeLessThan(600);
            assertThat(DeadLetterReasons.category(p.deadLetter.reason))
                    .as(p.deadLetter.reason)
                    .isNotEqualTo(DeadLetterReasons.OTHER);
            assertThat(p.deadLetter.key).isEqualTo(key);
            assertThat(p.deadLetter.value).isEqualTo(value);
            assertThat(p.deadLetter.sourceOffset).isEqualTo(9L);
            return true;
        }
        assertThat(p.deadLetter).isNull();
        if (p.event instanceof AdImpression i) {
            ids(i.impressionId(), i.userId(), i.adId());
            assertThat(i.eventTime()).isBetween(0L, NOW + DAY);
        } else if (p.event instanceof AdClick c) {
            ids(c.clickId(), c.impressionId(), c.userId());
            assertThat(c.eventTime()).isBetween(0L, NOW + DAY);
        } else {
            ProfileUpdate u = (ProfileUpdate) p.event;
            if (u.isDelete()) {
                assertThat(value).isNull();
                assertThat(u.userId()).isEqualTo(new String(key, StandardCharsets.UTF_8));
            } else {
                ids(u.userId());
                if (key != null) {
                    assertThat(key).isEqualTo(u.userId().getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return false;
    }

    private static void ids(String... ids) {
        assertThat(List.of(ids))
                .allSatisfy(
                        s ->
                                assertThat(s)
                                        .isNotEmpty()
                                        .hasSizeLessThanOrEqualTo(JsonFields.MAX_TEXT_LENGTH));
    }

    @Test
    void randomBytesNeverThrow() {
        Fuzz.run(
                "ad-event random bytes",
                1000,
                r ->
                        new Case(
                                Fuzz.oneOf(r, Input.values()),
                                Fuzz.bytesOrNull(r, 200),
                                Fuzz.bytesOrNull(r, 200)),
                c -> checkInvariants(c.input, c.key, c.value));
    }

    @Test
    void mutatedValidRecordsNeverThrow() {
        Map<String, Integer> outcomes = new HashMap<>();
        Fuzz.run(
                "ad-event mutations",
                3000,
                AdEventFuzzTest::mutatedRecord,
                c ->
                        outcomes.merge(
                                c.input
                                        + (checkInvariants(c.input, c.key, c.value)
                                                ? " dead letter"
                                                : " parsed"),
                                1,
                                Integer::sum));
        // Not vacuous: both outcomes occur, for every input.
        for (Input i : Input.values()) {
            assertThat(outcomes.getOrDefault(i + " parsed", 0))
                    .as(i + " parsed")
                    .isGreaterThanOrEqualTo(10);
            assertThat(outcomes.getOrDefault(i + " dead letter", 0))
                    .as(i + " dead letter")
                    .isGreaterThanOrEqualTo(100);
        }
    }

    /** One record of an input: key and value. */
    record Case(Input input, byte[] key, byte[] value) {
        @Override
        public String toString() {
            return input
                    + " key="
                    + (key == null ? "null" : new String(key, StandardCharsets.UTF_8))
                    + " value="
                    + (value == null ? "null" : new String(value, StandardCharsets.UTF_8));
        }
    }

    private static Case mutatedRecord(SplittableRandom r) {
        Input input = Fuzz.oneOf(r, Input.values());
        String id = id(r);
        String time = time(r);
        String json =
                switch (input) {
                    case IMPRESSION -> AdEventBadInputTest.impression(id, "u", "a", time);
                    case CLICK -> AdEventBadInputTest.click(id, "i", "u", time);
                    case PROFILE -> AdEventBadInputTest.profile(id, "FR", time.replace("\"", ""));
                };
        byte[] value = Fuzz.mutate(r, json.getBytes(StandardCharsets.UTF_8));
        byte[] key = input == Input.PROFILE ? id.getBytes(StandardCharsets.UTF_8) : null;
        return new Case(input, key, value);
    }

    /** Ids that are fine, empty, too long, or need escaping. */
    private static String id(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> "";
            case 1 -> "x".repeat(JsonFields.MAX_TEXT_LENGTH + 1);
            case 2 -> Fuzz.oneOf(r, "a\\\"b", "\\u00e9", "\\ud800", "\\u0000", "e\\n");
            default -> {
                StringBuilder sb = new StringBuilder();
                int n = 1 + r.nextInt(12);
                for (int i = 0; i < n; i++) sb.append((char) ('a' + r.nextInt(26)));
                yield sb.toString();
            }
        };
    }

    /** Times: plausible, negative, far future, fractional, not a number, strings. */
    private static String time(SplittableRandom r) {
        if (r.nextBoolean()) return Long.toString(-DAY + r.nextLong(NOW + 4 * DAY));
        return Fuzz.oneOf(
                r,
                "1e400",
                "-0",
                "0.5",
                "NaN",
                "\"NaN\"",
                "\"2026-05-31T00:00:00Z\"",
                "\"2026-05-31T00:00:00\"",
                "\"+999999999-12-31T23:59:59Z\"",
                "99999999999999999999",
                "null",
                "{}",
                "[]");
    }
}
