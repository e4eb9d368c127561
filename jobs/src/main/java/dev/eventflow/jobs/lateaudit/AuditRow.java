package dev.eventflow.jobs.lateaudit;

import java.util.Objects;

/**
 * One audit window's row: events per tier, lateness of the late and lost ones (null when there were
 * none), distinct users affected (HLL) and the late ratio. A Flink POJO.
 */
public class AuditRow {

    public long windowStart;
    public long windowEnd;
    public long onTimeCount;
    public long lateCount;
    public long lostCount;
    public Long maxLatenessMs;
    public Long p50LatenessMs;
    public Long p99LatenessMs;
    public long affectedUsers;

    /** {@code (late + lost) / (on_time + late + lost)}. */
    public double lateRatio;

    public AuditRow() {}

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof AuditRow)) return false;
        AuditRow r = (AuditRow) o;
        return windowStart == r.windowStart
                && windowEnd == r.windowEnd
                && onTimeCount == r.onTimeCount
                && lateCount == r.lateCount
                && lostCount == r.lostCount
                && affectedUsers == r.affectedUsers
                && Double.compare(lateRatio, r.lateRatio) == 0
                && Objects.equals(maxLatenessMs, r.maxLatenessMs)
                && Objects.equals(p50LatenessMs, r.p50LatenessMs)
                && Objects.equals(p99LatenessMs, r.p99LatenessMs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(windowStart, onTimeCount, lateCount, lostCount);
    }

    @Override
    public String toString() {
        return "AuditRow{["
                + java.time.Instant.ofEpochMilli(windowStart)
                + ", "
                + java.time.Instant.ofEpochMilli(windowEnd)
                + ") on_time="
                + onTimeCount
                + " late="
                + lateCount
                + " lost="
                + lostCount
                + " max="
                + maxLatenessMs
                + " p50="
                + p50LatenessMs
                + " p99="
                + p99LatenessMs
                + " users="
                + affectedUsers
                + " ratio="
                + lateRatio
                + "}";
    }
}
