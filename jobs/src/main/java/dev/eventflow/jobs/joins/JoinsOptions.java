package dev.eventflow.jobs.joins;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.Durations;
import dev.eventflow.common.config.InvalidOptionException;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.OptionGroups;
import dev.eventflow.common.config.OptionSet;
import dev.eventflow.common.config.ParsedOptions;
import java.time.Duration;

/**
 * Options of {@code joins}: the common ones, the mode, the three input topics, and the join bound
 * with its guard against unbounded stream-stream joins.
 *
 * <p>The guard (Spark's guide: "DON'T run stream-stream join without watermark and bounds"): a
 * stream-stream join keeps each side's rows until the other side's watermark passes {@code
 * event_time + bound}, so its state is the input rate times {@code bound + watermark delay}.
 * Without a bound that state grows forever and an outer join never emits its unmatched rows. So
 * {@code --join-bound unbounded} (also spelled {@code 0}, by the suite's "0 = never" convention,
 * see {@code --idleness}) and any bound above {@link #MAX_SANE_JOIN_BOUND} are refused at start-up
 * (exit code 2) unless {@code --force-unbounded-join} is given. The enrich mode (stream-static) has
 * no bound and ignores the option.
 */
public final class JoinsOptions {

    private JoinsOptions() {}

    /** The largest bound accepted without {@code --force-unbounded-join}. */
    public static final Duration MAX_SANE_JOIN_BOUND = Duration.ofDays(1);

    /**
     * What a forced {@code unbounded} join uses: a bound no realistic watermark reaches, so state
     * is never cleaned (and unmatched rows of an outer join appear only at the end of a bounded
     * run). Finite so that {@code event_time + bound} cannot overflow.
     */
    public static final Duration UNBOUNDED = Duration.ofDays(365L * 1000);

    private static final String UNBOUNDED_SPELLING = "unbounded";

    public static final Option<JoinMode> MODE =
            Option.choice(
                    "mode",
                    JoinMode.class,
                    JoinMode.INTERVAL,
                    "interval (inner), left-outer, full-outer (impressions x clicks within --join-bound), "
                            + "enrich (--input-topic user events x latest profile per user), "
                            + "or enrich-async (user events x profile looked up in Redis)");

    public static final Option<String> IMPRESSIONS_TOPIC =
            Option.string(
                    "impressions-topic",
                    "ad-impressions",
                    "ad impressions {impression_id, user_id, ad_id, event_time} (stream-stream modes)");

    public static final Option<String> CLICKS_TOPIC =
            Option.string(
                    "clicks-topic",
                    "ad-clicks",
                    "ad clicks {click_id, impression_id, user_id, event_time} (stream-stream modes)");

    public static final Option<String> PROFILES_TOPIC =
            Option.string(
                    "profiles-topic",
                    "user-profiles",
                    "compacted user profiles, key user_id, value {user_id, country, segment}; null value deletes (enrich)");

    /**
     * The join bound: a duration, or {@code unbounded}. Declared as text (the suite's duration
     * options do not spell "unbounded") and parsed by {@link #joinBoundMs}.
     */
    public static final Option<String> JOIN_BOUND =
            Option.string(
                    "join-bound",
                    "10m",
                    "<duration> or 'unbounded': a click joins an impression when impression_time <= click_time"
                            + " <= impression_time + bound; 'unbounded' (or 0) and bounds above "
                            + Durations.format(MAX_SANE_JOIN_BOUND)
                            + " are refused without --force-unbounded-join");

    public static final Option<Boolean> FORCE_UNBOUNDED_JOIN =
            Option.flag(
                    "force-unbounded-join",
                    "accept a stream-stream join without a sane bound; its state grows without limit");

    public static final Option<String> REDIS_URI =
            Option.optionalString(
                            "redis-uri",
                            "Redis to look profiles up in, redis://[:password@]host:port[/db]"
                                    + " (required by --mode enrich-async)")
                    .check(
                            u -> u.startsWith("redis://") || u.startsWith("rediss://"),
                            "must start with redis:// or rediss://");

    public static final Option<String> REDIS_KEY_PREFIX =
            Option.string(
                    "redis-key-prefix",
                    "user-profile:",
                    "a user's profile is the Redis hash <prefix><user_id> with fields country,"
                            + " segment (enrich-async)");

    public static final Option<Integer> ASYNC_CAPACITY =
            Option.integer(
                            "async-capacity",
                            100,
                            "lookups in flight per subtask; when full, the source is slowed down"
                                    + " (enrich-async)")
                    .check(n -> n > 0 && n <= 10_000, "must be between 1 and 10000");

