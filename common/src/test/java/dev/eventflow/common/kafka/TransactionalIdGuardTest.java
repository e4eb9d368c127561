package dev.eventflow.common.kafka;

import static org.apache.kafka.clients.admin.TransactionState.COMPLETE_ABORT;
import static org.apache.kafka.clients.admin.TransactionState.COMPLETE_COMMIT;
import static org.apache.kafka.clients.admin.TransactionState.EMPTY;
import static org.apache.kafka.clients.admin.TransactionState.ONGOING;
import static org.apache.kafka.clients.admin.TransactionState.PREPARE_ABORT;
import static org.apache.kafka.clients.admin.TransactionState.PREPARE_COMMIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.OptionSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * What {@link TransactionalIdGuard} counts as a live writer: the states a transaction reaches only
 * through its producer, never through the broker's own clean-up of a crashed predecessor.
 */
class TransactionalIdGuardTest {

    @Test
    void aTransactionalIdThatWasNotThereBeforeIsALiveWriter() {
        assertThat(
                        TransactionalIdGuard.liveWriterEvidence(
                                Map.of("p-out-0-4", COMPLETE_COMMIT),
                                Map.of("p-out-0-4", COMPLETE_COMMIT, "p-out-0-5", EMPTY)))
                .containsExactly("new transactional id p-out-0-5 (Empty)");
    }

    @Test
    void aTransactionBegunOrCommittedByItsProducerIsALiveWriter() {
        assertThat(
                        TransactionalIdGuard.liveWriterEvidence(
                                Map.of("p-out-0-4", EMPTY), Map.of("p-out-0-4", ONGOING)))
                .containsExactly("p-out-0-4 went from Empty to Ongoing");
        assertThat(
                        TransactionalIdGuard.liveWriterEvidence(
                                Map.of("p-out-0-4", ONGOING), Map.of("p-out-0-4", COMPLETE_COMMIT)))
                .hasSize(1);
        assertThat(
                        TransactionalIdGuard.liveWriterEvidence(
                                Map.of("p-out-0-4", COMPLETE_ABORT), Map.of("p-out-0-4", EMPTY)))
                .as("re-initialized after an abort")
                .hasSize(1);
    }

    @Test
    void theBrokersCleanUpAfterACrashedPredecessorIsNoEvidence() {
        // The broker aborts a transaction that outlived its timeout ...
        assertThat(
                        TransactionalIdGuard.liveWriterEvidence(
                                Map.of("p-out-0-4", ONGOING), Map.of("p-out-0-4", PREPARE_ABORT)))
                .isEmpty();
        assertThat(
                        TransactionalIdGuard.liveWriterEvidence(
                                Map.of("p-out-0-4", ONGOING), Map.of("p-out-0-4", COMPLETE_ABORT)))
                .isEmpty();
        // ... and completes a commit its producer had requested before dying.
        assertThat(
                        TransactionalIdGuard.liveWriterEvidence(
                                Map.of("p-out-0-4", PREPARE_COMMIT),
                                Map.of("p-out-0-4", COMPLETE_COMMIT)))
                .isEmpty();
        // A transactional id that expired is gone: nothing new either.
        assertThat(
                        TransactionalIdGuard.liveWriterEvidence(
                                Map.of("p-out-0-4", COMPLETE_COMMIT), Map.of()))
                .isEmpty();
    }

    @Test
    void onlyTheIdsOfThisPrefixAndTheSuitesSinkRolesAreWatched() {
        Pattern ids = TransactionalIdGuard.transactionalIds("eventflow-dedup-events");
        assertThat(ids.matcher("eventflow-dedup-events-out-0-12").matches()).isTrue();
        assertThat(ids.matcher("eventflow-dedup-events-dlq-jdbc-1-3").matches()).isTrue();
        assertThat(ids.matcher("eventflow-dedup-events-late-2-0").matches()).isTrue();
        // A deployment whose prefix extends this one writes its own ids.
        assertThat(ids.matcher("eventflow-dedup-events-clean-out-0-12").matches()).isFalse();
        assertThat(ids.matcher("eventflow-dedup-events-v2-out-0-12").matches()).isFalse();
        // Regex characters in a prefix are literal.
        Pattern dotted = TransactionalIdGuard.transactionalIds("a.b");
        assertThat(dotted.matcher("a.b-out-0-1").matches()).isTrue();
        assertThat(dotted.matcher("axb-out-0-1").matches()).isFalse();
    }

    @Test
    void theBrokerSideFilterEscapesEveryNonAlphanumericCharacter() {
        String escaped = TransactionalIdGuard.escapeRegex("it-a.b+c");
        assertThat(escaped).isEqualTo("it\\-a\\.b\\+c");
        assertThat(Pattern.compile("^" + escaped + "-.*").matcher("it-a.b+c-out-0-1").matches())
                .isTrue();
    }

    @Test
    void theWatchLastsAtLeastOneCheckpointIntervalAndZeroSkipsIt() {
        OptionSet set =
                new OptionSet(
                        List.of(
                                CommonOptions.CHECKPOINT_INTERVAL,
                                CommonOptions.TRANSACTIONAL_ID_CHECK));
        assertThat(TransactionalIdGuard.watchWindow(set.parse())).isEqualTo(Duration.ofSeconds(12));
        assertThat(
                        TransactionalIdGuard.watchWindow(
                                set.parse(
                                        new String[] {
                                            "--checkpoint-interval", "1s",
                                            "--transactional-id-check", "5s"
                                        })))
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(
                        TransactionalIdGuard.watchWindow(
                                set.parse(
                                        new String[] {
                                            "--checkpoint-interval", "1m",
                                            "--transactional-id-check", "5s"
                                        })))
                .isEqualTo(Duration.ofSeconds(62));
        assertThat(
                        TransactionalIdGuard.watchWindow(
                                set.parse(new String[] {"--transactional-id-check", "0s"})))
                .isZero();
    }

    @Test
    void theCheckIsSkippedWhereAJobManagerFailoverRunsMainAgain() {
        Configuration k8s = new Configuration();
        k8s.setString("execution.target", "kubernetes-application");
        k8s.setString("high-availability.type", "kubernetes");
        assertThat(TransactionalIdGuard.rerunOnFailover(k8s)).isTrue();

        Configuration noHa = new Configuration();
        noHa.setString("execution.target", "kubernetes-application");
        assertThat(TransactionalIdGuard.rerunOnFailover(noHa)).isFalse();

        Configuration session = new Configuration();
        session.setString("execution.target", "remote");
        session.setString("high-availability.type", "zookeeper");
        assertThat(TransactionalIdGuard.rerunOnFailover(session))
                .as("flink run to a session")
                .isFalse();
        assertThat(TransactionalIdGuard.rerunOnFailover(new Configuration()))
                .as("java -jar")
                .isFalse();
    }
}
