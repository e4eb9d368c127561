package dev.eventflow.common.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.junit.jupiter.api.Test;

class StateSerializerTest {

    /** A versioned serializer of a mutable pair of longs. */
    static final class Pairs extends StateSerializer<long[]> {
        private static final long serialVersionUID = 1L;
        static final Pairs INSTANCE = new Pairs();

        private Pairs() {
            super(3, "pair");
        }

        @Override
        public long[] createInstance() {
            return new long[2];
        }

        @Override
        public long[] copy(long[] from) {
            return from.clone();
        }

        @Override
        protected void write(long[] value, DataOutputView out) throws IOException {
            out.writeLong(value[0]);
            out.writeLong(value[1]);
        }

        @Override
        protected long[] read(DataInputView in) throws IOException {
            return new long[] {in.readLong(), in.readLong()};
        }

        @Override
        public TypeSerializerSnapshot<long[]> snapshotConfiguration() {
            return new SimpleTypeSerializerSnapshot<>(() -> INSTANCE) {};
        }
    }

    @Test
    void writesTheFormatByteFirstAndReadsItBack() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(32);
        Pairs.INSTANCE.serialize(new long[] {7, -1}, out);
        byte[] bytes = out.getCopyOfBuffer();
        assertThat(bytes).hasSize(17);
        assertThat(bytes[0]).isEqualTo((byte) 3);
        assertThat(Pairs.INSTANCE.deserialize(new DataInputDeserializer(bytes)))
                .containsExactly(7, -1);
        assertThat(Pairs.INSTANCE.deserialize(new long[2], new DataInputDeserializer(bytes)))
                .containsExactly(7, -1);

        DataOutputSerializer copied = new DataOutputSerializer(32);
        Pairs.INSTANCE.copy(new DataInputDeserializer(bytes), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(bytes);
    }

    @Test
    void refusesAnotherFormatNamingIt() {
        byte[] bytes = new byte[17];
        bytes[0] = 9;
        assertThatThrownBy(() -> Pairs.INSTANCE.deserialize(new DataInputDeserializer(bytes)))
                .isInstanceOf(IOException.class)
                .hasMessage("unknown pair format 9");
    }

    @Test
    void copiesAreDeepAndTheSerializerIsAMutableTypeSingleton() {
        long[] a = {1, 2};
        long[] b = Pairs.INSTANCE.copy(a, new long[2]);
        b[0] = 5;
        assertThat(a).containsExactly(1, 2);
        assertThat(Pairs.INSTANCE.isImmutableType()).isFalse();
        assertThat(Pairs.INSTANCE.getLength()).isEqualTo(-1);
        assertThat(Pairs.INSTANCE.duplicate()).isSameAs(Pairs.INSTANCE);
    }
}
