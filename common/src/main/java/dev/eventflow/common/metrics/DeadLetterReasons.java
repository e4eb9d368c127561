package dev.eventflow.common.metrics;

/**
 * The category of a dead letter's reason, for the {@code reason} label of {@link
 * SuiteMetrics#DEAD_LETTERS_BY_REASON}. The reason itself (in the DLQ record's {@code dlq.reason}
 * header) names the field and quotes the bad value; a label must not, or every bad value would be a
 * new time series. The categories are the kinds of fault the parsers report, so a dashboard can
 * tell "a producer sends broken JSON" from "a clock runs a day ahead".
 */
public final class DeadLetterReasons {

    public static final String EMPTY = "empty_record";
    public static final String NOT_JSON = "not_json";
    public static final String MISSING_FIELD = "missing_field";
    public static final String EMPTY_FIELD = "empty_field";
    public static final String WRONG_TYPE = "wrong_type";
    public static final String TOO_LONG = "too_long";
    public static final String BAD_EVENT_TIME = "bad_event_time";
    public static final String FUTURE_EVENT_TIME = "future_event_time";
    public static final String KEY_MISMATCH = "key_mismatch";
    public static final String OTHER = "other";

    private DeadLetterReasons() {}

    /** The category of a parser's reason text; {@link #OTHER} for one it does not know. */
    public static String category(String reason) {
        if (reason == null || reason.isEmpty()) return OTHER;
        if (reason.startsWith("empty record")) return EMPTY;
        if (reason.startsWith("not a JSON")
                || reason.startsWith("not valid JSON")
                || reason.startsWith("trailing content")
                || reason.startsWith("unreadable record")) {
            return NOT_JSON;
        }
        if (reason.startsWith("missing field")) return MISSING_FIELD;
        if (reason.startsWith("empty field")) return EMPTY_FIELD;
        if (reason.startsWith("event_time")) {
            return reason.contains("ahead of the wall clock") ? FUTURE_EVENT_TIME : BAD_EVENT_TIME;
        }
        if (reason.contains("does not match")
                || reason.startsWith("key ")
                || reason.startsWith("tombstone without a key")) {
            return KEY_MISMATCH;
        }
        if (reason.startsWith("field ") && reason.contains(" is too long")) return TOO_LONG;
        if (reason.contains(" must be ") || reason.contains("is not a finite number")) {
            return WRONG_TYPE;
        }
        return OTHER;
    }
}
