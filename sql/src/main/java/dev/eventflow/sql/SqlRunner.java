package dev.eventflow.sql;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.Durations;
import dev.eventflow.common.config.InvalidOptionException;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.OptionSet;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.MalformedEventException;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.kafka.StartupCheckException;
import dev.eventflow.common.time.EventTimes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.admin.Admin;

/**
 * Runs SQL recipe files: {@code java -jar eventflow-sql-all.jar <recipe.sql> [--var NAME=VALUE ...]
 * [--bounded] [--checkpoint-interval 10s] [--state-backend rocksdb|hashmap] [--parallelism N]}.
 *
 * <ul>
 *   <li>{@code ${NAME}} placeholders are replaced by {@code --var} values or the defaults below; an
 *       unresolved placeholder is an error naming it. Variables whose name ends in {@code _DELAY},
 *       {@code _SIZE}, {@code _SLIDE}, {@code _TTL}, {@code _BOUND} or {@code _TIMEOUT} take
 *       durations ({@code 10m}) and are written into the SQL as {@code INTERVAL} literals; {@code
 *       ${NAME_MS}} gives the same duration in milliseconds. {@code FROM} and {@code TO} take
 *       instants (ISO-8601 with a zone, or epoch ms): {@code ${FROM}} is the instant in ISO-8601
 *       UTC, {@code ${FROM_MS}} in epoch milliseconds.
 *   <li>{@code -- @include ddl/file.sql} pulls in a DDL file (relative to the including file), so
 *       DDL lives apart from queries.
 *   <li>{@code SET 'key' = 'value';} sets table configuration; {@code EXECUTE STATEMENT SET BEGIN
 *       ... END;} submits several INSERTs as one job. {@code SET 'execution.runtime-mode' =
 *       'batch';} anywhere in a recipe runs it in Flink's BATCH mode (the environment is created in
 *       that mode: Flink cannot switch a table environment's mode afterwards).
 *   <li>{@code --bounded}: Kafka tables read up to the latest offsets at start ({@code
 *       ${SCAN_BOUNDED_MODE}}), so the run ends, flushing every window.
 * </ul>
 *
 * Functions registered for every recipe: {@code HLL_COUNT_DISTINCT(value)} (common's DataSketches
 * HLL, lgK from {@code ${HLL_LG_K}}) and {@code EVENT_TIME_MILLIS(event_time)}.
 */
public final class SqlRunner {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");
    private static final Pattern INCLUDE =
            Pattern.compile("^--\\s*@include\\s+(\\S+)\\s*$", Pattern.MULTILINE);
    private static final Pattern SET = Pattern.compile("(?is)^SET\\s+'([^']+)'\\s*=\\s*'([^']*)'$");
    private static final List<String> DURATION_SUFFIXES =
            List.of("_DELAY", "_SIZE", "_SLIDE", "_TTL", "_BOUND", "_TIMEOUT");
    private static final List<String> INSTANT_VARS = List.of("FROM", "TO");

    /**
     * Runner options besides {@code --var}: the environment settings every job shares. Public for
     * tools that run recipes through the runner's own environment (the benchmarks).
     */
    public static final OptionSet OPTIONS =
            new OptionSet(
                    List.of(
                            CommonOptions.BOUNDED,
                            CommonOptions.CHECKPOINT_INTERVAL,
                            CommonOptions.CHECKPOINT_DIR,
                            CommonOptions.STATE_BACKEND,
                            CommonOptions.PARALLELISM,
                            CommonOptions.MAX_PARALLELISM,
                            CommonOptions.MAX_FUTURE_SKEW));

    private SqlRunner() {}

