package dev.eventflow.common.kafka;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.Durations;
import dev.eventflow.common.config.ParsedOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up check that no other deployment is writing with this deployment's transactional id prefix
 * right now.
 *
 * <p>Why it matters: Kafka fences a transactional producer when another one initializes the same
 * transactional id. Two deployments sharing a prefix (a copy submitted without stopping the
 * original, an upgrade started before the old job stopped, two environments pointed at one cluster)
 * would fence each other's producers at every checkpoint, fail and restart in turn, and abort each
 * other's pre-committed output. Flink would only report it later as a {@code
 * ProducerFencedException} deep in a restart loop. This check refuses to start instead.
 *
 * <p>How it decides, through the admin client's {@code listTransactions}: the suite's sinks name
 * their transactions {@code <prefix>-<sink role>-<subtask>-<checkpoint>}, and a running deployment
 * initializes a new one for every checkpoint. So
 *
 * <ul>
 *   <li>no transaction with the prefix on the cluster: a new deployment, nothing to watch (the
 *       common case, no delay);
 *   <li>some exist: either an earlier run of this deployment (stopped, crashed, or being restored
 *       from its savepoint) or a live one. The check watches them for at least one checkpoint
 *       interval. A live writer shows itself by a transactional id that was not there before or by
 *       a transaction that a client begins, writes or commits; the broker's own moves (aborting a
 *       timed-out transaction, completing a prepared commit) are not evidence, so a crashed
 *       predecessor never blocks its own restore.
 * </ul>
 *
 * The watch assumes the other deployment checkpoints at least as often as this one would ({@code
 * --checkpoint-interval}); {@code --transactional-id-check} lengthens it, and 0 skips the check. It
 * is skipped where {@code main()} runs again on every JobManager failover ({@link
 * #rerunOnFailover}).
 */
public final class TransactionalIdGuard {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalIdGuard.class);

    /** Time between two listings while watching. */
    private static final Duration POLL = Duration.ofMillis(500);

    /** Added to the checkpoint interval: a checkpoint's own duration and the listing's delay. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    /** What a failed listing could not do, for the message (with how to skip the check). */
    private static final String WHAT =
            "list the Kafka transactions to check the transactional id prefix (the principal needs"
                    + " DESCRIBE on its transactional ids; --transactional-id-check 0 skips this check)";

    private TransactionalIdGuard() {}

    /**
     * Runs the check for the sinks of a deployment whose transactional ids start with {@code
     * prefix}. Does nothing for at-least-once delivery or with {@code --transactional-id-check 0}.
     *
     * @throws StartupCheckException when another deployment is writing with the prefix
     */
    public static void check(ParsedOptions o, String prefix, ReadableConfig flink) {
        if (o.get(CommonOptions.DELIVERY) != CommonOptions.Delivery.EXACTLY_ONCE) return;
        if (rerunOnFailover(flink)) {
            LOG.info(
                    "transactional id prefix check skipped: main() runs in a highly available"
                            + " application cluster, where a JobManager failover runs it again"
                            + " while the recovered job is already writing with the prefix");
            return;
        }
        Duration window = watchWindow(o);
        if (window.isZero()) return;
        try (Admin admin = KafkaPreflight.newAdmin(o)) {
            check(admin, prefix, window, o.get(CommonOptions.BOOTSTRAP_SERVERS));
        }
    }

    /**
     * Whether {@code main()} runs inside a highly available application cluster (Kubernetes
     * application mode with HA, as {@code deploy/k8s} runs the jobs): there every JobManager
     * failover runs it again while the job, recovered from the HA store under its fixed job id, is
     * already writing with the prefix, which the check would take for a second deployment.
     */
    static boolean rerunOnFailover(ReadableConfig flink) {
        boolean application =
                flink.getOptional(DeploymentOptions.TARGET)
                        .map(t -> t.contains("application"))
                        .orElse(false);
        boolean highlyAvailable =
                flink.getOptional(HighAvailabilityOptions.HA_MODE)
                        .map(m -> !m.equalsIgnoreCase("NONE"))
                        .orElse(false);
        return application && highlyAvailable;
    }

    /**
     * How long to watch: {@code --transactional-id-check}, and at least one checkpoint interval
     * plus a margin; zero when the check is off.
     */
    static Duration watchWindow(ParsedOptions o) {
        Duration configured = o.get(CommonOptions.TRANSACTIONAL_ID_CHECK);
        if (configured.isZero()) return Duration.ZERO;
        Duration floor = o.get(CommonOptions.CHECKPOINT_INTERVAL).plus(MARGIN);
        return configured.compareTo(floor) >= 0 ? configured : floor;
    }

    static void check(Admin admin, String prefix, Duration window, String servers) {
        Pattern ids = transactionalIds(prefix);
        Map<String, TransactionState> before = list(admin, prefix, ids, servers);
        if (before.isEmpty()) {
            LOG.info("no Kafka transaction uses the prefix '{}' yet: a new deployment", prefix);
            return;
        }
        LOG.info(
                "{} Kafka transaction(s) use the prefix '{}'; watching them for {} to make sure no"
                        + " other deployment is writing with it",
                before.size(),
                prefix,
                Durations.format(window));
        long deadline = System.nanoTime() + window.toNanos();
        while (true) {
            sleep(POLL);
            List<String> evidence = liveWriterEvidence(before, list(admin, prefix, ids, servers));
            if (!evidence.isEmpty()) {
                throw new StartupCheckException(
                        "another deployment is writing with the transactional id prefix '"
                                + prefix
                                + "' on "
                                + servers
                                + " right now ("
                                + String.join(
                                        "; ", evidence.subList(0, Math.min(3, evidence.size())))
                                + "). Two deployments sharing a prefix fence each other's Kafka"
                                + " producers and abort each other's output. Stop the other one"
                                + " first (flink stop --savepointPath ... <job id>) or give this"
                                + " one its own --transactional-id-prefix"
                                + " (--transactional-id-check 0 skips this check).");
            }
            if (System.nanoTime() - deadline >= 0) break;
        }
        LOG.info("no other deployment writes with the prefix '{}'", prefix);
    }

    /**
     * The transactional ids of the suite's sinks under {@code prefix}: {@code
     * <prefix>-<role>-<subtask>-<checkpoint>} for one of {@link KafkaSinks#ROLES}. Anchored on the
     * whole id, so the ids of another deployment whose prefix merely starts with this one ({@code
     * prefix-b}) are not matched.
     */
    static Pattern transactionalIds(String prefix) {
        return Pattern.compile(
                Pattern.quote(prefix)
                        + "-("
                        + String.join("|", KafkaSinks.ROLES.stream().map(Pattern::quote).toList())
                        + ")-\\d+-\\d+");
    }

    /**
     * What in {@code now} only a live client can have done since {@code before}: a transactional id
     * that was not there, or a transaction moved into a state that only its producer moves it to
     * (initialized, begun, commit requested, or committed from a state other than the broker's own
     * prepared commit).
     */
    static List<String> liveWriterEvidence(
            Map<String, TransactionState> before, Map<String, TransactionState> now) {
        List<String> evidence = new ArrayList<>();
        now.forEach(
                (id, state) -> {
                    TransactionState was = before.get(id);
                    if (was == null) {
                        evidence.add("new transactional id " + id + " (" + state + ")");
                    } else if (was != state && byProducer(was, state)) {
                        evidence.add(id + " went from " + was + " to " + state);
                    }
                });
        return evidence;
    }

    private static boolean byProducer(TransactionState was, TransactionState now) {
        return switch (now) {
            case EMPTY, ONGOING, PREPARE_COMMIT -> true;
            case COMPLETE_COMMIT -> was != TransactionState.PREPARE_COMMIT;
            default -> false; // aborts, fencing, unknown: the broker's own work after a timeout
        };
    }

    private static Map<String, TransactionState> list(
            Admin admin, String prefix, Pattern ids, String servers) {
        Collection<TransactionListing> listings;
        try {
            listings =
                    KafkaPreflight.get(
                            admin.listTransactions(
                                            new ListTransactionsOptions()
                                                    .filterOnTransactionalIdPattern(
                                                            "^" + escapeRegex(prefix) + "-.*"))
                                    .all(),
                            servers,
                            WHAT);
        } catch (StartupCheckException e) {
            if (!(e.getCause() instanceof UnsupportedVersionException)) throw e;
            // A broker older than Kafka 4.1 cannot filter by pattern: list all, filter here.
            listings = KafkaPreflight.get(admin.listTransactions().all(), servers, WHAT);
        }
        Map<String, TransactionState> seen = new TreeMap<>();
        for (TransactionListing l : listings) {
            if (ids.matcher(l.transactionalId()).matches())
                seen.put(l.transactionalId(), l.state());
        }
        return seen;
    }

    /** Every character but letters and digits escaped: valid in Java's and RE2's syntax alike. */
    static String escapeRegex(String literal) {
        StringBuilder sb = new StringBuilder(literal.length() * 2);
        for (char c : literal.toCharArray()) {
            if (!Character.isLetterOrDigit(c)) sb.append('\\');
            sb.append(c);
        }
        return sb.toString();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupCheckException("interrupted", e);
        }
    }
}
