package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.flink.SerializerTypeInfo;
import dev.eventflow.common.flink.StateSerializer;
import dev.eventflow.jobs.windowstats.WindowStatsAccumulator;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The per-window layout's accumulator serializer, under the class name that savepoints of that
 * layout recorded ({@code dev.eventflow.jobs.windowagg.WindowStatsAccumulatorSerializer$Snapshot}).
 * The bytes are those of {@link dev.eventflow.jobs.windowstats.WindowStatsAccumulatorSerializer},
 * to which every call is delegated.
 *
 * <p>Kept for two reasons: a savepoint of that layout must still open, so that {@link
 * SlicedWindowOperator} can recognise it and refuse it with instructions (rather than Flink failing
 * on a missing class); and {@link NaiveWindowTopology}, the per-window reference, writes exactly
 * that layout, which the upgrade test uses to make such a savepoint.
 */
public final class WindowStatsAccumulatorSerializer
        extends StateSerializer<WindowStatsAccumulator> {
    private static final long serialVersionUID = 1L;

    public static final WindowStatsAccumulatorSerializer INSTANCE =
            new WindowStatsAccumulatorSerializer();

    public static final TypeInformation<WindowStatsAccumulator> TYPE_INFO =
            new SerializerTypeInfo<>(WindowStatsAccumulator.class, INSTANCE);

    private static final dev.eventflow.jobs.windowstats.WindowStatsAccumulatorSerializer FORMAT =
            dev.eventflow.jobs.windowstats.WindowStatsAccumulatorSerializer.INSTANCE;

    @Override
    public WindowStatsAccumulator createInstance() {
        return FORMAT.createInstance();
    }

    @Override
    public WindowStatsAccumulator copy(WindowStatsAccumulator from) {
        return FORMAT.copy(from);
    }

    @Override
    protected void write(WindowStatsAccumulator a, DataOutputView out) throws IOException {
        FORMAT.serialize(a, out);
    }

    @Override
    protected WindowStatsAccumulator read(DataInputView in) throws IOException {
        return FORMAT.deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        FORMAT.copy(in, out);
    }

    /** Restores the serializer from a savepoint of the per-window layout. */
    public static final class Snapshot
            extends SimpleTypeSerializerSnapshot<WindowStatsAccumulator> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
