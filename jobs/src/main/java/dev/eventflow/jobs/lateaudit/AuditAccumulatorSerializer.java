package dev.eventflow.jobs.lateaudit;

import dev.eventflow.common.flink.SerializerTypeInfo;
import dev.eventflow.common.sketch.HllSketchSerializer;
import java.io.IOException;
import org.apache.datasketches.kll.KllLongsSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The audit window state format: a version byte, four numbers, the KLL sketch's serialized image
 * (length-prefixed) and the HLL sketch's compact image. No Kryo; the version byte leaves room to
 * evolve.
 */
public final class AuditAccumulatorSerializer extends TypeSerializerSingleton<AuditAccumulator> {
    private static final long serialVersionUID = 1L;

    public static final AuditAccumulatorSerializer INSTANCE = new AuditAccumulatorSerializer();

    public static final TypeInformation<AuditAccumulator> TYPE_INFO =
            new SerializerTypeInfo<>(AuditAccumulator.class, INSTANCE);

    private static final byte FORMAT_V1 = 1;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public AuditAccumulator createInstance() {
        return AuditAccumulator.empty(12);
    }

    @Override
    public AuditAccumulator copy(AuditAccumulator from) {
        AuditAccumulator c =
                new AuditAccumulator(
                        KllLongsSketch.heapify(Memory.wrap(from.lateness.toByteArray())),
                        from.users.copy());
        c.onTime = from.onTime;
        c.late = from.late;
        c.lost = from.lost;
        c.maxLatenessMs = from.maxLatenessMs;
        return c;
    }

    @Override
    public AuditAccumulator copy(AuditAccumulator from, AuditAccumulator reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(AuditAccumulator a, DataOutputView out) throws IOException {
        out.writeByte(FORMAT_V1);
        out.writeLong(a.onTime);
        out.writeLong(a.late);
        out.writeLong(a.lost);
        out.writeLong(a.maxLatenessMs);
        byte[] kll = a.lateness.toByteArray();
        out.writeInt(kll.length);
        out.write(kll);
        HllSketchSerializer.INSTANCE.serialize(a.users, out);
    }

    @Override
    public AuditAccumulator deserialize(DataInputView in) throws IOException {
        byte format = in.readByte();
        if (format != FORMAT_V1) throw new IOException("unknown audit state format " + format);
        long onTime = in.readLong();
        long late = in.readLong();
        long lost = in.readLong();
        long max = in.readLong();
        byte[] kll = new byte[in.readInt()];
        in.readFully(kll);
        AuditAccumulator a =
                new AuditAccumulator(
                        KllLongsSketch.heapify(Memory.wrap(kll)),
                        HllSketchSerializer.INSTANCE.deserialize(in));
        a.onTime = onTime;
        a.late = late;
        a.lost = lost;
        a.maxLatenessMs = max;
        return a;
    }

    @Override
    public AuditAccumulator deserialize(AuditAccumulator reuse, DataInputView in)
            throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<AuditAccumulator> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer from a savepoint. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<AuditAccumulator> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
