package dev.eventflow.jobs.joins;

/** A click held in the outer join's state, and whether any impression matched it yet. */
public class BufferedClick {

    public AdClick click;
    public boolean matched;

    public BufferedClick() {}

    public BufferedClick(AdClick click, boolean matched) {
        this.click = click;
        this.matched = matched;
    }
}
