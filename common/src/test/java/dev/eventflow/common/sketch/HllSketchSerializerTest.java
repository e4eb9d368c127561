package dev.eventflow.common.sketch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HllSketchSerializerTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 100, 5_000, 200_000})
    void roundTripKeepsTheEstimateAndStaysCompact(int distinct) throws Exception {
        HllSketch sketch = HllSketches.create(HllSketches.DEFAULT_LG_K);
        IntStream.range(0, distinct).forEach(i -> sketch.update("session-" + i));

        DataOutputSerializer out = new DataOutputSerializer(64);
        HllSketchSerializer.INSTANCE.serialize(sketch, out);
        HllSketch back =
                HllSketchSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(back.getEstimate()).isEqualTo(sketch.getEstimate());
        assertThat(back.getLgConfigK()).isEqualTo(HllSketches.DEFAULT_LG_K);
        // Fixed memory whatever the cardinality: Spark's "~1-2 KB" claim, checked.
        assertThat(out.length()).isLessThanOrEqualTo(2_700);
        // The copy is independent and still updatable.
        back.update("one-more");
        assertThat(sketch.getEstimate())
                .isEqualTo(HllSketchSerializer.INSTANCE.copy(sketch).getEstimate());
    }

    @Test
    void estimateIsWithinThreeStandardErrors() {
        int distinct = 100_000;
        HllSketch sketch = HllSketches.create(12);
        IntStream.range(0, distinct).forEach(i -> sketch.update("s" + i));
        double error = Math.abs(sketch.getEstimate() - distinct) / distinct;
        assertThat(error).isLessThan(3 * HllSketches.relativeStandardError(12));
    }

    @Test
    void mergeIsTheUnion() {
        HllSketch a = HllSketches.create(12);
        HllSketch b = HllSketches.create(12);
        IntStream.range(0, 50).forEach(i -> a.update("s" + i));
        IntStream.range(25, 75).forEach(i -> b.update("s" + i));
        assertThat(HllSketches.estimate(HllSketches.merge(a, b))).isEqualTo(75);
    }

    @Test
    void copyOfSerializedBytesIsExact() throws Exception {
        HllSketch sketch = HllSketches.create(10);
        IntStream.range(0, 1000).forEach(i -> sketch.update(i));
        DataOutputSerializer out = new DataOutputSerializer(64);
        HllSketchSerializer.INSTANCE.serialize(sketch, out);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        HllSketchSerializer.INSTANCE.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
    }
}
