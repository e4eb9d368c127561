package dev.eventflow.common.sketch;

import dev.eventflow.common.flink.StateSerializer;
import java.io.IOException;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink state serializer for an {@link HllSketch}: a length-prefixed DataSketches compact image,
 * which is a stable, versioned, cross-language format (the sketch library reads images written by
 * older versions). Nothing goes through Kryo, so savepoints survive library and Flink upgrades. The
 * lgK travels inside the image, so one serializer serves every lgK.
 */
public final class HllSketchSerializer extends StateSerializer<HllSketch> {
    private static final long serialVersionUID = 1L;

    public static final HllSketchSerializer INSTANCE = new HllSketchSerializer();

    @Override
    public HllSketch createInstance() {
        return HllSketches.create(HllSketches.DEFAULT_LG_K);
    }

    @Override
    public HllSketch copy(HllSketch from) {
        return from.copy();
    }

    @Override
    protected void write(HllSketch sketch, DataOutputView target) throws IOException {
        byte[] bytes = HllSketches.toBytes(sketch);
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    @Override
    protected HllSketch read(DataInputView source) throws IOException {
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        return HllSketches.fromBytes(bytes);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    /**
     * Restores the serializer from a savepoint; public with a no-arg constructor, as Flink
     * requires.
     */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<HllSketch> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
