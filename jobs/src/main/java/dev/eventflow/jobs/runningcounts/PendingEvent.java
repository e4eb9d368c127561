package dev.eventflow.jobs.runningcounts;

/**
 * What {@code running-counts --timeout-mode event-time} keeps of an event until the watermark has
 * passed it: its event time and session, nothing else. A Flink POJO (serialized by Flink's {@code
 * PojoSerializer}, never Kryo).
 */
public class PendingEvent {

    public long eventTime;
    public String sessionId;

    public PendingEvent() {}

    public PendingEvent(long eventTime, String sessionId) {
        this.eventTime = eventTime;
        this.sessionId = sessionId;
    }

    @Override
    public String toString() {
        return "PendingEvent{" + eventTime + ", " + sessionId + "}";
    }
}
