package dev.eventflow.jobs.joins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.event.JsonFields;
import dev.eventflow.common.event.Parsed;
import dev.eventflow.common.event.ParsingDeserializationSchema;
import dev.eventflow.common.metrics.DeadLetterReasons;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed records of the three {@code joins} inputs (ad impressions, ad clicks, profiles),
 * table-driven, through the deserialization schemas the Kafka sources use: each becomes a dead
 * letter with its reason, the reason's metric category and the source coordinates, never an
 * exception, and a valid record next to it is still parsed. A second table holds records that look
 * odd but are valid (far-past times, huge unknown fields, empty or huge keys where the key is not
 * used): each is parsed. {@link #table} and {@link #oddButValid} are shared with {@code
 * JoinsBadInputITCase}, which sends them through the running job.
 */
public class AdEventBadInputTest {

    /** Wall clock of the parser under test: 2026-06-01T00:00:00Z; max future skew one day. */
    static final long NOW = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();

    public static final long DAY = 86_400_000L;

    /** The three inputs of {@code joins}. */
    public enum Input {
        IMPRESSION,
        CLICK,
        PROFILE
    }

    /**
     * One malformed record: the input it is sent to, a name, the raw key and value, a fragment of
     * the reason the dead letter must carry and the reason's metric category.
     */
    public record BadRecord(
            Input input, String name, byte[] key, byte[] value, String reason, String category) {
        @Override
        public String toString() {
            return input + ": " + name;
        }
    }

    /** A record that must be parsed, however odd it looks. */
    public record OddRecord(Input input, String name, byte[] key, byte[] value) {
        @Override
        public String toString() {
            return input + ": " + name;
        }
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** A valid impression with the given fields. */
    public static String impression(String id, String user, String ad, String eventTime) {
        return "{\"impression_id\":\""
                + id
                + "\",\"user_id\":\""
                + user
                + "\",\"ad_id\":\""
                + ad
                + "\",\"event_time\":"
                + eventTime
                + "}";
    }

    /** A valid click with the given fields. */
    public static String click(String id, String impressionId, String user, String eventTime) {
        return "{\"click_id\":\""
                + id
                + "\",\"impression_id\":\""
                + impressionId
                + "\",\"user_id\":\""
                + user
                + "\",\"event_time\":"
                + eventTime
                + "}";
    }

    /** A valid profile value. */
    public static String profile(String user, String country, String segment) {
        return "{\"user_id\":\""
                + user
                + "\",\"country\":\""
                + country
                + "\",\"segment\":\""
                + segment
                + "\"}";
    }

    /** Replaces the value of {@code field} (a string field of {@code json}) with raw JSON. */
    private static String set(String json, String field, String rawValue) {
        int start = json.indexOf("\"" + field + "\":");
        if (start < 0) throw new IllegalArgumentException(field + " not in " + json);
        int valueStart = start + field.length() + 3;
        int valueEnd = json.indexOf(json.charAt(valueStart) == '"' ? '"' : ',', valueStart + 1);
        if (json.charAt(valueStart) == '"') valueEnd++;
        if (valueEnd <= 0) valueEnd = json.indexOf('}', valueStart);
        return json.substring(0, valueStart) + rawValue + json.substring(valueEnd);
    }

    /** Removes {@code field} and its (string or number) value from {@code json}. */
    private static String without(String json, String field) {
        String raw = set(json, field, "\u0000");
        return raw.replace(",\"" + field + "\":\u0000", "")
                .replace("\"" + field + "\":\u0000,", "");
    }

