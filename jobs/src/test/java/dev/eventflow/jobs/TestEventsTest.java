package dev.eventflow.jobs;

import static dev.eventflow.jobs.TestEvents.at;
import static dev.eventflow.jobs.TestEvents.event;
import static dev.eventflow.jobs.TestEvents.purchase;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.RepeatedTest;

/** Test event ids depend only on the test that creates them, never on the tests that ran before. */
class TestEventsTest {

    @RepeatedTest(3)
    void numberingRestartsForEveryTest() {
        assertThat(event("u", "s", at(0, 0)).eventId).isEqualTo("e-1");
        assertThat(purchase("u", "s", at(0, 1), 1.0).eventId).isEqualTo("e-2");
        assertThat(event("u", "s", at(0, 2)).eventId).isEqualTo("e-3");
    }
}
