package dev.eventflow.jobs.windowagg;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static dev.eventflow.jobs.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.jobs.windowstats.UserIdKey;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Late routing with 5m windows sliding by 1m: an event is late only when all 5 of its windows are
 * closed; late for some of them, it still counts in the open ones and is counted as partially late.
 */
class LateEventRouterTest {

    private final WindowSpec spec = new WindowSpec(5 * MINUTE, MINUTE, 12);
    private LateEventRouter router;
    private KeyedOneInputStreamOperatorTestHarness<String, UserEvent, UserEvent> harness;

    @BeforeEach
    void open() throws Exception {
        router = new LateEventRouter(spec);
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new LateEventRouterOperator(router), new UserIdKey(), Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(UserEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(e, e.eventTime));
    }

    private List<UserEvent> passed() {
        return harness.extractOutputValues();
    }

    private List<LateEvent> late() {
        return harness.getSideOutput(LateEventRouter.LATE) == null
                ? List.of()
                : harness.getSideOutput(LateEventRouter.LATE).stream()
                        .map(StreamRecord::getValue)
                        .collect(Collectors.toList());
    }

    @Test
    void beforeAnyWatermarkNothingIsLate() throws Exception {
        UserEvent e = event("u1", "s1", at(0, 0));
        send(e);
        assertThat(passed()).containsExactly(e);
        assertThat(late()).isEmpty();
    }

    @Test
    void eventWhoseWindowsAreAllClosedGoesToTheSideOutputWithItsLateness() throws Exception {
        // 10:02:30 belongs to windows ending 10:03..10:07; the newest closes at watermark 10:07 -
        // 1ms.
        harness.processWatermark(at(7, 0) - 1);
        UserEvent e = event("u1", "s1", at(2, 30));
        send(e);

        assertThat(passed()).isEmpty();
        assertThat(late()).hasSize(1);
        LateEvent late = late().get(0);
        assertThat(late.event()).isEqualTo(e);
        assertThat(late.watermark()).isEqualTo(at(7, 0) - 1);
        assertThat(late.latenessMs()).isEqualTo(at(7, 0) - 1 - at(2, 30));
        assertThat(router.counts()).containsExactly(1, 0, 0);
    }

    @Test
    void oneMillisecondEarlierTheNewestWindowIsStillOpen() throws Exception {
        harness.processWatermark(at(7, 0) - 2);
        UserEvent e = event("u1", "s1", at(2, 30));
        send(e);
        assertThat(passed()).containsExactly(e);
        assertThat(late()).isEmpty();
        // 4 of its 5 windows are closed: partially late, counted, still passed on for the open one.
        assertThat(router.counts()).containsExactly(0, 1, 4);
    }

    @Test
    void routerKeepsNoStateAndNoTimers() throws Exception {
        harness.processWatermark(at(30, 0));
        for (int i = 0; i < 50; i++) send(event("u" + i, "s", at(i, 0)));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }
}
