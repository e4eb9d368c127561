package dev.eventflow.jobs.lateaudit;

import dev.eventflow.common.flink.SerializerTypeInfo;
import dev.eventflow.common.flink.StateSerializer;
import dev.eventflow.common.sketch.HllSketchSerializer;
import java.io.IOException;
import org.apache.datasketches.kll.KllLongsSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The audit window state format: a version byte, four numbers, the KLL sketch's serialized image
 * (length-prefixed) and the HLL sketch's compact image. No Kryo; the version byte leaves room to
 * evolve.
 */
public final class AuditAccumulatorSerializer extends StateSerializer<AuditAccumulator> {
    private static final long serialVersionUID = 1L;

    public static final AuditAccumulatorSerializer INSTANCE = new AuditAccumulatorSerializer();

    public static final TypeInformation<AuditAccumulator> TYPE_INFO =
            new SerializerTypeInfo<>(AuditAccumulator.class, INSTANCE);

    private AuditAccumulatorSerializer() {
        super(1, "audit state");
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
    protected void write(AuditAccumulator a, DataOutputView out) throws IOException {
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
    protected AuditAccumulator read(DataInputView in) throws IOException {
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

    /** Restores the serializer from a savepoint. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<AuditAccumulator> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