    /**
     * The malformed records of one input whose valid form is {@code ok} (with key {@code key}),
     * required text fields {@code fields}, and an event time if {@code timed}.
     */
    private static List<BadRecord> cases(
            Input in, byte[] key, String ok, List<String> fields, boolean timed, long now) {
        List<BadRecord> t = new ArrayList<>();
        String notJson = DeadLetterReasons.NOT_JSON;
        t.add(new BadRecord(in, "not JSON", key, utf8("hello world"), "not valid JSON", notJson));
        t.add(
                new BadRecord(
                        in, "a JSON array", key, utf8("[1,2,3]"), "not a JSON object", notJson));
        t.add(new BadRecord(in, "a JSON string", key, utf8("\"x\""), "not a JSON object", notJson));
        t.add(new BadRecord(in, "a JSON number", key, utf8("42"), "not a JSON object", notJson));
        t.add(
                new BadRecord(
                        in,
                        "truncated",
                        key,
                        utf8(ok.substring(0, ok.length() / 2)),
                        "not valid JSON",
                        notJson));
        t.add(
                new BadRecord(
                        in, "trailing garbage", key, utf8(ok + "{}"), "trailing content", notJson));
        t.add(
                new BadRecord(
                        in,
                        "empty value",
                        key,
                        new byte[0],
                        "empty record value",
                        DeadLetterReasons.EMPTY));
        byte[] invalidUtf8 = utf8(ok);
        int at = ok.indexOf("\":\"") + 3; // the first character of the first string value
        invalidUtf8[at] = (byte) 0xC3; // a lead byte without its follower
        t.add(new BadRecord(in, "invalid UTF-8", key, invalidUtf8, "not valid JSON", notJson));
        byte[] overlong = utf8(ok);
        overlong[at] = (byte) 0xFF; // never valid in UTF-8
        t.add(new BadRecord(in, "a 0xFF byte", key, overlong, "not valid JSON", notJson));
        t.add(
                new BadRecord(
                        in,
                        "duplicate field",
                        key,
                        utf8(ok.replace("{", "{\"user_id\":\"other\",")),
                        "Duplicate field 'user_id'",
                        notJson));
        t.add(
                new BadRecord(
                        in,
                        "deeply nested",
                        key,
                        utf8("{\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}"),
                        "nesting depth (1001) exceeds the maximum allowed",
                        notJson));
        t.add(
                new BadRecord(
                        in,
                        "a 2000-digit number",
                        key,
                        utf8("{\"x\":" + "9".repeat(2_000) + "}"),
                        "Number value length (2000) exceeds",
                        notJson));
        for (String f : fields) {
            t.add(
                    new BadRecord(
                            in,
                            f + " an object",
                            key,
                            utf8(set(ok, f, "{\"a\":1}")),
                            "field " + f + " must be a string, got an object",
                            DeadLetterReasons.WRONG_TYPE));
            t.add(
                    new BadRecord(
                            in,
                            f + " a boolean",
                            key,
                            utf8(set(ok, f, "true")),
                            "field " + f + " must be a string, got a boolean",
                            DeadLetterReasons.WRONG_TYPE));
            t.add(
                    new BadRecord(
                            in,
                            f + " a float",
                            key,
                            utf8(set(ok, f, "1.5")),
                            "field " + f + " must be a string, got a number",
                            DeadLetterReasons.WRONG_TYPE));
            t.add(
                    new BadRecord(
                            in,
                            "missing " + f,
                            key,
                            utf8(without(ok, f)),
                            "missing field " + f,
                            DeadLetterReasons.MISSING_FIELD));
            t.add(
                    new BadRecord(
                            in,
                            "null " + f,
                            key,
                            utf8(set(ok, f, "null")),
                            "missing field " + f,
                            DeadLetterReasons.MISSING_FIELD));
            t.add(
                    new BadRecord(
                            in,
                            "empty " + f,
                            key,
                            utf8(set(ok, f, "\"\"")),
                            "empty field " + f,
                            DeadLetterReasons.EMPTY_FIELD));
            t.add(
                    new BadRecord(
                            in,
                            f + " over " + JsonFields.MAX_TEXT_LENGTH + " characters",
                            key,
                            utf8(
                                    set(
                                            ok,
                                            f,
                                            "\""
                                                    + "x".repeat(JsonFields.MAX_TEXT_LENGTH + 1)
                                                    + "\"")),
                            "field " + f + " is too long: 1025 characters, at most 1024",
                            DeadLetterReasons.TOO_LONG));
        }
        if (!timed) return t;
        String bad = DeadLetterReasons.BAD_EVENT_TIME;
        String[][] times = {
            {"event_time a boolean", "true", "got a boolean", bad},
            {"event_time an object", "{\"ms\":1}", "got an object", bad},
            {"event_time an array", "[1]", "got an array", bad},
            {"event_time not a time", "\"yesterday\"", "neither ISO-8601", bad},
            {"event_time without a zone", "\"2026-05-01T10:00:00\"", "neither ISO-8601", bad},
            {"event_time negative", "-1", "event_time is negative: -1", bad},
            {"event_time negative ISO", "\"1969-12-31T23:59:59Z\"", "event_time is negative", bad},
            {"event_time far past, negative", "-62135596800000", "event_time is negative", bad},
            {
                "event_time far future",
                Long.toString(now + 365 * DAY),
                "ahead of the wall clock",
                DeadLetterReasons.FUTURE_EVENT_TIME
            },
            {
                "event_time Long.MAX_VALUE",
                Long.toString(Long.MAX_VALUE),
                "ahead of the wall clock",
                DeadLetterReasons.FUTURE_EVENT_TIME
            },
            {
                "event_time year 999999999",
                "\"+999999999-12-31T23:59:59Z\"",
                "neither ISO-8601",
                bad
            },
            {"event_time beyond a long", "99999999999999999999", "event_time out of range", bad},
            {"event_time NaN", "NaN", "not valid JSON", notJson},
            {"event_time \"NaN\"", "\"NaN\"", "neither ISO-8601", bad},
            {"event_time Infinity", "Infinity", "not valid JSON", notJson},
            {"event_time -Infinity", "-Infinity", "not valid JSON", notJson},
            {"event_time 1e400 (infinite as a double)", "1e400", "got '1e400'", bad},
            {"event_time a fraction", "1780272000000.5", "whole epoch milliseconds", bad},
            {
                "missing event_time",
                null,
                "missing field event_time",
                DeadLetterReasons.MISSING_FIELD
            },
            {"null event_time", "null", "missing field event_time", DeadLetterReasons.MISSING_FIELD}
        };
        for (String[] c : times) {
            String json = c[1] == null ? without(ok, "event_time") : set(ok, "event_time", c[1]);
            t.add(new BadRecord(in, c[0], key, utf8(json), c[2], c[3]));
        }
        return t;
    }

