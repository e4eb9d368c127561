package dev.eventflow.bench.pipeline;

import dev.eventflow.bench.kafka.BrokerProcess;
import dev.eventflow.bench.kafka.SeededTopics;
import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.OptionSet;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.kafka.KafkaSources;
import dev.eventflow.common.time.EventTimeWatermarks;
import dev.eventflow.jobs.windowagg.WindowAggregationJob;
import dev.eventflow.jobs.windowagg.WindowAggregationOptions;
import dev.eventflow.sql.SqlRunner;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * The Kafka harness: each run reads the first n seeded records, pre-produced to a topic of their
 * own ({@code seeded-<n>}, 2 partitions) on the broker process, with the job's own options exactly
 * as a user passes them on the command line: {@code --bounded} (read up to the end offsets seen at
 * start, flush every window, commit, finish), exactly-once delivery, 10 s checkpoints, parallelism
 * 2, a file checkpoint directory, and the environment {@code java -jar} gets ({@link
 * JobEnvironment#create}: a local MiniCluster with the web UI). Outputs go to real topics through
 * Kafka transactions; a run ends when its last transaction is committed.
 */
public final class KafkaHarness {

    public static final int PARTITIONS = 2;
    public static final int PARALLELISM = 2;
    public static final String CHECKPOINT_INTERVAL = "10s";

    /** A variant on this harness. */
    public enum Variant {
        /** KafkaSource (with the parsing deserializer) + watermarks + discard: the Kafka floor. */
        FLOOR_KAFKA("floor-kafka", "rocksdb", false),
        /** WindowAggregationJob.buildPipeline, Kafka to Kafka, {@code --state-backend hashmap}. */
        PRODUCTION_HEAP("production-heap", "hashmap", false),
        /** WindowAggregationJob.buildPipeline, Kafka to Kafka, RocksDB (the default). */
        PRODUCTION_ROCKSDB("production-rocksdb", "rocksdb", false),
        /**
         * sql/recipes/window-aggregation-hop.sql through SqlRunner's table environment, Kafka to
         * Kafka, RocksDB.
         */
        SQL_HOP("sql-hop", "rocksdb", true);

        public final String label;
        final String stateBackend;

        /**
         * Whether the variant needs its own warm-up run even in quick mode: the SQL planner and its
         * generated code share nothing with the DataStream variants that run before it.
         */
        public final boolean ownWarmUp;

        Variant(String label, String stateBackend, boolean ownWarmUp) {
            this.label = label;
            this.stateBackend = stateBackend;
            this.ownWarmUp = ownWarmUp;
        }
    }

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private final BrokerProcess broker;
    private final Path checkpointDir;
    private final Set<String> producedTopics = new HashSet<>();
    private int runs;

    public KafkaHarness(BrokerProcess broker, Path checkpointDir) {
        this.broker = broker;
        this.checkpointDir = checkpointDir;
    }

    /** Produces {@code seeded-<n>} for every size a measurement will read (before measuring). */
    public void prepare(long... sizes) throws Exception {
        for (long n : sizes) {
            String topic = inputTopic(n);
            if (producedTopics.add(topic)) {
                broker.createTopics(Map.of(topic, PARTITIONS));
                SeededTopics.produce(broker.bootstrapServers(), topic, PARTITIONS, n);
            }
        }
    }

    /** Output topics of one variant (created once; runs append to them). */
    public void createOutputTopics(Variant variant) throws Exception {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String role : List.of("out", "late", "dlq")) {
            topics.put(outputTopic(variant, role), PARTITIONS);
        }
        broker.createTopics(topics);
    }

    public static String inputTopic(long n) {
        return "seeded-" + n;
    }

    static String outputTopic(Variant variant, String role) {
        return variant.label + "-" + role;
    }

    /**
     * The command line of one run: the job's own options, as a user would pass them. Each run has
     * its own consumer group and transactional ids.
     */
    List<String> arguments(Variant variant, long events) {
        int run = ++runs;
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers", broker.bootstrapServers(),
                                "--input-topic", inputTopic(events),
                                "--output-topic", outputTopic(variant, "out"),
                                "--late-topic", outputTopic(variant, "late"),
                                "--dlq-topic", outputTopic(variant, "dlq"),
                                "--group-id", "bench-" + variant.label + "-" + run,
                                "--transactional-id-prefix", "bench-" + variant.label + "-" + run,
                                "--starting-offsets", "earliest",
                                "--state-backend", variant.stateBackend,
                                "--delivery", "exactly-once",
                                "--checkpoint-interval", CHECKPOINT_INTERVAL,
                                "--checkpoint-dir", checkpointDir.toUri().toString(),
                                "--parallelism", Integer.toString(PARALLELISM)));
        args.add("--bounded");
        return args;
    }

    /** One bounded run of {@code variant} over the first {@code events} seeded records. */
    public void run(Variant variant, long events) throws Exception {
        List<String> args = arguments(variant, events);
        switch (variant) {
            case FLOOR_KAFKA -> runFloor(parse(WindowAggregationOptions.optionSet(), args));
            case PRODUCTION_HEAP, PRODUCTION_ROCKSDB -> runProduction(args);
            case SQL_HOP -> runSql(variant, args);
            default -> throw new IllegalStateException(variant.name());
        }
    }

    private static ParsedOptions parse(OptionSet set, List<String> args) {
        return set.parse(args.toArray(new String[0]));
    }

    /** What {@code java -jar eventflow-jobs.jar window-aggregation ...} runs, minus preflight. */
    private static void runProduction(List<String> args) throws Exception {
        WindowAggregationJob job = new WindowAggregationJob();
        ParsedOptions o = parse(job.options(), args);
        job.validate(o);
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, WindowAggregationJob.NAME, RuntimeExecutionMode.STREAMING);
        WindowAggregationJob.buildPipeline(env, o, UnaryOperator.identity());
        env.execute(WindowAggregationJob.NAME);
    }

    /** The production input stage without a topology: source, parse, watermarks, discard. */
    private static void runFloor(ParsedOptions o) throws Exception {
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, "floor-kafka", RuntimeExecutionMode.STREAMING);
        env.fromSource(
                        KafkaSources.userEventsSource(o, "floor-kafka"),
                        EventTimeWatermarks.forParsedRecords(
                                o.get(CommonOptions.WATERMARK_DELAY),
                                o.get(CommonOptions.IDLENESS)),
                        "kafka source: user events")
                .uid("floor-kafka.source")
                .filter(r -> r.event != null)
                .uid("floor-kafka.well-formed")
                .sinkTo(new DiscardingSink<>())
                .uid("floor-kafka.discard");
        env.execute("floor-kafka");
    }

    /**
     * The recipe as {@code java -jar eventflow-sql-all.jar window-aggregation-hop.sql} runs it:
     * same placeholder resolution, table environment, functions and statement execution.
     */
    private static void runSql(Variant variant, List<String> args) throws Exception {
        String recipe = "window-aggregation-hop.sql";
        Map<String, String> argMap = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).startsWith("--") && i + 1 < args.size()) {
                argMap.put(args.get(i), args.get(i + 1));
            }
        }
        ParsedOptions o =
                parse(
                        SqlRunner.OPTIONS,
                        List.of(
                                "--bounded",
                                "--checkpoint-interval",
                                argMap.get("--checkpoint-interval"),
                                "--checkpoint-dir",
                                argMap.get("--checkpoint-dir"),
                                "--state-backend",
                                argMap.get("--state-backend"),
                                "--parallelism",
                                argMap.get("--parallelism")));
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("BOOTSTRAP_SERVERS", argMap.get("--bootstrap-servers"));
        vars.put("INPUT_TOPIC", argMap.get("--input-topic"));
        vars.put("OUTPUT_TOPIC", argMap.get("--output-topic"));
        vars.put("GROUP_ID", argMap.get("--group-id"));
        vars.put("STARTUP_MODE", "earliest-offset");
        vars.put("TRANSACTIONAL_ID_PREFIX", argMap.get("--transactional-id-prefix"));
        Map<String, String> resolved = SqlRunner.resolveVars(vars, o, recipe);
        List<String> statements = SqlRunner.load(recipe, resolved);
        StreamTableEnvironment tEnv = SqlRunner.createTableEnvironment(o, "window-aggregation-hop");
        SqlRunner.registerFunctions(tEnv, vars, o);
        for (TableResult job : SqlRunner.execute(tEnv, statements, QUIET)) job.await();
    }
}
