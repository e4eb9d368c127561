package dev.eventflow.jobs.joins;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.metrics.SuiteMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Stream-static enrichment, keyed by user_id: every user event leaves at once with the latest
 * profile of its user, held in keyed state and maintained from the compacted profiles topic. A
 * profile update replaces the state and applies to every event processed after it (no restart, no
 * reload); a tombstone deletes it. An event whose user has no profile (none yet, or deleted) is
 * emitted with a null profile and counted in {@code eventsWithoutProfile}: it is not held back,
 * because a user may never get a profile and holding events would add unbounded latency and state.
 *
 * <p>Keyed rather than broadcast state: each profile lives on one subtask, so the table may be as
 * large as the cluster's state, not as one TaskManager's memory. State is one entry per user with a
 * live profile, exactly what the compacted topic holds; there is no TTL, because a profile stays
 * valid until its tombstone, however long the user is inactive.
 */
public final class ProfileEnrichmentFunction
        extends KeyedCoProcessFunction<String, UserEvent, ProfileUpdate, EnrichedEvent> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<UserProfile> profile;

    /** Events enriched with no profile (none known yet for the user). */
    public static final String EVENTS_WITHOUT_PROFILE = "eventflow_events_without_profile_total";

    private transient Counter eventsWithoutProfile;

    @Override
    public void open(OpenContext openContext) {
        profile =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("profile", UserProfile.class));
        eventsWithoutProfile = SuiteMetrics.of(getRuntimeContext()).counter(EVENTS_WITHOUT_PROFILE);
    }

    @Override
    public void processElement1(UserEvent event, Context ctx, Collector<EnrichedEvent> out)
            throws Exception {
        UserProfile current = profile.value();
        if (current == null) eventsWithoutProfile.inc();
        out.collect(new EnrichedEvent(event, current));
    }

    @Override
    public void processElement2(ProfileUpdate update, Context ctx, Collector<EnrichedEvent> out)
            throws Exception {
        if (update.isDelete()) {
            profile.clear();
        } else {
            profile.update(update.profile());
        }
    }
}
