package dev.eventflow.jobs.lateaudit;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * Deterministic sampling by event id: an event is sampled when the 64-bit MurmurHash3 of its UTF-8
 * {@code event_id}, read as a fraction in [0, 1), is below the rate. The decision depends on the id
 * only (not on arrival order, parallelism, restarts or the JVM), so a rerun, a replay or a second
 * deployment samples exactly the same events, and a lower rate samples a subset of what a higher
 * rate samples. ({@code String.hashCode} would do none of this well: 32 bits, and poorly mixed for
 * similar ids.)
 */
public final class LateSampler implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Fixed forever: changing it changes which events are sampled. */
    static final long SEED = 0x5eedL;

    private final double rate;

    public LateSampler(double rate) {
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("sample rate must be in (0, 1], got " + rate);
        }
        this.rate = rate;
    }

    public double rate() {
        return rate;
    }

    /** The event id's position in [0, 1): uniform over ids. */
    public static double position(String eventId) {
        long h = MurmurHash3.hash(eventId.getBytes(StandardCharsets.UTF_8), SEED)[0];
        return (h >>> 11) * 0x1.0p-53;
    }

    public boolean sampled(String eventId) {
        return position(eventId) < rate;
    }
}
