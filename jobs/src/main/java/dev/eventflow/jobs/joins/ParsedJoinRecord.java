package dev.eventflow.jobs.joins;

import dev.eventflow.common.event.DeadLetter;

/**
 * The former envelope of the {@code joins} inputs: exactly one field is set, the parsed impression,
 * click or profile update, or the {@link DeadLetter} when the record is malformed. The job now uses
 * common's generic {@link dev.eventflow.common.event.Parsed}; this class stays only for the
 * benchmark harness, which builds join inputs by hand, until it moves to {@code Parsed}.
 *
 * @deprecated use {@code Parsed<AdImpression>}, {@code Parsed<AdClick>}, {@code
 *     Parsed<ProfileUpdate>}
 */
@Deprecated
public class ParsedJoinRecord {

    public AdImpression impression;
    public AdClick click;
    public ProfileUpdate profile;
    public DeadLetter deadLetter;

    public ParsedJoinRecord() {}

    public static ParsedJoinRecord of(AdImpression impression) {
        ParsedJoinRecord r = new ParsedJoinRecord();
        r.impression = impression;
        return r;
    }

    public static ParsedJoinRecord of(AdClick click) {
        ParsedJoinRecord r = new ParsedJoinRecord();
        r.click = click;
        return r;
    }

    public static ParsedJoinRecord of(ProfileUpdate profile) {
        ParsedJoinRecord r = new ParsedJoinRecord();
        r.profile = profile;
        return r;
    }

    public static ParsedJoinRecord of(DeadLetter deadLetter) {
        ParsedJoinRecord r = new ParsedJoinRecord();
        r.deadLetter = deadLetter;
        return r;
    }

    public boolean isDeadLetter() {
        return deadLetter != null;
    }

    /** Event time of an impression or click; {@code Long.MIN_VALUE} for anything else. */
    public long eventTime() {
        if (impression != null) return impression.eventTime;
        if (click != null) return click.eventTime;
        return Long.MIN_VALUE;
    }

    @Override
    public String toString() {
        if (impression != null) return impression.toString();
        if (click != null) return click.toString();
        if (profile != null) return profile.toString();
        return String.valueOf(deadLetter);
    }
}
