package dev.eventflow.common.time;

import dev.eventflow.common.event.JsonFields;
import dev.eventflow.common.event.MalformedEventException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The suite's rules for event times, in one place: how a time is spelled ({@link #parse}) and which
 * times can be real ({@link #requirePlausible}). Every input (user events, ad events, profiles,
 * fast-path rows), the command line ({@code reconcile --from/--to}) and the SQL recipes' {@code
 * EVENT_TIME_MILLIS} accept the same times.
 */
public final class EventTimes {

    private EventTimes() {}

    /**
     * ISO-8601 with a zone or offset ({@code 2026-01-01T10:00:00Z}, {@code
     * 2026-01-01T11:00:00+01:00}, {@code ...[Europe/Paris]}), or a string of digits meaning epoch
     * milliseconds.
     */
    public static long parse(String s) throws MalformedEventException {
        if (!s.isEmpty() && allDigits(s)) {
            if (s.length() > 18)
                throw new MalformedEventException(
                        "event_time out of range: " + JsonFields.quote(s));
            return Long.parseLong(s);
        }
        try {
            if (s.endsWith("Z") || s.endsWith("z")) return Instant.parse(s).toEpochMilli();
            return ZonedDateTime.parse(s, DateTimeFormatter.ISO_ZONED_DATE_TIME)
                    .toInstant()
                    .toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new MalformedEventException(
                    "event_time "
                            + JsonFields.quote(s)
                            + " is neither ISO-8601 with a zone (2026-01-01T10:00:00Z) nor epoch milliseconds");
        }
    }

    /**
     * Refuses a time that parses but cannot be real: negative, or more than {@code maxFutureSkewMs}
     * ahead of the wall clock {@code now}. Such a record would push the bounded-out-of-orderness
     * watermark forward and make every later event look late, silently dropping them; as a dead
     * letter it is harmless and visible.
     */
    public static void requirePlausible(long eventTime, long now, long maxFutureSkewMs)
            throws MalformedEventException {
        if (eventTime < 0) {
            throw new MalformedEventException("event_time is negative: " + eventTime);
        }
        if (eventTime > now + maxFutureSkewMs) {
            throw new MalformedEventException(
                    "event_time "
                            + Instant.ofEpochMilli(eventTime)
                            + " is more than "
                            + maxFutureSkewMs
                            + " ms ahead of the wall clock ("
                            + Instant.ofEpochMilli(now)
                            + ")");
        }
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }
}
