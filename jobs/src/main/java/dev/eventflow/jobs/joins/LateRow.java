package dev.eventflow.jobs.joins;

/**
 * An impression or click that arrived after its stream's watermark had passed its event time:
 * exactly one of {@code impression} and {@code click} is set, with the watermark it met and by how
 * much it missed ({@code watermark - event_time}).
 */
public record LateRow(AdImpression impression, AdClick click, long watermark, long latenessMs) {

    public static LateRow of(AdImpression impression, long watermark) {
        return new LateRow(impression, null, watermark, watermark - impression.eventTime());
    }

    public static LateRow of(AdClick click, long watermark) {
        return new LateRow(null, click, watermark, watermark - click.eventTime());
    }

    /** The join key of the row, whichever side it is. */
    public String impressionId() {
        return impression != null ? impression.impressionId() : click.impressionId();
    }

    @Override
    public String toString() {
        return "LateRow{"
                + (impression != null ? impression : click)
                + ", watermark="
                + java.time.Instant.ofEpochMilli(watermark)
                + ", latenessMs="
                + latenessMs
                + "}";
    }
}
