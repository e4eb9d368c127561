package dev.eventflow.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The wire format of user events between operators: lossless, and picked by type extraction. */
class UserEventSerializerTest {

    private static UserEvent roundTrip(UserEvent e) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        UserEventSerializer.INSTANCE.serialize(e, out);
        return UserEventSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void everyFieldSurvivesWithAndWithoutAnAmount() throws Exception {
        UserEvent withAmount =
                new UserEvent("e-1", "ü-7", "s-9", "purchase", 1_767_261_600_123L, 12.34);
        UserEvent without = new UserEvent("e-2", "u-7", "s-9", "page_view", -5L, null);
        UserEvent nulls = new UserEvent(null, "u-7", null, null, 0L, null);
        assertThat(roundTrip(withAmount)).isEqualTo(withAmount);
        assertThat(roundTrip(without)).isEqualTo(without);
        assertThat(roundTrip(without).amount).isNull();
        assertThat(roundTrip(nulls)).isEqualTo(nulls);
        assertThat(UserEventSerializer.INSTANCE.copy(withAmount))
                .isEqualTo(withAmount)
                .isNotSameAs(withAmount);
    }

    @Test
    void typeExtractionUsesItInsteadOfThePojoSerializer() {
        TypeInformation<UserEvent> type = TypeInformation.of(UserEvent.class);
        assertThat(type.createSerializer(new SerializerConfigImpl()))
                .isSameAs(UserEventSerializer.INSTANCE);
    }
}
