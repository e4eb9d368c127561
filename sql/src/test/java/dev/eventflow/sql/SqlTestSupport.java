package dev.eventflow.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.testing.KafkaExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Running recipes the way the runner does, and seeded input, for the SQL tests. */
final class SqlTestSupport {

    static final long T0 = Instant.parse("2026-01-01T10:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000L;
    static final ObjectMapper MAPPER = new ObjectMapper();

    private SqlTestSupport() {}

    /** One generated input event, kept for the ground truth. */
    static final class Event {
        final String id;
        final String user;
        final String session;
        final String type;
        final long time;
        final Double amount;

        Event(String id, String user, String session, String type, long time, Double amount) {
            this.id = id;
            this.user = user;
            this.session = session;
            this.type = type;
            this.time = time;
            this.amount = amount;
        }

        /** Half the events carry ISO-8601 times, half epoch millis, as real topics do. */
        byte[] json(boolean epochMillis) {
            String t = epochMillis ? Long.toString(time) : "\"" + Instant.ofEpochMilli(time) + "\"";
            String a = amount == null ? "" : ",\"amount\":" + amount;
            return String.format(
                            Locale.ROOT,
                            "{\"event_id\":\"%s\",\"user_id\":\"%s\",\"session_id\":\"%s\",\"event_type\":\"%s\",\"event_time\":%s%s}",
                            id,
                            user,
                            session,
                            type,
                            t,
                            a)
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Seeded events over {@code minutes}, disorder below the 10m watermark delay. */
    static List<Event> seeded(long seed, int count, int users, int minutes) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] types = {"page_view", "click", "add_to_cart", "purchase"};
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long clock = T0 + minutes * MINUTE * i / count;
            long time = Math.max(T0, clock - r.nextLong(2 * MINUTE));
            String type = types[r.nextInt(types.length)];
            Double amount =
                    type.equals("purchase") || type.equals("add_to_cart")
                            ? Math.round(r.nextDouble(1, 200) * 100) / 100.0
                            : null;
            out.add(
                    new Event(
                            "e-" + seed + "-" + i,
                            "user-" + r.nextInt(users),
                            "s-" + r.nextInt(users * 3),
                            type,
                            time,
                            amount));
        }
        return out;
    }

    static final String[] MALFORMED = {
        "not json",
        "{\"event_id\":\"bad-1\",\"session_id\":\"s\",\"event_type\":\"click\",\"event_time\":1767261600000}",
        "{\"event_id\":\"bad-2\",\"user_id\":\"user-1\",\"session_id\":\"s\",\"event_type\":\"click\",\"event_time\":\"soon\"}",
        "{\"event_id\":\"bad-3\",\"user_id\":\"user-1\",\"session_id\":\"s\",\"event_type\":\"click\",\"event_time\":-5}"
    };

    /** Events round-robin over partitions (order kept per partition), plus malformed records. */
    static void produce(KafkaExtension kafka, String topic, List<Event> events, int partitions) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            records.add(
                    new ProducerRecord<>(
                            topic,
                            i % partitions,
                            e.user.getBytes(StandardCharsets.UTF_8),
                            e.json(i % 2 == 1)));
        }
        for (String m : MALFORMED)
            records.add(new ProducerRecord<>(topic, 0, null, m.getBytes(StandardCharsets.UTF_8)));
        kafka.client().produce(topic, records);
    }

    static ParsedOptions bounded() {
        return SqlRunner.OPTIONS.parse(
                "--bounded",
                "--checkpoint-interval",
                "300ms",
                "--state-backend",
                "hashmap",
                "--parallelism",
                "2");
    }

    /** Runs a recipe to completion (bounded) the way the runner does. */
    static void runBounded(String recipe, Map<String, String> vars) throws Exception {
        ParsedOptions o = bounded();
        Map<String, String> given = new LinkedHashMap<>(vars);
        given.putIfAbsent("STARTUP_MODE", "earliest-offset");
        Map<String, String> resolved = SqlRunner.resolveVars(given, o, recipe);
        List<String> statements = SqlRunner.load(recipe, resolved);
        StreamTableEnvironment tEnv =
                SqlRunner.createTableEnvironment(o, "test", SqlRunner.runtimeMode(statements));
        SqlRunner.registerFunctions(tEnv, resolved, o);
        List<TableResult> jobs = SqlRunner.execute(tEnv, statements, System.out);
        if (jobs.isEmpty()) throw new AssertionError("recipe " + recipe + " started no job");
        for (TableResult job : jobs) job.await();
    }

    static JsonNode json(ConsumerRecord<byte[], byte[]> r) {
        try {
            return MAPPER.readTree(r.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
