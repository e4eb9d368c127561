package dev.eventflow.jobs.lateaudit;

/**
 * One audit window's row: events per tier, lateness of the late and lost ones (null when there were
 * none), distinct users affected (HLL) and the late ratio.
 *
 * @param lateRatio {@code (late + lost) / (on_time + late + lost)}
 */
public record AuditRow(
        long windowStart,
        long windowEnd,
        long onTimeCount,
        long lateCount,
        long lostCount,
        Long maxLatenessMs,
        Long p50LatenessMs,
        Long p99LatenessMs,
        long affectedUsers,
        double lateRatio) {}
