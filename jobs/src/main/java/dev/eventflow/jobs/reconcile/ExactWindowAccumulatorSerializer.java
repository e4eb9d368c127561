package dev.eventflow.jobs.reconcile;

import dev.eventflow.common.flink.SerializerTypeInfo;
import dev.eventflow.common.flink.StateSerializer;
import dev.eventflow.jobs.windowstats.WindowStatsAccumulatorSerializer;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The exact accumulator's format: a version byte, {@code window-aggregation}'s accumulator in its
 * own format, then the session count and the sessions. No Kryo.
 */
public final class ExactWindowAccumulatorSerializer
        extends StateSerializer<ExactWindowAccumulator> {
    private static final long serialVersionUID = 1L;

    public static final ExactWindowAccumulatorSerializer INSTANCE =
            new ExactWindowAccumulatorSerializer();

    public static final TypeInformation<ExactWindowAccumulator> TYPE_INFO =
            new SerializerTypeInfo<>(ExactWindowAccumulator.class, INSTANCE);

    private ExactWindowAccumulatorSerializer() {
        super(1, "exact window");
    }

    @Override
    public ExactWindowAccumulator createInstance() {
        return new ExactWindowAccumulator(
                WindowStatsAccumulatorSerializer.INSTANCE.createInstance());
    }

    @Override
    public ExactWindowAccumulator copy(ExactWindowAccumulator from) {
        return new ExactWindowAccumulator(
                WindowStatsAccumulatorSerializer.INSTANCE.copy(from.stats),
                new HashSet<>(from.sessions));
    }

    @Override
    protected void write(ExactWindowAccumulator a, DataOutputView out) throws IOException {
        WindowStatsAccumulatorSerializer.INSTANCE.serialize(a.stats, out);
        out.writeInt(a.sessions.size());
        for (String s : a.sessions) out.writeUTF(s);
    }

    @Override
    protected ExactWindowAccumulator read(DataInputView in) throws IOException {
        ExactWindowAccumulator a =
                new ExactWindowAccumulator(
                        WindowStatsAccumulatorSerializer.INSTANCE.deserialize(in));
        int n = in.readInt();
        Set<String> sessions = a.sessions;
        for (int i = 0; i < n; i++) sessions.add(in.readUTF());
        return a;
    }

    /** Restores the serializer from a savepoint. */
    public static final class Snapshot
            extends SimpleTypeSerializerSnapshot<ExactWindowAccumulator> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
