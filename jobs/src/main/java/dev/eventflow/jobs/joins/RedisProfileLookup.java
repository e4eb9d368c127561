package dev.eventflow.jobs.joins;

import dev.eventflow.common.event.UserEvent;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Async enrichment from Redis, the "UDF that calls an external store" done without blocking the
 * task: each user event's profile is the Redis hash {@code <prefix><user_id>} (fields {@code
 * country}, {@code segment}), read with Lettuce's non-blocking {@code HGETALL}; Flink's {@code
 * AsyncWaitOperator} keeps up to {@code --async-capacity} lookups in flight per subtask and puts
 * them in its checkpoints, so no event is lost or emitted twice across a failure.
 *
 * <p>Every event leaves, enriched or not, with {@link EnrichedEvent#lookup} saying which: {@code
 * hit}; {@code miss} (no such key: not retried, a miss is an answer); {@code unavailable} (Redis
 * unreachable: retried by the operator's {@link #RETRY_WHEN_UNAVAILABLE} strategy with exponential
 * backoff, emitted unenriched when the retries are spent); {@code timeout} (no answer within {@code
 * --async-timeout}, retries included); {@code error} (Redis answered with an error for this key,
 * e.g. it is not a hash). A Redis outage therefore slows the job down to the retry budget per event
 * but never stops it, and the flag lets a consumer re-enrich later.
 *
 * <p>The connection auto-reconnects (backoff up to 1 s) and rejects commands while disconnected, so
 * lookups during an outage fail fast into the retry path instead of queueing without bound.
 */
public final class RedisProfileLookup extends RichAsyncFunction<UserEvent, EnrichedEvent> {
    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(RedisProfileLookup.class);

    /** The operator's retry condition: Redis could not be reached. */
    public static final Predicate<Collection<EnrichedEvent>> RETRY_WHEN_UNAVAILABLE =
            new RetryWhenUnavailable();

    private static final class RetryWhenUnavailable
            implements Predicate<Collection<EnrichedEvent>>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean test(Collection<EnrichedEvent> results) {
            return results != null
                    && results.stream().anyMatch(e -> EnrichedEvent.UNAVAILABLE.equals(e.lookup()));
        }
    }

    private final String uri;
    private final String keyPrefix;
    private final long commandTimeoutMs;

    private transient ClientResources resources;
    private transient RedisClient client;
    private transient volatile StatefulRedisConnection<String, String> connection;
    private transient long nextConnectAttempt;
    private transient Counter hits;
    private transient Counter misses;
    private transient Counter timeouts;
    private transient Counter unavailable;
    private transient Counter errors;

    /**
     * @param commandTimeoutMs how long Lettuce waits for one answer before failing the command
     */
    public RedisProfileLookup(String uri, String keyPrefix, long commandTimeoutMs) {
        this.uri = uri;
        this.keyPrefix = keyPrefix;
        this.commandTimeoutMs = commandTimeoutMs;
    }

    @Override
    public void open(OpenContext openContext) {
        var metrics = getRuntimeContext().getMetricGroup();
        // Lookups complete on Lettuce's I/O threads and timeouts on the task's: thread-safe
        // counters.
        hits = metrics.counter("redisLookupHits", new ThreadSafeSimpleCounter());
        misses = metrics.counter("redisLookupMisses", new ThreadSafeSimpleCounter());
        timeouts = metrics.counter("redisLookupTimeouts", new ThreadSafeSimpleCounter());
        unavailable = metrics.counter("redisLookupUnavailable", new ThreadSafeSimpleCounter());
        errors = metrics.counter("redisLookupErrors", new ThreadSafeSimpleCounter());
        resources =
                ClientResources.builder()
                        .reconnectDelay(
                                Delay.exponential(
                                        Duration.ofMillis(50),
                                        Duration.ofSeconds(1),
                                        2,
                                        TimeUnit.MILLISECONDS))
                        .build();
        client = RedisClient.create(resources, RedisURI.create(uri));
        client.setOptions(
                ClientOptions.builder()
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .socketOptions(
                                SocketOptions.builder()
                                        .connectTimeout(Duration.ofSeconds(1))
                                        .build())
                        .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(commandTimeoutMs)))
                        .build());
        connect();
    }

    /**
     * Opens the connection; when Redis is down at start the lookups fall back until it is up (one
     * attempt per second at most), rather than failing the job.
     */
    private StatefulRedisConnection<String, String> connect() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) return c;
        long now = System.currentTimeMillis();
        if (now < nextConnectAttempt) return null;
        nextConnectAttempt = now + 1_000;
        try {
            connection = client.connect();
            return connection;
        } catch (RuntimeException e) {
            LOG.warn("Redis at {} unreachable, events fall back: {}", uri, e.toString());
            return null;
        }
    }

    @Override
    public void asyncInvoke(UserEvent event, ResultFuture<EnrichedEvent> result) {
        StatefulRedisConnection<String, String> c = connect();
        if (c == null) {
            complete(result, event, null, EnrichedEvent.UNAVAILABLE);
            return;
        }
        RedisAsyncCommands<String, String> redis = c.async();
        redis.hgetall(keyPrefix + event.userId)
                .whenComplete(
                        (fields, failure) -> {
                            if (failure == null) {
                                answer(result, event, fields);
                            } else if (cause(failure) instanceof RedisCommandExecutionException) {
                                complete(result, event, null, EnrichedEvent.ERROR);
                            } else {
                                complete(result, event, null, EnrichedEvent.UNAVAILABLE);
                            }
                        });
    }

    private void answer(
            ResultFuture<EnrichedEvent> result, UserEvent event, Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            complete(result, event, null, EnrichedEvent.MISS);
        } else {
            complete(
                    result,
                    event,
                    new UserProfile(event.userId, fields.get("country"), fields.get("segment")),
                    EnrichedEvent.HIT);
        }
    }

    /** The declared fallback for a lookup that did not answer in time: emitted unenriched. */
    @Override
    public void timeout(UserEvent event, ResultFuture<EnrichedEvent> result) {
        complete(result, event, null, EnrichedEvent.TIMEOUT);
    }

    private void complete(
            ResultFuture<EnrichedEvent> result,
            UserEvent event,
            UserProfile profile,
            String lookup) {
        switch (lookup) {
            case EnrichedEvent.HIT:
                hits.inc();
                break;
            case EnrichedEvent.MISS:
                misses.inc();
                break;
            case EnrichedEvent.TIMEOUT:
                timeouts.inc();
                break;
            case EnrichedEvent.UNAVAILABLE:
                unavailable.inc();
                break;
            default:
                errors.inc();
        }
        result.complete(List.of(new EnrichedEvent(event, profile, lookup)));
    }

    private static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    @Override
    public void close() {
        try {
            if (connection != null) connection.close();
            if (client != null) client.shutdown(0, 2, TimeUnit.SECONDS);
            if (resources != null) resources.shutdown(0, 2, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            LOG.debug("closing the Redis client", e);
        }
    }
}
