package dev.eventflow.sql;

import dev.eventflow.common.flink.StateSerializer;
import dev.eventflow.common.sketch.HllSketchSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * SQL state serializer of the HLL accumulator: exactly common's {@link HllSketchSerializer} format
 * (the sketch's compact image), so SQL and DataStream state hold the same bytes for the same
 * sessions. Declared as the RAW type's serializer in {@link HllCountDistinct}: no Kryo.
 */
public final class HllAccumulatorSerializer extends StateSerializer<HllAccumulator> {
    private static final long serialVersionUID = 1L;

    public static final HllAccumulatorSerializer INSTANCE = new HllAccumulatorSerializer();

    @Override
    public HllAccumulator createInstance() {
        return new HllAccumulator();
    }

    @Override
    public HllAccumulator copy(HllAccumulator from) {
        return new HllAccumulator(from.sketch.copy());
    }

    @Override
    protected void write(HllAccumulator record, DataOutputView target) throws IOException {
        HllSketchSerializer.INSTANCE.serialize(record.sketch, target);
    }

    @Override
    protected HllAccumulator read(DataInputView source) throws IOException {
        return new HllAccumulator(HllSketchSerializer.INSTANCE.deserialize(source));
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        HllSketchSerializer.INSTANCE.copy(source, target);
    }

    /** Restores the serializer from a savepoint. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<HllAccumulator> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