    /**
     * Every malformed impression, click and profile, for a parser whose wall clock is {@code now}.
     */
    public static List<BadRecord> table(long now) {
        String time = Long.toString(now - DAY);
        List<BadRecord> t = new ArrayList<>();
        t.addAll(
                cases(
                        Input.IMPRESSION,
                        utf8("i-bad"),
                        impression("i-bad", "u", "a", time),
                        List.of("impression_id", "user_id", "ad_id"),
                        true,
                        now));
        t.add(
                new BadRecord(
                        Input.IMPRESSION,
                        "a tombstone (null value)",
                        utf8("i-bad"),
                        null,
                        "empty record value",
                        DeadLetterReasons.EMPTY));
        t.addAll(
                cases(
                        Input.CLICK,
                        utf8("i-bad"),
                        click("c-bad", "i-bad", "u", time),
                        List.of("click_id", "impression_id", "user_id"),
                        true,
                        now));
        t.add(
                new BadRecord(
                        Input.CLICK,
                        "a tombstone (null value)",
                        utf8("i-bad"),
                        null,
                        "empty record value",
                        DeadLetterReasons.EMPTY));
        String ok = profile("u-bad", "FR", "new");
        byte[] key = utf8("u-bad");
        t.addAll(
                cases(
                        Input.PROFILE,
                        key,
                        ok,
                        List.of("user_id", "country", "segment"),
                        false,
                        now));
        // "missing"/"null"/"empty" country or segment are valid (optional fields): drop them.
        t.removeIf(
                b ->
                        b.input() == Input.PROFILE
                                && (b.name().matches("(missing|null|empty) (country|segment)")));
        t.add(
                new BadRecord(
                        Input.PROFILE,
                        "key differs from user_id",
                        utf8("u-other"),
                        utf8(ok),
                        "key 'u-other' does not match user_id 'u-bad'",
                        DeadLetterReasons.KEY_MISMATCH));
        t.add(
                new BadRecord(
                        Input.PROFILE,
                        "empty key",
                        new byte[0],
                        utf8(ok),
                        "key is empty",
                        DeadLetterReasons.KEY_MISMATCH));
        t.add(
                new BadRecord(
                        Input.PROFILE,
                        "tombstone with an empty key",
                        new byte[0],
                        null,
                        "key is empty",
                        DeadLetterReasons.KEY_MISMATCH));
        t.add(
                new BadRecord(
                        Input.PROFILE,
                        "tombstone without a key",
                        null,
                        null,
                        "tombstone without a key",
                        DeadLetterReasons.KEY_MISMATCH));
        t.add(
                new BadRecord(
                        Input.PROFILE,
                        "key not UTF-8",
                        new byte[] {'u', (byte) 0xC3},
                        utf8(ok),
                        "key is not valid UTF-8",
                        DeadLetterReasons.KEY_MISMATCH));
        t.add(
                new BadRecord(
                        Input.PROFILE,
                        "a 100 kB key differing from user_id",
                        utf8("k".repeat(100_000)),
                        utf8(ok),
                        "(100000 characters) does not match user_id 'u-bad'",
                        DeadLetterReasons.KEY_MISMATCH));
        return t;
    }

