package dev.eventflow.common.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The base of the suite's hand-written serializers (sketches and accumulators that would otherwise
 * fall back to Kryo, and the user event on the network): everything but the format itself. A
 * subclass writes {@link #createInstance}, {@link #copy(Object)}, {@link #write}, {@link #read} and
 * declares a public static nested class named {@code Snapshot} with a no-argument constructor
 * (usually a {@code SimpleTypeSerializerSnapshot} of the subclass's {@code INSTANCE}), which {@link
 * #snapshotConfiguration} returns. Savepoints name that class: it never moves or changes name.
 *
 * <p>A versioned serializer ({@link #StateSerializer(int, String)}) writes a format byte first and
 * refuses any other on read, which leaves room to evolve the format; an unversioned one writes the
 * format alone (the HLL sketch's compact image carries its own header).
 *
 * @param <T> the state type; mutable, never reused
 */
public abstract class StateSerializer<T> extends TypeSerializerSingleton<T> {
    private static final long serialVersionUID = 1L;

    private static final int UNVERSIONED = -1;

    private final int format;
    private final String formatName;

    /** A serializer whose format has no version byte. */
    protected StateSerializer() {
        this.format = UNVERSIONED;
        this.formatName = null;
    }

    /**
     * A serializer that writes {@code format} first; {@code formatName} completes the message
     * "unknown ... format N" on a mismatch.
     */
    protected StateSerializer(int format, String formatName) {
        if (format < 0 || format > Byte.MAX_VALUE) throw new IllegalArgumentException("format");
        this.format = format;
        this.formatName = formatName;
    }

    /** Writes {@code value} after the version byte. */
    protected abstract void write(T value, DataOutputView out) throws IOException;

    /** Reads what {@link #write} wrote (the version byte already checked). */
    protected abstract T read(DataInputView in) throws IOException;

    @Override
    public final void serialize(T value, DataOutputView out) throws IOException {
        if (format != UNVERSIONED) out.writeByte(format);
        write(value, out);
    }

    @Override
    public final T deserialize(DataInputView in) throws IOException {
        if (format != UNVERSIONED) {
            byte found = in.readByte();
            if (found != format) {
                throw new IOException("unknown " + formatName + " format " + found);
            }
        }
        return read(in);
    }

    @Override
    public final T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public final T copy(T from, T reuse) {
        return copy(from);
    }

    /** Copies one serialized value; by default through a deserialized copy. */
    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    /** A new instance of the subclass's nested {@code Snapshot} class. */
    @Override
    @SuppressWarnings("unchecked")
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        for (Class<?> nested : getClass().getDeclaredClasses()) {
            if (nested.getSimpleName().equals("Snapshot")
                    && TypeSerializerSnapshot.class.isAssignableFrom(nested)) {
                try {
                    return (TypeSerializerSnapshot<T>) nested.getConstructor().newInstance();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(nested.getName() + " cannot be created", e);
                }
            }
        }
        throw new IllegalStateException(
                getClass().getName() + " declares no public static nested class Snapshot");
    }

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    @Override
    public final int getLength() {
        return -1;
    }
}
