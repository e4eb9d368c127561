package dev.eventflow.common.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.eventflow.common.time.EventTimes;
import java.io.IOException;
import java.io.Serializable;
import java.util.function.LongSupplier;

/**
 * Parses one JSON user event with Jackson's streaming API: one pass over the bytes, no tree, no
 * reflection, unknown fields skipped. This is the per-event hot loop of every job.
 *
 * <p>Field handling is {@link JsonFields}'s, shared with the other inputs' parsers; {@code
 * event_time} follows the suite's time rules ({@link EventTimes}): ISO-8601 with a zone or epoch
 * milliseconds, refused when negative or more than {@code maxFutureSkewMs} ahead of the wall clock.
 */
public final class UserEventParser implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long maxFutureSkewMs;
    private final LongSupplier clock;

    public UserEventParser(long maxFutureSkewMs) {
        this(maxFutureSkewMs, (LongSupplier & Serializable) System::currentTimeMillis);
    }

    /** With an explicit wall clock, for tests. The supplier must be serializable. */
    public UserEventParser(long maxFutureSkewMs, LongSupplier clock) {
        if (maxFutureSkewMs <= 0)
            throw new IllegalArgumentException("maxFutureSkewMs must be positive");
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.clock = clock;
    }

    public UserEvent parse(byte[] value) throws MalformedEventException {
        UserEvent e = new UserEvent();
        boolean[] hasTime = {false};
        JsonFields.readObject(
                value,
                (field, v, p) -> {
                    switch (field) {
                        case "event_id" -> e.eventId = JsonFields.text(p, v, field);
                        case "user_id" -> e.userId = JsonFields.text(p, v, field);
                        case "session_id" -> e.sessionId = JsonFields.text(p, v, field);
                        case "event_type" -> e.eventType = JsonFields.text(p, v, field);
                        case "event_time" -> {
                            e.eventTime = JsonFields.eventTime(p, v);
                            hasTime[0] = true;
                        }
                        case "amount" -> e.amount = amount(p, v);
                        default -> p.skipChildren();
                    }
                });
        JsonFields.require(e.eventId, "event_id");
        JsonFields.require(e.userId, "user_id");
        JsonFields.require(e.sessionId, "session_id");
        JsonFields.require(e.eventType, "event_type");
        if (!hasTime[0]) throw new MalformedEventException("missing field event_time");
        EventTimes.requirePlausible(e.eventTime, clock.getAsLong(), maxFutureSkewMs);
        return e;
    }

    private static Double amount(JsonParser p, JsonToken v)
            throws IOException, MalformedEventException {
        if (v == JsonToken.VALUE_NULL) return null;
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new MalformedEventException("amount is not a finite number: " + p.getText());
            }
            return d;
        }
        throw new MalformedEventException("amount must be a number, got " + JsonFields.describe(v));
    }
}
