package dev.eventflow.jobs.windowstats;

import dev.eventflow.common.flink.SerializerTypeInfo;
import dev.eventflow.common.flink.StateSerializer;
import dev.eventflow.common.sketch.HllSketchSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The window state format, explicit and compact: a format version byte, six numbers, and the
 * sketch's compact image. Writing it by hand keeps Kryo out of savepoints; the leading version byte
 * leaves room to read old state if the accumulator ever grows a field.
 */
public final class WindowStatsAccumulatorSerializer
        extends StateSerializer<WindowStatsAccumulator> {
    private static final long serialVersionUID = 1L;

    public static final WindowStatsAccumulatorSerializer INSTANCE =
            new WindowStatsAccumulatorSerializer();

    public static final TypeInformation<WindowStatsAccumulator> TYPE_INFO =
            new SerializerTypeInfo<>(WindowStatsAccumulator.class, INSTANCE);

    private WindowStatsAccumulatorSerializer() {
        super(1, "window accumulator");
    }

    @Override
    public WindowStatsAccumulator createInstance() {
        return WindowStatsAccumulator.empty(12);
    }

    @Override
    public WindowStatsAccumulator copy(WindowStatsAccumulator from) {
        return from.copy();
    }

    @Override
    protected void write(WindowStatsAccumulator a, DataOutputView out) throws IOException {
        out.writeLong(a.events);
        out.writeLong(a.purchases);
        out.writeLong(a.amountCount);
        out.writeDouble(a.sumAmount);
        out.writeDouble(a.minAmount);
        out.writeDouble(a.maxAmount);
        HllSketchSerializer.INSTANCE.serialize(a.sessions, out);
    }

    @Override
    protected WindowStatsAccumulator read(DataInputView in) throws IOException {
        long events = in.readLong();
        long purchases = in.readLong();
        long amountCount = in.readLong();
        double sum = in.readDouble();
        double min = in.readDouble();
        double max = in.readDouble();
        WindowStatsAccumulator a =
                new WindowStatsAccumulator(HllSketchSerializer.INSTANCE.deserialize(in));
        a.events = events;
        a.purchases = purchases;
        a.amountCount = amountCount;
        a.sumAmount = sum;
        a.minAmount = min;
        a.maxAmount = max;
        return a;
    }

    /** Restores the serializer from a savepoint. */
    public static final class Snapshot
            extends SimpleTypeSerializerSnapshot<WindowStatsAccumulator> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