    /**
     * Records that look odd but are valid, each with a unique id: {@code <input>-odd-<n>} (the user
     * id for profiles). Far-past times are valid: such a row is late, not malformed.
     */
    public static List<OddRecord> oddButValid(long now) {
        String time = Long.toString(now - DAY);
        List<OddRecord> t = new ArrayList<>();
        String pad = "\"pad\":\"" + "p".repeat(200_000) + "\",";
        String withOffset =
                Instant.ofEpochMilli(now - DAY).atOffset(ZoneOffset.ofHours(2)).toString();
        String[][] impressions = {
            {"far past (1970-01-02)", impression("imp-odd-1", "u", "a", "86400000")},
            {"far past ISO (1990)", impression("imp-odd-2", "u", "a", "\"1990-01-01T00:00:00Z\"")},
            {"time with an offset", impression("imp-odd-3", "u", "a", "\"" + withOffset + "\"")},
            {"ids as numbers", impression("imp-odd-4", "u", "a", time).replace("\"a\"", "17")},
            {
                "200 kB unknown field",
                impression("imp-odd-5", "u", "a", time).replace("{", "{" + pad)
            },
            {
                "id of exactly the maximum length",
                impression(
                        "imp-odd-6-" + "x".repeat(JsonFields.MAX_TEXT_LENGTH - 10), "u", "a", time)
            },
            {
                "unknown nested fields",
                impression("imp-odd-7", "u", "a", time)
                        .replace("{", "{\"x\":{\"y\":[1,{\"z\":null}]},")
            },
            {"escaped unicode", impression("imp-odd-8", "u\\u00e9\\ud83d\\ude00", "a", time)}
        };
        for (String[] c : impressions)
            t.add(new OddRecord(Input.IMPRESSION, c[0], utf8("k"), utf8(c[1])));
        t.add(
                new OddRecord(
                        Input.IMPRESSION,
                        "empty key",
                        new byte[0],
                        utf8(impression("imp-odd-9", "u", "a", time))));
        t.add(
                new OddRecord(
                        Input.IMPRESSION,
                        "300 kB key (not used)",
                        utf8("k".repeat(300_000)),
                        utf8(impression("imp-odd-10", "u", "a", time))));
        t.add(
                new OddRecord(
                        Input.CLICK,
                        "far past",
                        null,
                        utf8(click("click-odd-1", "imp-none", "u", "86400000"))));
        t.add(
                new OddRecord(
                        Input.CLICK,
                        "200 kB unknown field",
                        null,
                        utf8(click("click-odd-2", "imp-none", "u", time).replace("{", "{" + pad))));
        t.add(
                new OddRecord(
                        Input.PROFILE,
                        "event_time of any shape (not a profile field)",
                        utf8("profile-odd-1"),
                        utf8(
                                "{\"user_id\":\"profile-odd-1\",\"event_time\":\"whenever\",\"click_id\":true}")));
        t.add(
                new OddRecord(
                        Input.PROFILE,
                        "no country, null segment",
                        utf8("profile-odd-2"),
                        utf8("{\"user_id\":\"profile-odd-2\",\"segment\":null}")));
        t.add(
                new OddRecord(
                        Input.PROFILE,
                        "no key (topic not compacted)",
                        null,
                        utf8(profile("profile-odd-3", "DE", "x"))));
        t.add(
                new OddRecord(
                        Input.PROFILE,
                        "200 kB unknown field",
                        utf8("profile-odd-4"),
                        utf8(profile("profile-odd-4", "DE", "x").replace("{", "{" + pad))));
        return t;
    }

