package dev.eventflow.jobs.joins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventflow.common.event.MalformedEventException;
import dev.eventflow.common.event.Parsed;
import dev.eventflow.common.event.ParsingDeserializationSchema;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The three inputs' formats, and the dead-letter reason of each way a record can be wrong. */
class AdEventParserTest {

    private static final long NOW = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();
    private static final long T = Instant.parse("2026-01-01T10:00:00Z").toEpochMilli();

    private final AdEventParser parser =
            new AdEventParser(
                    86_400_000L,
                    (java.util.function.LongSupplier & java.io.Serializable) () -> NOW);

    private static byte[] b(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private String impressionReason(String json) {
        try {
            parser.parseImpression(b(json));
            throw new AssertionError("accepted: " + json);
        } catch (MalformedEventException e) {
            return e.getMessage();
        }
    }

    @Test
    void impressionsAndClicksInBothTimeFormatsWithUnknownFieldsSkipped() throws Exception {
        assertThat(
                        parser.parseImpression(
                                b(
                                        "{\"impression_id\":\"i1\",\"user_id\":\"u1\",\"ad_id\":7,"
                                                + "\"event_time\":\"2026-01-01T11:00:00+01:00\",\"extra\":{\"a\":[1]}}")))
                .isEqualTo(new AdImpression("i1", "u1", "7", T));
        assertThat(
                        parser.parseClick(
                                b(
                                        "{\"click_id\":\"c1\",\"impression_id\":\"i1\",\"user_id\":\"u1\",\"event_time\":"
                                                + T
                                                + "}")))
                .isEqualTo(new AdClick("c1", "i1", "u1", T));
    }

    @Test
    void malformedImpressionsHaveAReason() {
        assertThat(impressionReason("nope")).startsWith("not valid JSON");
        assertThat(impressionReason("[1]")).isEqualTo("not a JSON object");
        assertThat(impressionReason("{\"user_id\":\"u\",\"ad_id\":\"a\",\"event_time\":1}"))
                .isEqualTo("missing field impression_id");
        assertThat(
                        impressionReason(
                                "{\"impression_id\":\"\",\"user_id\":\"u\",\"ad_id\":\"a\",\"event_time\":1}"))
                .isEqualTo("empty field impression_id");
        assertThat(
                        impressionReason(
                                "{\"impression_id\":\"i\",\"user_id\":true,\"ad_id\":\"a\",\"event_time\":1}"))
                .isEqualTo("field user_id must be a string, got a boolean");
        assertThat(impressionReason("{\"impression_id\":\"i\",\"user_id\":\"u\",\"ad_id\":\"a\"}"))
                .isEqualTo("missing field event_time");
        assertThat(
                        impressionReason(
                                "{\"impression_id\":\"i\",\"user_id\":\"u\",\"ad_id\":\"a\",\"event_time\":\"later\"}"))
                .contains("neither ISO-8601");
        assertThat(
                        impressionReason(
                                "{\"impression_id\":\"i\",\"user_id\":\"u\",\"ad_id\":\"a\",\"event_time\":-5}"))
                .isEqualTo("event_time is negative: -5");
        assertThat(
                        impressionReason(
                                "{\"impression_id\":\"i\",\"user_id\":\"u\",\"ad_id\":\"a\",\"event_time\":\"2026-06-03T00:00:00Z\"}"))
                .contains("ahead of the wall clock");
        assertThat(impressionReason("{\"impression_id\":\"i\"} {}"))
                .isEqualTo("trailing content after the JSON object");
        assertThat(impressionReason("")).isEqualTo("empty record value");
    }

    @Test
    void aClickNeedsItsImpressionId() {
        assertThatThrownBy(
                        () ->
                                parser.parseClick(
                                        b(
                                                "{\"click_id\":\"c\",\"user_id\":\"u\",\"event_time\":1}")))
                .hasMessage("missing field impression_id");
    }

    @Test
    void profilesUpsertsTombstonesAndKeyMismatches() throws Exception {
        ProfileUpdate u =
                parser.parseProfile(
                        b("u1"), b("{\"user_id\":\"u1\",\"country\":\"FR\",\"segment\":null}"));
        assertThat(u.isDelete()).isFalse();
        assertThat(u.profile()).isEqualTo(new UserProfile("u1", "FR", null));

        ProfileUpdate keyless = parser.parseProfile(null, b("{\"user_id\":\"u2\"}"));
        assertThat(keyless.userId()).isEqualTo("u2");

        ProfileUpdate tombstone = parser.parseProfile(b("u1"), null);
        assertThat(tombstone.isDelete()).isTrue();
        assertThat(tombstone.userId()).isEqualTo("u1");

        assertThatThrownBy(() -> parser.parseProfile(null, null))
                .hasMessage("tombstone without a key (user_id)");
        assertThatThrownBy(() -> parser.parseProfile(b("u1"), b("{\"user_id\":\"u9\"}")))
                .hasMessage("key 'u1' does not match user_id 'u9'");
        assertThatThrownBy(() -> parser.parseProfile(b("u1"), b("{\"country\":\"FR\"}")))
                .hasMessage("missing field user_id");
    }

    @Test
    void theDeserializerTurnsABadRecordIntoADeadLetterWithItsCoordinates() {
        ParsingDeserializationSchema<AdClick> schema = parser.clicks();
        ConsumerRecord<byte[], byte[]> record =
                new ConsumerRecord<>("ad-clicks", 2, 41L, b("k"), b("{\"click_id\":1}"));
        Parsed<AdClick> r = schema.parse(record);
        assertThat(r.isDeadLetter()).isTrue();
        assertThat(r.deadLetter.reason).isEqualTo("missing field impression_id");
        assertThat(r.deadLetter.sourceTopic).isEqualTo("ad-clicks");
        assertThat(r.deadLetter.sourcePartition).isEqualTo(2);
        assertThat(r.deadLetter.sourceOffset).isEqualTo(41L);
        assertThat(r.deadLetter.value).isEqualTo(b("{\"click_id\":1}"));
        assertThat(r.event).isNull();
    }

    @Test
    void theJoinedRowFormat() {
        AdImpression i = new AdImpression("i1", "u1", "a1", T);
        AdClick c = new AdClick("c1", "i1", "u1", T + 61_500);
        assertThat(new String(JoinedRowSerializationSchema.toJson(JoinedRow.matched(i, c))))
                .isEqualTo(
                        "{\"impression_id\":\"i1\",\"user_id\":\"u1\",\"ad_id\":\"a1\","
                                + "\"impression_time\":\"2026-01-01T10:00:00Z\",\"click_id\":\"c1\","
                                + "\"click_time\":\"2026-01-01T10:01:01.500Z\"}");
        assertThat(new String(JoinedRowSerializationSchema.toJson(JoinedRow.impressionOnly(i))))
                .endsWith("\"click_id\":null,\"click_time\":null}");
        assertThat(new String(JoinedRowSerializationSchema.toJson(JoinedRow.clickOnly(c))))
                .isEqualTo(
                        "{\"impression_id\":\"i1\",\"user_id\":\"u1\",\"ad_id\":null,"
                                + "\"impression_time\":null,\"click_id\":\"c1\","
                                + "\"click_time\":\"2026-01-01T10:01:01.500Z\"}");
    }
}
