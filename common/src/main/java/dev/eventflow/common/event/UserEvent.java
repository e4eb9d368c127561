package dev.eventflow.common.event;

import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One user event from the input topic (the format in the README, "Formats"). Public fields and a
 * no-argument constructor; between operators it travels with the hand-written {@link
 * UserEventSerializer} (declared here with {@code @TypeInfo}, so every stream of events uses it):
 * no reflection and no Kryo on the hot path. No job keeps raw events in state.
 */
@TypeInfo(UserEventSerializer.Factory.class)
public class UserEvent {

    /** The event type the window aggregation's conditional count ({@code purchases}) looks for. */
    public static final String PURCHASE = "purchase";

    public String eventId;
    public String userId;
    public String sessionId;
    public String eventType;

    /** Event time, epoch milliseconds UTC. */
    public long eventTime;

    /** Optional; null when the event carries no amount. */
    public Double amount;

    public UserEvent() {}

    public UserEvent(
            String eventId,
            String userId,
            String sessionId,
            String eventType,
            long eventTime,
            Double amount) {
        this.eventId = eventId;
        this.userId = userId;
        this.sessionId = sessionId;
        this.eventType = eventType;
        this.eventTime = eventTime;
        this.amount = amount;
    }

    public boolean isPurchase() {
        return PURCHASE.equals(eventType);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof UserEvent)) return false;
        UserEvent that = (UserEvent) o;
        return eventTime == that.eventTime
                && Objects.equals(eventId, that.eventId)
                && Objects.equals(userId, that.userId)
                && Objects.equals(sessionId, that.sessionId)
                && Objects.equals(eventType, that.eventType)
                && Objects.equals(amount, that.amount);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, userId, sessionId, eventType, eventTime, amount);
    }

    @Override
    public String toString() {
        return "UserEvent{"
                + "eventId='"
                + eventId
                + '\''
                + ", userId='"
                + userId
                + '\''
                + ", sessionId='"
                + sessionId
                + '\''
                + ", eventType='"
                + eventType
                + '\''
                + ", eventTime="
                + java.time.Instant.ofEpochMilli(eventTime)
                + ", amount="
                + amount
                + '}';
    }
}
