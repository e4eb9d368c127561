package dev.eventflow.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UserEventParserTest {

    private static final long NOW = Instant.parse("2026-01-01T12:00:00Z").toEpochMilli();
    private static final long ONE_DAY = 86_400_000L;
    private final UserEventParser parser = new UserEventParser(ONE_DAY, () -> NOW);

    private UserEvent parse(String json) throws MalformedEventException {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesIsoTimeAndAmountAndSkipsUnknownFields() throws Exception {
        UserEvent e =
                parse(
                        "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"session_id\":\"s1\",\"event_type\":\"purchase\","
                                + "\"event_time\":\"2026-01-01T10:00:00Z\",\"amount\":12.5,\"extra\":{\"a\":[1,2]}}");
        assertThat(e)
                .isEqualTo(
                        new UserEvent(
                                "e1",
                                "u1",
                                "s1",
                                "purchase",
                                Instant.parse("2026-01-01T10:00:00Z").toEpochMilli(),
                                12.5));
        assertThat(e.isPurchase()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"2026-01-01T10:00:00Z\"|2026-01-01T10:00:00Z",
                "\"2026-01-01T11:00:00+01:00\"|2026-01-01T10:00:00Z",
                "\"2026-01-01T11:00:00.250+01:00[Europe/Paris]\"|2026-01-01T10:00:00.250Z",
                "1767261600000|2026-01-01T10:00:00Z",
                "\"1767261600000\"|2026-01-01T10:00:00Z"
            })
    void acceptsIsoWithZoneAndEpochMillis(String time, String expected) throws Exception {
        UserEvent e =
                parse(
                        "{\"event_id\":\"e\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_type\":\"click\",\"event_time\":"
                                + time
                                + "}");
        assertThat(Instant.ofEpochMilli(e.eventTime)).isEqualTo(Instant.parse(expected));
        assertThat(e.amount).isNull();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "not json|not valid JSON",
                "[1,2]|not a JSON object",
                "{\"event_id\":\"e\"|not valid JSON",
                "{\"event_id\":\"e\",\"session_id\":\"s\",\"event_type\":\"c\",\"event_time\":1}|missing field user_id",
                "{\"event_id\":\"e\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_type\":\"c\"}|missing field event_time",
                "{\"event_id\":\"e\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_type\":\"c\",\"event_time\":\"2026-01-01T10:00:00\"}|neither ISO-8601 with a zone",
                "{\"event_id\":\"e\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_type\":\"c\",\"event_time\":-5}|event_time is negative",
                "{\"event_id\":\"e\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_type\":\"c\",\"event_time\":\"2026-01-03T10:00:00Z\"}|ahead of the wall clock",
                "{\"event_id\":\"e\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_type\":\"c\",\"event_time\":1,\"amount\":\"ten\"}|amount must be a number",
                "{\"event_id\":\"e\",\"user_id\":[\"u\"],\"session_id\":\"s\",\"event_type\":\"c\",\"event_time\":1}|field user_id must be a string",
                "{\"event_id\":\"e\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_type\":\"c\",\"event_time\":1} {}|trailing content",
                "{\"event_id\":\"\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_type\":\"c\",\"event_time\":1}|empty field event_id"
            })
    void rejectsWithAReason(String json, String reason) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void emptyValueIsMalformed() {
        assertThatThrownBy(() -> parser.parse(null)).hasMessage("empty record value");
        assertThatThrownBy(() -> parser.parse(new byte[0])).hasMessage("empty record value");
    }

    @Test
    void timeJustInsideTheSkewIsAccepted() throws Exception {
        long edge = NOW + ONE_DAY;
        assertThat(
                        parse(
                                        "{\"event_id\":\"e\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_type\":\"c\",\"event_time\":"
                                                + edge
                                                + "}")
                                .eventTime)
                .isEqualTo(edge);
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"event_id\":\"e\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_type\":\"c\",\"event_time\":"
                                                + (edge + 1)
                                                + "}"))
                .hasMessageContaining("ahead of the wall clock");
    }

    @Test
    void jsonOutputRoundTripsThroughTheParser() throws Exception {
        UserEvent e = new UserEvent("e9", "u9", "s9", "purchase", NOW - 1000, 3.25);
        assertThat(parser.parse(Json.event(e))).isEqualTo(e);
    }
}
