package dev.eventflow.jobs.runningcounts;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.event.UserEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link RunningCountFunction} driven by hand, one test per timeout mode: the exact update sequence
 * for a scripted input with explicit event times (processing time set explicitly, no sleeps), one
 * timer per user however many events it gets, and no keyed state and no timer left after expiry.
 */
class RunningCountFunctionHarnessTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private static KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ActivityUpdate>
            harness(TimeoutMode mode, Duration timeout, Duration ttl) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ActivityUpdate> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new RunningCountFunction(mode, timeout, ttl)),
                        RunningCountsJob.BY_USER,
                        Types.STRING);
        h.open();
        return h;
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ActivityUpdate> h,
            String user,
            String session,
            long time)
            throws Exception {
        h.processElement(
                new StreamRecord<>(
                        new UserEvent("e-" + user + "-" + time, user, session, "click", time, null),
                        time));
    }

    /** Drains and returns what the operator emitted since the last call. */
    private static List<ActivityUpdate> drain(
            KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ActivityUpdate> h) {
        List<ActivityUpdate> out = h.extractOutputValues();
        h.getOutput().clear();
        return out;
    }

    private static ActivityUpdate row(
            String user, long count, long first, long last, String session, String status) {
        UserActivity a = UserActivity.first(first, session);
        a.count = count;
        a.lastSeen = last;
        return ActivityUpdate.of(user, a, status);
    }

    private static ActivityUpdate active(
            String user, long count, long first, long last, String session) {
        return row(user, count, first, last, session, ActivityUpdate.ACTIVE);
    }

    private static ActivityUpdate expired(
            String user, long count, long first, long last, String session) {
        return row(user, count, first, last, session, ActivityUpdate.EXPIRED);
    }

    @Test
    void eventTimeRowsComeInEventTimeOrderOnceTheWatermarkPassesThemAndASessionEndsAtItsGap()
            throws Exception {
        try (var h = harness(TimeoutMode.EVENT_TIME, TIMEOUT, Duration.ZERO)) {
            send(h, "alice", "s1", at(0, 10));
            send(h, "alice", "s2", at(0, 40));
            send(h, "alice", "s3", at(0, 20)); // out of order
            send(h, "bob", "s9", at(1, 0));
            // Buffered until the watermark passes them; one timer per user (its oldest event).
            assertThat(drain(h)).isEmpty();
            assertThat(h.numEventTimeTimers()).isEqualTo(2);

            h.processWatermark(at(0, 30)); // passes 10:00:10 and 10:00:20, in that order
            assertThat(drain(h))
                    .containsExactly(
                            active("alice", 1, at(0, 10), at(0, 10), "s1"),
                            active("alice", 2, at(0, 10), at(0, 20), "s3"));
            h.processWatermark(at(1, 0));
            assertThat(drain(h))
                    .containsExactly(
                            active("alice", 3, at(0, 10), at(0, 40), "s2"),
                            active("bob", 1, at(1, 0), at(1, 0), "s9"));
            assertThat(h.numEventTimeTimers()).isEqualTo(2); // now at last_seen + timeout

            h.processWatermark(at(5, 40) - 1);
            assertThat(drain(h)).isEmpty();
            h.processWatermark(at(5, 40)); // alice: last_seen 10:00:40 + 5m
            assertThat(drain(h))
                    .containsExactly(
                            expired("alice", 3, at(0, 10), at(0, 40), "s2"),
                            ActivityUpdate.tombstone("alice"));
            assertThat(h.numEventTimeTimers()).isEqualTo(1);

            // bob's next event is 1 minute after his last one: the same session, however late
            // it arrives relative to the watermark.
            send(h, "bob", "s9", at(2, 0));
            h.processWatermark(at(6, 59));
            assertThat(drain(h)).containsExactly(active("bob", 2, at(1, 0), at(2, 0), "s9"));
            h.processWatermark(at(7, 0));
            assertThat(drain(h))
                    .containsExactly(
                            expired("bob", 2, at(1, 0), at(2, 0), "s9"),
                            ActivityUpdate.tombstone("bob"));
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();

            // An expired user starts again from 1.
            send(h, "alice", "s4", at(8, 0));
            h.processWatermark(at(8, 0));
            assertThat(drain(h)).containsExactly(active("alice", 1, at(8, 0), at(8, 0), "s4"));
        }
    }

    @Test
    void aGapLongerThanTheTimeoutSplitsSessionsEvenWhenTheNextBurstArrivesBeforeTheWatermark()
            throws Exception {
        // A fast replay: both bursts read before the watermark moves at all.
        try (var h = harness(TimeoutMode.EVENT_TIME, TIMEOUT, Duration.ZERO)) {
            send(h, "alice", "s1", at(0, 0));
            send(h, "alice", "s1", at(2, 0));
            send(h, "alice", "s2", at(8, 0)); // 6 minutes after the last: a new session
            send(h, "alice", "s2", at(9, 0));
            h.processWatermark(Long.MAX_VALUE);
            assertThat(drain(h))
                    .containsExactly(
                            active("alice", 1, at(0, 0), at(0, 0), "s1"),
                            active("alice", 2, at(0, 0), at(2, 0), "s1"),
                            expired("alice", 2, at(0, 0), at(2, 0), "s1"),
                            ActivityUpdate.tombstone("alice"),
                            active("alice", 1, at(8, 0), at(8, 0), "s2"),
                            active("alice", 2, at(8, 0), at(9, 0), "s2"),
                            expired("alice", 2, at(8, 0), at(9, 0), "s2"),
                            ActivityUpdate.tombstone("alice"));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void anOutOfOrderEventThatBridgesTheGapMergesTheTwoBurstsIntoOneSession() throws Exception {
        try (var h = harness(TimeoutMode.EVENT_TIME, TIMEOUT, Duration.ZERO)) {
            send(h, "alice", "s1", at(0, 0));
            send(h, "alice", "s1", at(2, 0));
            h.processWatermark(at(4, 0)); // 2 minutes of delay: 10:06 is still to come
            send(h, "alice", "s2", at(8, 0));
            send(h, "alice", "s2", at(5, 0)); // within the delay, bridges 10:02 .. 10:08
            h.processWatermark(Long.MAX_VALUE);
            assertThat(drain(h))
                    .containsExactly(
                            active("alice", 1, at(0, 0), at(0, 0), "s1"),
                            active("alice", 2, at(0, 0), at(2, 0), "s1"),
                            active("alice", 3, at(0, 0), at(5, 0), "s2"),
                            active("alice", 4, at(0, 0), at(8, 0), "s2"),
                            expired("alice", 4, at(0, 0), at(8, 0), "s2"),
                            ActivityUpdate.tombstone("alice"));
        }
    }

    @Test
    void theSameEventsGiveTheSameRowsWhateverTheWatermarkCadence() throws Exception {
        List<UserEvent> events = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(7);
        long clock = at(0, 0);
        for (int i = 0; i < 400; i++) {
            clock += r.nextInt(10) == 0 ? 6 * MINUTE + r.nextLong(MINUTE) : r.nextLong(MINUTE);
            long t = clock - r.nextLong(MINUTE); // disorder within the 1-minute delay below
            String user = "user-" + r.nextInt(5);
            events.add(new UserEvent("e-" + i, user, "s-" + i, "click", t + i % 7, null));
        }
        List<ActivityUpdate> fast;
        try (var h = harness(TimeoutMode.EVENT_TIME, TIMEOUT, Duration.ZERO)) {
            for (UserEvent e : events) h.processElement(new StreamRecord<>(e, e.eventTime));
            h.processWatermark(Long.MAX_VALUE);
            fast = drain(h);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
        List<ActivityUpdate> paced = new ArrayList<>();
        try (var h = harness(TimeoutMode.EVENT_TIME, TIMEOUT, Duration.ZERO)) {
            long maxSeen = Long.MIN_VALUE;
            for (UserEvent e : events) {
                h.processElement(new StreamRecord<>(e, e.eventTime));
                maxSeen = Math.max(maxSeen, e.eventTime);
                h.processWatermark(maxSeen - MINUTE - 1); // a watermark after every record
            }
            h.processWatermark(Long.MAX_VALUE);
            paced.addAll(drain(h));
        }
        // Users interleave differently; each user's rows are identical.
        assertThat(byUser(paced)).isEqualTo(byUser(fast));
        assertThat(fast.stream().filter(u -> ActivityUpdate.EXPIRED.equals(u.status)).count())
                .isGreaterThan(5);
    }

    private static Map<String, List<ActivityUpdate>> byUser(List<ActivityUpdate> rows) {
        Map<String, List<ActivityUpdate>> out = new TreeMap<>();
        for (ActivityUpdate u : rows) out.computeIfAbsent(u.userId, k -> new ArrayList<>()).add(u);
        return out;
    }

    @Test
    void processingTimeTimeoutFiresTimeoutAfterTheLastEventAndIgnoresTheWatermark()
            throws Exception {
        try (var h = harness(TimeoutMode.PROCESSING_TIME, TIMEOUT, Duration.ZERO)) {
            long now = 1_000_000L;
            h.setProcessingTime(now);
            send(h, "alice", "s1", at(0, 0));
            h.setProcessingTime(now + 2 * MINUTE);
            send(h, "alice", "s2", at(30, 0)); // event time is irrelevant here
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
            assertThat(h.numEventTimeTimers()).isZero();

            h.processWatermark(Long.MAX_VALUE - 1);
            h.setProcessingTime(now + 7 * MINUTE - 1);
            assertThat(drain(h))
                    .containsExactly(
                            active("alice", 1, at(0, 0), at(0, 0), "s1"),
                            active("alice", 2, at(0, 0), at(30, 0), "s2"));

            h.setProcessingTime(now + 7 * MINUTE);
            assertThat(drain(h))
                    .containsExactly(
                            expired("alice", 2, at(0, 0), at(30, 0), "s2"),
                            ActivityUpdate.tombstone("alice"));
            assertThat(h.numProcessingTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void noTimeoutKeepsStateForeverWithoutTtl() throws Exception {
        try (var h = harness(TimeoutMode.NONE, Duration.ZERO, Duration.ZERO)) {
            for (int i = 0; i < 1_000; i++) send(h, "user-" + i, "s", at(0, i % 60));
            send(h, "user-0", "s", at(1, 0));
            h.processWatermark(Long.MAX_VALUE - 1);
            h.setProcessingTime(Long.MAX_VALUE - 1);
            // Spark's "Case A": nothing ever removes a user.
            assertThat(h.numKeyedStateEntries()).isEqualTo(1_000);
            assertThat(h.numEventTimeTimers() + h.numProcessingTimeTimers()).isZero();
            assertThat(drain(h)).hasSize(1_001).last().extracting(u -> u.count).isEqualTo(2L);
        }
    }

    @Test
    void noTimeoutWithTtlForgetsAUserSilently() throws Exception {
        try (var h = harness(TimeoutMode.NONE, Duration.ZERO, Duration.ofMinutes(30))) {
            h.setStateTtlProcessingTime(0);
            send(h, "alice", "s1", at(0, 0));
            h.setStateTtlProcessingTime(30 * MINUTE - 1);
            send(h, "alice", "s2", at(1, 0)); // refreshes the TTL
            h.setStateTtlProcessingTime((30 * MINUTE - 1) + 30 * MINUTE);
            send(h, "alice", "s3", at(2, 0)); // 30 minutes after the last write: expired
            assertThat(drain(h))
                    .containsExactly(
                            active("alice", 1, at(0, 0), at(0, 0), "s1"),
                            active("alice", 2, at(0, 0), at(1, 0), "s2"),
                            active("alice", 1, at(2, 0), at(2, 0), "s3"));
            assertThat(h.numEventTimeTimers() + h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void aTimerThatOutlivesItsTtlExpiredStateEmitsNothing() throws Exception {
        try (var h = harness(TimeoutMode.EVENT_TIME, TIMEOUT, Duration.ofMinutes(1))) {
            h.setStateTtlProcessingTime(0);
            send(h, "alice", "s1", at(0, 0));
            h.processWatermark(at(0, 0)); // applied: the state is written (TTL starts)
            assertThat(drain(h)).hasSize(1);
            h.setStateTtlProcessingTime(2 * MINUTE);
            h.processWatermark(at(5, 0));
            assertThat(drain(h)).isEmpty();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void manyUsersStateAndTimersReturnToZeroAfterExpiry() throws Exception {
        int users = 5_000;
        try (var h = harness(TimeoutMode.EVENT_TIME, TIMEOUT, Duration.ZERO)) {
            for (int i = 0; i < users; i++) {
                send(h, "user-" + i, "s1", at(i % 60, 0));
                send(h, "user-" + i, "s2", at(i % 60, 30));
            }
            // Buffered: per user, the two events and the time of its one timer.
            assertThat(h.numKeyedStateEntries()).isEqualTo(2 * users);
            assertThat(h.numEventTimeTimers()).isEqualTo(users);
            h.processWatermark(at(30, 0)); // expires the users whose last event is before 10:25
            assertThat(h.numKeyedStateEntries()).isBetween(1, 2 * users - 1);
            assertThat(h.numEventTimeTimers()).isBetween(1, users - 1);
            h.processWatermark(at(70, 0));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            List<ActivityUpdate> out = drain(h);
            assertThat(out).hasSize(4 * users);
            assertThat(out.stream().filter(u -> u.tombstone)).hasSize(users);
        }
        try (var h = harness(TimeoutMode.PROCESSING_TIME, TIMEOUT, Duration.ZERO)) {
            for (int i = 0; i < users; i++) {
                h.setProcessingTime(i);
                send(h, "user-" + i, "s1", at(0, 0));
            }
            assertThat(h.numProcessingTimeTimers()).isEqualTo(users);
            h.setProcessingTime(users + TIMEOUT.toMillis());
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void stateAndOutputAreFlinkPojosNotGenericTypes() {
        assertThat(RunningCountFunction.STATE_TYPE).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(ActivityUpdate.class)).isInstanceOf(PojoTypeInfo.class);
        SerializerConfigImpl noKryo = new SerializerConfigImpl();
        noKryo.setGenericTypes(false); // a generic type would throw here
        assertThat(RunningCountFunction.STATE_TYPE.createSerializer(noKryo))
                .isInstanceOf(PojoSerializer.class);
        assertThat(TypeInformation.of(ActivityUpdate.class).createSerializer(noKryo))
                .isInstanceOf(PojoSerializer.class);
    }
}
