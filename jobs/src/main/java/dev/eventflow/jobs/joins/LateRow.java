package dev.eventflow.jobs.joins;

/**
 * An impression or click that arrived after its stream's watermark had passed its event time:
 * exactly one of {@link #impression} and {@link #click} is set, with the watermark it met and by
 * how much it missed ({@code watermark - event_time}). A Flink POJO.
 */
public class LateRow {

    public AdImpression impression;
    public AdClick click;
    public long watermark;
    public long latenessMs;

    public LateRow() {}

    public static LateRow of(AdImpression impression, long watermark) {
        LateRow r = new LateRow();
        r.impression = impression;
        r.watermark = watermark;
        r.latenessMs = watermark - impression.eventTime;
        return r;
    }

    public static LateRow of(AdClick click, long watermark) {
        LateRow r = new LateRow();
        r.click = click;
        r.watermark = watermark;
        r.latenessMs = watermark - click.eventTime;
        return r;
    }

    /** The join key of the row, whichever side it is. */
    public String impressionId() {
        return impression != null ? impression.impressionId : click.impressionId;
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
