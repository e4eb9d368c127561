package dev.eventflow.jobs.lateaudit;

/** Where an event stands against the two watermark tiers when it arrives. */
public enum Tier {
    /** Ahead of the main watermark: the main (fast) tier counts it. */
    ON_TIME,
    /** Behind the main watermark, ahead of the audit watermark: the fast tier missed it. */
    LATE,
    /** Behind the audit watermark too. */
    LOST;

    /** The spelling in output rows: {@code on_time}, {@code late}, {@code lost}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