    public static final Option<Duration> ASYNC_TIMEOUT =
            Option.duration(
                            "async-timeout",
                            Duration.ofSeconds(2),
                            "time a lookup may take, retries included; then the event goes out"
                                    + " unenriched with lookup=timeout (enrich-async)")
                    .check(d -> !d.isZero(), "must be positive");

    public static final Option<Integer> ASYNC_RETRIES =
            Option.integer(
                            "async-retries",
                            3,
                            "retries of a lookup while Redis is unreachable, with exponential"
                                    + " backoff; then the event goes out unenriched with"
                                    + " lookup=unavailable (enrich-async)")
                    .check(n -> n >= 0 && n <= 100, "must be between 0 and 100");

    public static final Option<Duration> ASYNC_RETRY_BACKOFF =
            Option.duration(
                            "async-retry-backoff",
                            Duration.ofMillis(100),
                            "delay before the first retry; doubled each time, at most 8x"
                                    + " (enrich-async)")
                    .check(d -> !d.isZero(), "must be positive");

    public static OptionSet optionSet() {
        return OptionGroups.streamingJob(OptionGroups.EVENT_TIME, OptionGroups.LATE_OUTPUT)
                .replace(
                        CommonOptions.OUTPUT_TOPIC.withDefault(
                                "ad-impression-clicks",
                                "topic the joined rows (enriched events with --mode enrich) are"
                                        + " written to"))
                .replace(
                        CommonOptions.LATE_TOPIC.withDefault(
                                "late-ad-events", "topic late impressions and clicks go to"))
                .add(MODE)
                .add(IMPRESSIONS_TOPIC)
                .add(CLICKS_TOPIC)
                .add(PROFILES_TOPIC)
                .add(JOIN_BOUND)
                .add(FORCE_UNBOUNDED_JOIN)
                .add(REDIS_URI)
                .add(REDIS_KEY_PREFIX)
                .add(ASYNC_CAPACITY)
                .add(ASYNC_TIMEOUT)
                .add(ASYNC_RETRIES)
                .add(ASYNC_RETRY_BACKOFF);
    }

    /**
     * The enrich-async mode's own rule: it needs {@code --redis-uri}.
     *
     * @throws InvalidOptionException naming the option
     */
    public static String redisUri(ParsedOptions o) {
        String uri = o.get(REDIS_URI);
        if (uri == null) {
            throw new InvalidOptionException(
                    "--mode enrich-async needs --redis-uri (e.g. redis://localhost:6379)");
        }
        return uri;
    }

    /**
     * The bound in milliseconds for the stream-stream modes, after the unbounded-join guard.
     *
     * @throws InvalidOptionException naming {@code --join-bound} and explaining the refusal
     */
    public static long joinBoundMs(ParsedOptions o) {
        String raw = o.get(JOIN_BOUND).trim();
        boolean forced = o.get(FORCE_UNBOUNDED_JOIN);
        Duration bound;
        if (raw.equalsIgnoreCase(UNBOUNDED_SPELLING) || raw.equals("0")) {
            bound = Duration.ZERO;
        } else {
            try {
                bound = Durations.parse(raw);
            } catch (IllegalArgumentException e) {
                throw new InvalidOptionException(
                        "--join-bound: " + e.getMessage() + ", or 'unbounded'");
            }
        }
        if (bound.isZero()) {
            if (!forced) {
                throw new InvalidOptionException(
                        "--join-bound "
                                + raw
                                + " refused: a stream-stream join without a time bound must keep every impression and"
                                + " every click in state forever (nothing can ever be ruled out as a match), so its state"
                                + " grows without limit and a left/full outer join never emits its unmatched rows."
                                + " Spark's guide says DON'T run a stream-stream join without watermark and bounds."
                                + " Give a bound (e.g. --join-bound 10m), or --force-unbounded-join if you really mean it");
            }
            return UNBOUNDED.toMillis();
        }
        if (bound.compareTo(MAX_SANE_JOIN_BOUND) > 0 && !forced) {
            throw new InvalidOptionException(
                    "--join-bound "
                            + Durations.format(bound)
                            + " refused: above "
                            + Durations.format(MAX_SANE_JOIN_BOUND)
                            + " the join is unbounded in all but name: each side is kept in state for bound +"
                            + " --watermark-delay, i.e. the input rate times "
                            + Durations.format(bound)
                            + ", and outer joins hold unmatched rows back that long."
                            + " Use a bound of at most "
                            + Durations.format(MAX_SANE_JOIN_BOUND)
                            + " (attribution over days is a batch job), or --force-unbounded-join");
        }
        return bound.toMillis();
    }
}
