package dev.eventflow.jobs.windowstats;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Which windows an event belongs to, and when each is closed: the arithmetic behind late routing. A
 * 5m/1m sliding window puts every event in 5 windows; a window [s, s+5m) closes once the watermark
 * reaches s+5m-1ms.
 */
class WindowSpecTest {

    private final WindowSpec sliding = new WindowSpec(5 * MINUTE, MINUTE, 12);
    private final WindowSpec tumbling = new WindowSpec(5 * MINUTE, 5 * MINUTE, 12);

    @Test
    void everyEventIsInSizeOverSlideWindows() {
        long t = T0 + 7 * MINUTE + 30_000; // 10:07:30
        assertThat(sliding.lastWindowStart(t)).isEqualTo(T0 + 7 * MINUTE);
        assertThat(sliding.firstWindowStart(t)).isEqualTo(T0 + 3 * MINUTE);
        assertThat(sliding.windowsPerEvent(t)).isEqualTo(5);
        assertThat(tumbling.windowsPerEvent(t)).isEqualTo(1);
        assertThat(tumbling.firstWindowStart(t)).isEqualTo(T0 + 5 * MINUTE);
        // An event exactly on a boundary starts a window and is not in the one ending there.
        assertThat(sliding.firstWindowStart(T0 + 5 * MINUTE)).isEqualTo(T0 + MINUTE);
    }

    @Test
    void windowsCloseWhenTheWatermarkReachesTheirLastMillisecond() {
        long t = T0 + 7 * MINUTE + 30_000; // windows start 10:03..10:07, end 10:08..10:12
        assertThat(sliding.closedWindows(t, T0 + 8 * MINUTE - 2)).isZero();
        assertThat(sliding.closedWindows(t, T0 + 8 * MINUTE - 1))
                .isEqualTo(1); // [10:03, 10:08) closed
        assertThat(sliding.closedWindows(t, T0 + 11 * MINUTE)).isEqualTo(4); // ends 10:08..10:11
        assertThat(sliding.closedWindows(t, T0 + 12 * MINUTE - 1)).isEqualTo(5); // all closed: late
        assertThat(tumbling.closedWindows(t, T0 + 10 * MINUTE - 2)).isZero();
        assertThat(tumbling.closedWindows(t, T0 + 10 * MINUTE - 1)).isEqualTo(1);
    }

    @Test
    void slideThatDoesNotDivideSize() {
        WindowSpec odd = new WindowSpec(5 * MINUTE, 2 * MINUTE, 12);
        // windows start at even minutes; 10:05:00 is in [10:02,10:07) and [10:04,10:09)
        assertThat(odd.windowsPerEvent(T0 + 5 * MINUTE)).isEqualTo(3 - 1);
        // 10:04:30 is in [10:00,10:05), [10:02,10:07), [10:04,10:09)
        assertThat(odd.windowsPerEvent(T0 + 4 * MINUTE + 30_000)).isEqualTo(3);
    }
}
