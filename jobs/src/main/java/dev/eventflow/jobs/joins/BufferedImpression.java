package dev.eventflow.jobs.joins;

/** An impression held in the outer join's state, and whether any click matched it yet. */
public class BufferedImpression {

    public AdImpression impression;
    public boolean matched;

    public BufferedImpression() {}

    public BufferedImpression(AdImpression impression, boolean matched) {
        this.impression = impression;
        this.matched = matched;
    }
}