    /** Placeholder defaults; {@code BOOTSTRAP_SERVERS} has none on purpose. */
    public static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("INPUT_TOPIC", "user-events");
        d.put("OUTPUT_TOPIC", "processed-user-events");
        d.put("LATE_TOPIC", "late-user-events");
        d.put("GROUP_ID", "eventflow-sql");
        d.put("STARTUP_MODE", "group-offsets");
        d.put("WATERMARK_DELAY", "10m");
        d.put("IDLE_TIMEOUT", "1m");
        d.put("WINDOW_SIZE", "5m");
        d.put("WINDOW_SLIDE", "1m");
        d.put("STATE_TTL", "1h");
        d.put("JOIN_BOUND", "10m");
        d.put("AUDIT_DELAY", "30m");
        d.put("HLL_LG_K", "12");
        d.put("TRANSACTION_TIMEOUT", "15m");
        d.put("IMPRESSIONS_TOPIC", "ad-impressions");
        d.put("CLICKS_TOPIC", "ad-clicks");
        d.put("PROFILES_TOPIC", "user-profiles");
        d.put("FROM", "1970-01-01T00:00:00Z");
        d.put("TO", "9999-01-01T00:00:00Z");
        return d;
    }

    public static void main(String[] args) throws Exception {
        int code = run(args, System.out, System.err);
        if (code != 0) System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        List<String> files = new ArrayList<>();
        Map<String, String> vars = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.print(OPTIONS.help(usage()));
                return 0;
            } else if (a.equals("--var")) {
                if (i + 1 >= args.length || !args[i + 1].contains("=")) {
                    err.println("error: --var needs NAME=VALUE");
                    return 2;
                }
                String kv = args[++i];
                vars.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            } else if (a.startsWith("--")) {
                rest.add(a);
                if (i + 1 < args.length
                        && !args[i + 1].startsWith("--")
                        && !args[i + 1].endsWith(".sql")) {
                    rest.add(args[++i]);
                }
            } else {
                files.add(a);
            }
        }
        if (files.isEmpty()) {
            err.println("error: no recipe given");
            err.print(usage());
            return 2;
        }
        ParsedOptions options;
        List<String> statements;
        RuntimeExecutionMode mode;
        try {
            options = OPTIONS.parse(rest.toArray(new String[0]));
            Map<String, String> resolved = resolveVars(vars, options, files.get(0));
            statements = new ArrayList<>();
            for (String f : files) statements.addAll(load(f, resolved));
            checkTopicsExist(files, resolved);
            mode = runtimeMode(statements);
        } catch (InvalidOptionException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (StartupCheckException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        StreamTableEnvironment tEnv =
                createTableEnvironment(options, recipeName(files.get(0)), mode);
        registerFunctions(tEnv, vars, options);
        List<TableResult> jobs = execute(tEnv, statements, out);
        for (TableResult job : jobs) job.await();
        return 0;
    }

    static String usage() {
        return "usage: <recipe.sql> [<recipe.sql> ...] [--var NAME=VALUE ...] [--bounded] [options]\n\n"
                + "Runs Flink SQL recipes (see sql/recipes/). Placeholders and their defaults:\n  "
                + defaults()
                + "\n  BOOTSTRAP_SERVERS has no default. Durations like 10m become INTERVAL literals;"
                + " FROM and TO take ISO-8601 or epoch ms (also as ${FROM_MS}, ${TO_MS}).";
    }

    private static String recipeName(String file) {
        String name = Path.of(file).getFileName().toString();
        return name.endsWith(".sql") ? name.substring(0, name.length() - 4) : name;
    }

    /** Defaults, then {@code --var}s, then the derived SQL forms of durations and of --bounded. */
    public static Map<String, String> resolveVars(
            Map<String, String> given, ParsedOptions options, String firstRecipe) {
        Map<String, String> raw = defaults();
        raw.put("TRANSACTIONAL_ID_PREFIX", "eventflow-sql-" + recipeName(firstRecipe));
        raw.putAll(given);
        raw.put(
                "SCAN_BOUNDED_MODE",
                options.get(CommonOptions.BOUNDED) ? "latest-offset" : "unbounded");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String name = e.getKey();
            if (DURATION_SUFFIXES.stream().anyMatch(name::endsWith)) {
                Duration d;
                try {
                    d = Durations.parse(e.getValue());
                } catch (IllegalArgumentException bad) {
                    throw new InvalidOptionException("--var " + name + ": " + bad.getMessage());
                }
                out.put(name, interval(d));
                out.put(name + "_MS", Long.toString(d.toMillis()));
            } else if (INSTANT_VARS.contains(name)) {
                long ms;
                try {
                    ms = EventTimes.parse(e.getValue().trim());
                } catch (MalformedEventException bad) {
                    throw new InvalidOptionException(
                            "--var "
                                    + name
                                    + ": '"
                                    + e.getValue()
                                    + "' is not an instant"
                                    + " (ISO-8601 with a zone, or epoch milliseconds)");
                }
                out.put(name, Instant.ofEpochMilli(ms).toString());
                out.put(name + "_MS", Long.toString(ms));
            } else {
                out.put(name, e.getValue());
            }
        }
        if (Long.parseLong(out.get("FROM_MS")) >= Long.parseLong(out.get("TO_MS"))) {
            throw new InvalidOptionException(
                    "--var TO=" + raw.get("TO") + " must be after --var FROM=" + raw.get("FROM"));
        }
        return out;
    }

    /**
     * BATCH when the statements set {@code execution.runtime-mode} to {@code batch} (the last such
     * SET wins), STREAMING otherwise.
     */
    public static RuntimeExecutionMode runtimeMode(List<String> statements) {
        RuntimeExecutionMode mode = RuntimeExecutionMode.STREAMING;
        for (String statement : statements) {
            Matcher set = SET.matcher(statement);
            if (set.matches() && set.group(1).equals("execution.runtime-mode")) {
                try {
                    mode =
                            RuntimeExecutionMode.valueOf(
                                    set.group(2).trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException bad) {
                    throw new InvalidOptionException(
                            "SET 'execution.runtime-mode' = '"
                                    + set.group(2)
                                    + "': use 'streaming' or 'batch'");
                }
            }
        }
        return mode;
    }

    /**
     * A duration as a SQL interval literal of any length: {@code INTERVAL '0 00:10:00.000' DAY TO
     * SECOND(3)} (up to 99 days).
     */
    static String interval(Duration d) {
        long ms = d.toMillis();
        return String.format(
                Locale.ROOT,
                "INTERVAL '%d %02d:%02d:%02d.%03d' DAY TO SECOND(3)",
                ms / 86_400_000L,
                ms / 3_600_000L % 24,
                ms / 60_000L % 60,
                ms / 1_000L % 60,
                ms % 1_000L);
    }

    /**
     * Fails fast, like the DataStream jobs' start-up checks, when a topic the recipes name through
     * a {@code ${..._TOPIC}} placeholder does not exist: otherwise a Kafka sink blocks on metadata
     * and the job restarts forever without saying why.
     */
    static void checkTopicsExist(List<String> files, Map<String, String> vars) {
        Set<String> topics = new TreeSet<>();
        for (String f : files) {
            Matcher m = PLACEHOLDER.matcher(expandIncludes(f, read(f), 0));
            while (m.find()) {
                if (m.group(1).endsWith("_TOPIC")) topics.add(vars.get(m.group(1)));
            }
        }
        String servers = vars.get("BOOTSTRAP_SERVERS");
        if (topics.isEmpty() || servers == null) return;
        Properties props = new Properties();
        props.put("bootstrap.servers", servers);
        props.put("default.api.timeout.ms", "30000");
        Set<String> existing;
        try (Admin admin = Admin.create(props)) {
            existing = admin.listTopics().names().get(35, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new StartupCheckException(
                    "could not reach Kafka at " + servers + ": " + e.getMessage(), e);
        }
        List<String> missing =
                topics.stream().filter(t -> !existing.contains(t)).collect(Collectors.toList());
        if (!missing.isEmpty()) {
            throw new StartupCheckException(
                    "topic(s) " + missing + " do not exist on " + servers + "; create them first");
        }
    }

    /**
     * Reads a recipe (a path, or a name inside the jar's recipes/), expands includes and
     * placeholders, splits statements.
     */
    public static List<String> load(String file, Map<String, String> vars) {
        String text = expandIncludes(file, read(file), 0);
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = vars.get(m.group(1));
            if (value == null) {
                throw new InvalidOptionException(
                        "unresolved placeholder ${"
                                + m.group(1)
                                + "} in "
                                + file
                                + ": pass --var "
                                + m.group(1)
                                + "=...");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return split(sb.toString());
    }

    private static String expandIncludes(String file, String text, int depth) {
        if (depth > 5) throw new InvalidOptionException("includes nested too deeply in " + file);
        Matcher m = INCLUDE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String included = resolveRelative(file, m.group(1));
            m.appendReplacement(
                    sb,
                    Matcher.quoteReplacement(expandIncludes(included, read(included), depth + 1)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String resolveRelative(String file, String include) {
        Path parent = Path.of(file).getParent();
        return parent == null ? include : parent.resolve(include).toString();
    }

    private static String read(String file) {
        Path p = Path.of(file);
        try {
            if (Files.exists(p)) return Files.readString(p, StandardCharsets.UTF_8);
            String resource = file.startsWith("recipes/") ? file : "recipes/" + file;
            try (InputStream in = SqlRunner.class.getClassLoader().getResourceAsStream(resource)) {
                if (in != null) return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new InvalidOptionException("cannot read " + file + ": " + e.getMessage());
        }
        throw new InvalidOptionException("no such recipe: " + file);
    }

    /**
     * Splits a script into statements at top-level semicolons, ignoring those in strings and
     * comments; comment-only fragments are dropped.
     */
    static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (!inString && c == '-' && i + 1 < script.length() && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                i = end < 0 ? script.length() : end;
                cur.append('\n');
                continue;
            }
            if (c == '\'') inString = !inString;
            if (c == ';' && !inString) {
                if (!cur.toString().isBlank()) out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.toString().isBlank()) out.add(cur.toString().trim());
        // Re-join EXECUTE STATEMENT SET BEGIN ... END into one statement.
        List<String> joined = new ArrayList<>();
        StringBuilder set = null;
        for (String s : out) {
            String upper = s.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
            if (set == null && upper.startsWith("EXECUTE STATEMENT SET BEGIN")) {
                set = new StringBuilder(s).append(";\n");
            } else if (set != null) {
                set.append(s).append(";\n");
                if (upper.equals("END")) {
                    joined.add(set.toString().replaceAll(";\\s*$", ""));
                    set = null;
                }
            } else {
                joined.add(s);
            }
        }
        if (set != null) throw new InvalidOptionException("EXECUTE STATEMENT SET without END");
        return joined;
    }

    public static StreamTableEnvironment createTableEnvironment(
            ParsedOptions options, String name) {
        return createTableEnvironment(options, name, RuntimeExecutionMode.STREAMING);
    }

    /** As above, in the given runtime mode (see {@link #runtimeMode(List)}). */
    public static StreamTableEnvironment createTableEnvironment(
            ParsedOptions options, String name, RuntimeExecutionMode mode) {
        // SQL operators get their uids from the planner (table.exec.uid.generation), not from code,
        // so Flink's own uid generation stays on here, unlike in the DataStream jobs.
        Configuration overrides = new Configuration();
        overrides.setString("pipeline.auto-generate-uids", "true");
        overrides.setString("table.exec.uid.generation", "ALWAYS");
        StreamExecutionEnvironment env =
                JobEnvironment.create(options, "sql-" + name, mode, overrides);
        StreamTableEnvironment tEnv =
                mode == RuntimeExecutionMode.BATCH
                        ? StreamTableEnvironment.create(
                                env, EnvironmentSettings.newInstance().inBatchMode().build())
                        : StreamTableEnvironment.create(env);
        // Window bounds are printed in UTC, like the DataStream jobs' ISO-8601 output.
        tEnv.getConfig().set("table.local-time-zone", "UTC");
        tEnv.getConfig().set("pipeline.name", "sql-" + name);
        return tEnv;
    }

    public static void registerFunctions(
            StreamTableEnvironment tEnv, Map<String, String> vars, ParsedOptions options) {
        int lgK = Integer.parseInt(vars.getOrDefault("HLL_LG_K", defaults().get("HLL_LG_K")));
        tEnv.createTemporarySystemFunction("HLL_COUNT_DISTINCT", new HllCountDistinct(lgK));
        tEnv.createTemporarySystemFunction(
                "EVENT_TIME_MILLIS",
                new EventTimeMillis(options.get(CommonOptions.MAX_FUTURE_SKEW).toMillis()));
    }

    /** Executes statements in order; returns the results of the ones that started jobs. */
    public static List<TableResult> execute(
            StreamTableEnvironment tEnv, List<String> statements, PrintStream log) {
        List<TableResult> jobs = new ArrayList<>();
        for (String statement : statements) {
            Matcher set = SET.matcher(statement);
            if (set.matches()) {
                tEnv.getConfig().set(set.group(1), set.group(2));
                continue;
            }
            TableResult result = tEnv.executeSql(statement);
            if (result.getJobClient().isPresent()) {
                log.println(
                        "submitted job "
                                + result.getJobClient().get().getJobID()
                                + ": "
                                + firstLine(statement));
                jobs.add(result);
            }
        }
        return jobs;
    }

    private static String firstLine(String s) {
        String line = s.strip().split("\n", 2)[0];
        return line.length() > 100 ? line.substring(0, 100) + "..." : line;
    }

    /** For {@code --help}: the options this runner reads. */
    static List<Option<?>> options() {
        return OPTIONS.options();
    }
}
