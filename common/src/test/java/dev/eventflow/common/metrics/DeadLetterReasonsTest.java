package dev.eventflow.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.eventflow.common.event.MalformedEventException;
import dev.eventflow.common.event.UserEventParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The reason label of a dead letter, from the reasons the real parser gives. */
class DeadLetterReasonsTest {

    private static final long NOW = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final UserEventParser PARSER = new UserEventParser(86_400_000L, () -> NOW);

    private static String category(String value) {
        MalformedEventException e =
                catchThrowableOfType(
                        MalformedEventException.class,
                        () -> PARSER.parse(value.getBytes(StandardCharsets.UTF_8)));
        assertThat(e).as(value).isNotNull();
        return DeadLetterReasons.category(e.getMessage());
    }

    private static String event(String time, String extra) {
        return "{\"event_id\":\"e\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_type\":\"click\","
                + "\"event_time\":"
                + time
                + extra
                + "}";
    }

    @Test
    void everyKindOfFaultTheParserReportsHasItsOwnCategory() {
        assertThat(category("")).isEqualTo(DeadLetterReasons.EMPTY);
        assertThat(category("not json")).isEqualTo(DeadLetterReasons.NOT_JSON);
        assertThat(category("[1,2]")).isEqualTo(DeadLetterReasons.NOT_JSON);
        assertThat(category("{\"event_id\":\"e\"")).isEqualTo(DeadLetterReasons.NOT_JSON);
        assertThat(category("{\"event_id\":\"e\"}")).isEqualTo(DeadLetterReasons.MISSING_FIELD);
        assertThat(category(event("1", "").replace("\"u\"", "\"\"")))
                .isEqualTo(DeadLetterReasons.EMPTY_FIELD);
        assertThat(category(event("1", "").replace("\"u\"", "{\"a\":1}")))
                .isEqualTo(DeadLetterReasons.WRONG_TYPE);
        assertThat(category(event("1", ",\"amount\":\"x\"")))
                .isEqualTo(DeadLetterReasons.WRONG_TYPE);
        assertThat(category(event("\"yesterday\"", "")))
                .isEqualTo(DeadLetterReasons.BAD_EVENT_TIME);
        assertThat(category(event("-5", ""))).isEqualTo(DeadLetterReasons.BAD_EVENT_TIME);
        assertThat(category(event(Long.toString(NOW + 2 * 86_400_000L), "")))
                .isEqualTo(DeadLetterReasons.FUTURE_EVENT_TIME);
        assertThat(category(event("1", "").replace("\"u\"", "\"" + "u".repeat(5_000) + "\"")))
                .isEqualTo(DeadLetterReasons.TOO_LONG);
        assertThat(category(event("1.5e12", ""))).isEqualTo(DeadLetterReasons.BAD_EVENT_TIME);
    }

    @Test
    void unknownReasonsShareOneCategorySoTheLabelStaysBounded() {
        assertThat(DeadLetterReasons.category(null)).isEqualTo(DeadLetterReasons.OTHER);
        assertThat(DeadLetterReasons.category("something new")).isEqualTo(DeadLetterReasons.OTHER);
        assertThat(DeadLetterReasons.category("key 'a' does not match user_id 'b'"))
                .isEqualTo(DeadLetterReasons.KEY_MISMATCH);
        assertThat(DeadLetterReasons.category("key is empty (it must be the user_id)"))
                .isEqualTo(DeadLetterReasons.KEY_MISMATCH);
    }
}
