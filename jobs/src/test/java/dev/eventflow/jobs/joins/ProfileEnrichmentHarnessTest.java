package dev.eventflow.jobs.joins;

import static dev.eventflow.jobs.TestEvents.at;
import static dev.eventflow.jobs.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.event.UserEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --mode enrich}: the latest profile per user, updates applied to the events after them,
 * tombstones deleting the state, events without a profile emitted with a null one.
 */
class ProfileEnrichmentHarnessTest {

    private KeyedTwoInputStreamOperatorTestHarness<String, UserEvent, ProfileUpdate, EnrichedEvent>
            harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new ProfileEnrichmentFunction()),
                        new JoinKeys.EventUserId(),
                        new JoinKeys.ProfileUserId(),
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private EnrichedEvent enrich(UserEvent e) throws Exception {
        int before = harness.extractOutputValues().size();
        harness.processElement1(new StreamRecord<>(e, e.eventTime));
        assertThat(harness.extractOutputValues()).hasSize(before + 1);
        EnrichedEvent out = harness.extractOutputValues().get(before);
        assertThat(out.event()).isEqualTo(e);
        return out;
    }

    private void profile(ProfileUpdate u) throws Exception {
        harness.processElement2(new StreamRecord<>(u));
    }

    @Test
    void anEventBeforeAnyProfileIsEmittedAtOnceWithANullProfile() throws Exception {
        assertThat(enrich(event("u1", "s", at(0, 0))).profile()).isNull();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void updatesApplyToLaterEventsAndATombstoneDeletesTheProfile() throws Exception {
        UserProfile v1 = new UserProfile("u1", "FR", "new");
        UserProfile v2 = new UserProfile("u1", "FR", "premium");
        profile(ProfileUpdate.upsert(v1));
        assertThat(enrich(event("u1", "s", at(0, 0))).profile()).isEqualTo(v1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        profile(ProfileUpdate.upsert(v2));
        assertThat(enrich(event("u1", "s", at(0, 1))).profile()).isEqualTo(v2);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        profile(ProfileUpdate.delete("u1"));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(enrich(event("u1", "s", at(0, 2))).profile()).isNull();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void profilesAreKeptPerUser() throws Exception {
        profile(ProfileUpdate.upsert(new UserProfile("u1", "FR", null)));
        profile(ProfileUpdate.upsert(new UserProfile("u2", "DE", "b2b")));
        assertThat(enrich(event("u2", "s", at(0, 0))).profile().country).isEqualTo("DE");
        EnrichedEvent u1 = enrich(event("u1", "s", at(0, 0)));
        assertThat(u1.profile().country).isEqualTo("FR");
        assertThat(u1.profile().segment).isNull();
        assertThat(enrich(event("u3", "s", at(0, 0))).profile()).isNull();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
    }

    @Test
    void theOutputFormat() throws Exception {
        UserEvent e = new UserEvent("e1", "u1", "s1", "purchase", at(0, 0), 12.5);
        assertThat(
                        new String(
                                EnrichedEventSerializationSchema.toJson(
                                        new EnrichedEvent(
                                                e, new UserProfile("u1", "FR", "premium")))))
                .isEqualTo(
                        "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"session_id\":\"s1\",\"event_type\":\"purchase\","
                                + "\"event_time\":\"2026-01-01T10:00:00Z\",\"amount\":12.5,"
                                + "\"profile_found\":true,\"country\":\"FR\",\"segment\":\"premium\"}");
        assertThat(new String(EnrichedEventSerializationSchema.toJson(new EnrichedEvent(e, null))))
                .endsWith("\"profile_found\":false,\"country\":null,\"segment\":null}");
    }
}
