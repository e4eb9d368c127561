package dev.eventflow.jobs.joins;

import static dev.eventflow.jobs.joins.AdEventBadInputTest.DAY;
import static dev.eventflow.jobs.joins.AdEventBadInputTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.event.JsonFields;
import dev.eventflow.common.event.Parsed;
import dev.eventflow.common.metrics.DeadLetterReasons;
import dev.eventflow.jobs.joins.AdEventBadInputTest.Input;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Property-based: random bytes (as key and value) and mutated valid impressions, clicks and
 * profiles through the {@code joins} deserialization schemas. Whatever the input, nothing is
 * thrown, and each record is either parsed into a value that satisfies the parser's guarantees
 * (non-empty ids within the length limit, a plausible time, a profile whose key is its user) or a
 * dead letter with a reason in a known metric category and the raw key and value.
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

    @Property(tries = 1000)
    void randomBytesNeverThrow(
            @ForAll Input input,
            @ForAll("maybeNull") byte[] key,
            @ForAll("maybeNull") byte[] value) {
        checkInvariants(input, key, value);
    }

    @Property(tries = 3000)
    void mutatedValidRecordsNeverThrow(
            @ForAll Input input,
            @ForAll("mutations") Mutation mutation,
            @ForAll("ids") String id,
            @ForAll("times") String time) {
        String json =
                switch (input) {
                    case IMPRESSION -> AdEventBadInputTest.impression(id, "u", "a", time);
                    case CLICK -> AdEventBadInputTest.click(id, "i", "u", time);
                    case PROFILE -> AdEventBadInputTest.profile(id, "FR", time.replace("\"", ""));
                };
        byte[] value = mutation.apply(json.getBytes(StandardCharsets.UTF_8));
        byte[] key = input == Input.PROFILE ? id.getBytes(StandardCharsets.UTF_8) : null;
        boolean dead = checkInvariants(input, key, value);
        // Not vacuous: both outcomes occur, for every input.
        Statistics.collect(input, dead ? "dead letter" : "parsed");
        Statistics.coverage(
                c -> {
                    for (Input i : Input.values()) {
                        c.check(i, "parsed").count(n -> n >= 10);
                        c.check(i, "dead letter").count(n -> n >= 100);
                    }
                });
    }

    @Provide
    Arbitrary<byte[]> maybeNull() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(200).injectNull(0.1);
    }

    /** Ids that are fine, empty, too long, or need escaping. */
    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12)),
                Tuple.of(1, Arbitraries.just("")),
                Tuple.of(
                        1,
                        Arbitraries.strings()
                                .withChars('x')
                                .ofLength(JsonFields.MAX_TEXT_LENGTH + 1)),
                Tuple.of(1, Arbitraries.of("a\\\"b", "\\u00e9", "\\ud800", "\\u0000", "e\\n")));
    }

    /** Times: plausible, negative, far future, fractional, not a number, strings. */
    @Provide
    Arbitrary<String> times() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(-DAY, NOW + 3 * DAY).map(t -> Long.toString(t)),
                Arbitraries.of(
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
                        "[]"));
    }

    /** One byte flipped, dropped or inserted, a truncation, or nothing. */
    record Mutation(int how, int where, byte b) {
        byte[] apply(byte[] bytes) {
            int i = where % bytes.length;
            switch (how) {
                case 0:
                    bytes[i] = b;
                    return bytes;
                case 1:
                    return Arrays.copyOf(bytes, i);
                case 2:
                    byte[] dropped = new byte[bytes.length - 1];
                    System.arraycopy(bytes, 0, dropped, 0, i);
                    System.arraycopy(bytes, i + 1, dropped, i, bytes.length - i - 1);
                    return dropped;
                case 3:
                    byte[] grown = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, grown, 0, i);
                    grown[i] = b;
                    System.arraycopy(bytes, i, grown, i + 1, bytes.length - i);
                    return grown;
                default:
                    return bytes;
            }
        }
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.integers().between(0, 100_000),
                        Arbitraries.bytes())
                .as(Mutation::new);
    }
}