    private static final AdEventParser PARSER =
            new AdEventParser(DAY, (LongSupplier & Serializable) () -> NOW);

    static ParsingDeserializationSchema<?> schema(Input input) {
        return switch (input) {
            case IMPRESSION -> PARSER.impressions();
            case CLICK -> PARSER.clicks();
            case PROFILE -> PARSER.profiles();
        };
    }

    static Stream<BadRecord> cases() {
        return table(NOW).stream();
    }

    static Stream<OddRecord> oddCases() {
        return oddButValid(NOW).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachBecomesADeadLetterWithItsReasonCategoryAndCoordinates(BadRecord bad) {
        ConsumerRecord<byte[], byte[]> record =
                new ConsumerRecord<>("joins-input", 2, 17L, bad.key(), bad.value());
        Parsed<?> parsed = schema(bad.input()).parse(record);
        assertThat(parsed.isDeadLetter()).as("dead-lettered, not " + parsed.event).isTrue();
        assertThat(parsed.deadLetter.reason).contains(bad.reason());
        assertThat(DeadLetterReasons.category(parsed.deadLetter.reason))
                .as(parsed.deadLetter.reason)
                .isEqualTo(bad.category());
        assertThat(parsed.deadLetter.reason).hasSizeLessThan(300);
        assertThat(parsed.deadLetter.sourceTopic).isEqualTo("joins-input");
        assertThat(parsed.deadLetter.sourcePartition).isEqualTo(2);
        assertThat(parsed.deadLetter.sourceOffset).isEqualTo(17L);
        assertThat(parsed.deadLetter.key).isEqualTo(bad.key());
        assertThat(parsed.deadLetter.value).isEqualTo(bad.value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aValidRecordNextToItIsStillParsed(BadRecord bad) {
        String time = "\"2026-05-31T00:00:00Z\"";
        byte[] good =
                utf8(
                        switch (bad.input()) {
                            case IMPRESSION -> impression("i1", "u1", "a1", time);
                            case CLICK -> click("c1", "i1", "u1", time);
                            case PROFILE -> profile("u1", "FR", "new");
                        });
        ParsingDeserializationSchema<?> schema = schema(bad.input());
        schema.parse(new ConsumerRecord<>("t", 0, 1L, bad.key(), bad.value()));
        Parsed<?> parsed = schema.parse(new ConsumerRecord<>("t", 0, 2L, utf8("u1"), good));
        assertThat(parsed.isDeadLetter()).as(String.valueOf(parsed.deadLetter)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddCases")
    void oddButValidRecordsAreParsed(OddRecord odd) {
        Parsed<?> parsed =
                schema(odd.input()).parse(new ConsumerRecord<>("t", 0, 1L, odd.key(), odd.value()));
        assertThat(parsed.isDeadLetter()).as(String.valueOf(parsed.deadLetter)).isFalse();
    }
}
