package dev.eventflow.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one rule every late-routing operator restores its watermark by. */
class WatermarkFloorTest {

    @Test
    void aRestoreTakesTheMinimumOverTheSubtasksEntries() {
        assertThat(WatermarkFloor.restoredValue(List.of(900L, 700L, 800L))).isEqualTo(700L);
        assertThat(WatermarkFloor.restoredValue(List.of(5L))).isEqualTo(5L);
    }

    @Test
    void withoutEntriesThereIsNoFloor() {
        assertThat(WatermarkFloor.restoredValue(List.of())).isEqualTo(Long.MIN_VALUE);
        assertThat(WatermarkFloor.restoredValue(null)).isEqualTo(Long.MIN_VALUE);
        assertThat(WatermarkFloor.restoredValue(Arrays.asList((Long) null)))
                .isEqualTo(Long.MIN_VALUE);
        assertThat(WatermarkFloor.detached(Long.MIN_VALUE).wasRestored()).isFalse();
        assertThat(WatermarkFloor.detached(700L).wasRestored()).isTrue();
    }

    @Test
    void itNeverGoesBackwards() {
        WatermarkFloor floor = WatermarkFloor.detached(Long.MIN_VALUE);
        assertThat(floor.get()).isEqualTo(Long.MIN_VALUE);
        assertThat(floor.advance(100L)).isTrue();
        assertThat(floor.advance(100L)).isFalse();
        assertThat(floor.advance(50L)).isFalse();
        assertThat(floor.get()).isEqualTo(100L);
        assertThat(floor.advance(150L)).isTrue();
        assertThat(floor.get()).isEqualTo(150L);
        assertThat(floor.checkpointValue()).isEqualTo(150L);
    }

    @Test
    void aRestoredFloorHoldsAgainstTheRestartedSourcesWatermarks() {
        WatermarkFloor floor = WatermarkFloor.detached(700L);
        assertThat(floor.advance(Long.MIN_VALUE)).isFalse();
        assertThat(floor.advance(10L)).isFalse();
        assertThat(floor.advance(700L)).isFalse();
        assertThat(floor.get()).isEqualTo(700L);
        assertThat(floor.checkpointValue()).isEqualTo(700L);
        assertThat(floor.advance(701L)).isTrue();
    }

    @Test
    void theEndOfInputIsFollowedButNeverCheckpointed() {
        WatermarkFloor floor = WatermarkFloor.detached(Long.MIN_VALUE);
        floor.advance(100L);
        assertThat(floor.advance(Long.MAX_VALUE)).isTrue();
        assertThat(floor.get()).isEqualTo(Long.MAX_VALUE);
        assertThat(floor.checkpointValue()).isEqualTo(100L);
    }
}
