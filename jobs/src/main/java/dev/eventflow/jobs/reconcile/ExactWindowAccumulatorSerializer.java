package dev.eventflow.jobs.reconcile;

import dev.eventflow.common.flink.SerializerTypeInfo;
import dev.eventflow.jobs.windowstats.WindowStatsAccumulatorSerializer;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The exact accumulator's format: a version byte, {@code window-aggregation}'s accumulator in its
 * own format, then the session count and the sessions. No Kryo.
 */
public final class ExactWindowAccumulatorSerializer
        extends TypeSerializerSingleton<ExactWindowAccumulator> {
    private static final long serialVersionUID = 1L;

    public static final ExactWindowAccumulatorSerializer INSTANCE =
            new ExactWindowAccumulatorSerializer();

    public static final TypeInformation<ExactWindowAccumulator> TYPE_INFO =
            new SerializerTypeInfo<>(ExactWindowAccumulator.class, INSTANCE);

    private static final byte FORMAT_V1 = 1;

    @Override
    public boolean isImmutableType() {
        return false;
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
    public ExactWindowAccumulator copy(ExactWindowAccumulator from, ExactWindowAccumulator reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ExactWindowAccumulator a, DataOutputView out) throws IOException {
        out.writeByte(FORMAT_V1);
        WindowStatsAccumulatorSerializer.INSTANCE.serialize(a.stats, out);
        out.writeInt(a.sessions.size());
        for (String s : a.sessions) out.writeUTF(s);
    }

    @Override
    public ExactWindowAccumulator deserialize(DataInputView in) throws IOException {
        byte format = in.readByte();
        if (format != FORMAT_V1) throw new IOException("unknown exact window format " + format);
        ExactWindowAccumulator a =
                new ExactWindowAccumulator(
                        WindowStatsAccumulatorSerializer.INSTANCE.deserialize(in));
        int n = in.readInt();
        Set<String> sessions = a.sessions;
        for (int i = 0; i < n; i++) sessions.add(in.readUTF());
        return a;
    }

    @Override
    public ExactWindowAccumulator deserialize(ExactWindowAccumulator reuse, DataInputView in)
            throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<ExactWindowAccumulator> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer from a savepoint. */
    public static final class Snapshot
            extends SimpleTypeSerializerSnapshot<ExactWindowAccumulator> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
