package dev.eventflow.jobs.dedup;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.event.UserEvent;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DedupFunction} with a 10-minute horizon, driven by hand: copies within the horizon are
 * dropped and counted, the id is forgotten (state and timer at zero) once the watermark reaches
 * {@code event_time + horizon}, and a copy arriving after that passes again.
 */
class DedupFunctionHarnessTest {

    private static final long HORIZON = 10 * MINUTE;

    private DedupFunction dedup;
    private KeyedOneInputStreamOperatorTestHarness<String, UserEvent, UserEvent> harness;

    @BeforeEach
    void open() throws Exception {
        dedup = new DedupFunction(HORIZON);
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(dedup), DedupJob.BY_EVENT_ID, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static UserEvent event(String id, long time) {
        return new UserEvent(id, "alice", "s1", "click", time, null);
    }

    private void send(UserEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(e, e.eventTime));
    }

    private List<UserEvent> drain() {
        List<UserEvent> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    private long dropped() {
        return dedup.counts()[0];
    }

    private long passedBeyondHorizon() {
        return dedup.counts()[1];
    }

    @Test
    void copiesWithinTheHorizonAreDroppedAndCounted() throws Exception {
        UserEvent first = event("e-1", at(0, 0));
        send(first);
        send(event("e-1", at(0, 0)));
        send(event("e-2", at(0, 30)));
        harness.processWatermark(at(10, 0) - 1); // one millisecond before e-1 is forgotten
        send(event("e-1", at(0, 0)));
        assertThat(drain()).containsExactly(first, event("e-2", at(0, 30)));
        assertThat(dropped()).isEqualTo(2);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
    }

    @Test
    void aCopyAfterTheHorizonPassesAgainAndStateDrains() throws Exception {
        send(event("e-1", at(0, 0)));
        send(event("e-2", at(5, 0)));
        harness.processWatermark(at(10, 0)); // e-1's horizon
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        // e-1 is forgotten: a late copy passes again (as in Spark's dropDuplicatesWithinWatermark),
        // without being remembered, since its own horizon has passed too.
        send(event("e-1", at(0, 0)));
        assertThat(passedBeyondHorizon()).isEqualTo(1);
        harness.processWatermark(at(15, 0));
        assertThat(drain())
                .containsExactly(
                        event("e-1", at(0, 0)), event("e-2", at(5, 0)), event("e-1", at(0, 0)));
        assertThat(dropped()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void manyIdsStateReturnsToZeroOnceTheWatermarkPassesTheirHorizon() throws Exception {
        int ids = 5_000;
        for (int i = 0; i < ids; i++) {
            send(event("id-" + i, at(i % 60, 0)));
            send(event("id-" + i, at(i % 60, 0)));
        }
        assertThat(harness.numKeyedStateEntries()).isEqualTo(ids);
        assertThat(harness.numEventTimeTimers()).isEqualTo(ids);
        assertThat(dropped()).isEqualTo(ids);
        harness.processWatermark(at(59, 0) + HORIZON);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(drain()).hasSize(ids);
    }
}
