package dev.eventflow.jobs;

import dev.eventflow.common.config.InvalidOptionException;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.config.Secrets;
import dev.eventflow.common.kafka.StartupCheckException;
import dev.eventflow.jobs.dedup.DedupJob;
import dev.eventflow.jobs.diagnose.Diagnose;
import dev.eventflow.jobs.joins.JoinsJob;
import dev.eventflow.jobs.lateaudit.LateAuditJob;
import dev.eventflow.jobs.reconcile.ReconcileJob;
import dev.eventflow.jobs.runningcounts.RunningCountsJob;
import dev.eventflow.jobs.windowagg.WindowAggregationJob;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaException;

/**
 * Entry point of the shaded jar: {@code java -jar eventflow-jobs-all.jar <job> [--option value
 * ...]} or {@code flink run eventflow-jobs-all.jar <job> ...}. Dispatches by job name; {@code
 * --help} lists a job's options with their defaults. Exit codes: 0 done, 2 bad command line, 1
 * failed start-up check or job failure.
 */
public final class Launcher {

    private static final Map<String, SuiteJob> JOBS = new LinkedHashMap<>();

    static {
        for (SuiteJob job :
                List.<SuiteJob>of(
                        new WindowAggregationJob(),
                        new RunningCountsJob(),
                        new DedupJob(),
                        new JoinsJob(),
                        new LateAuditJob(),
                        new ReconcileJob())) {
            JOBS.put(job.name(), job);
        }
    }

    /** Commands that are not Flink jobs; kept out of {@link #jobs()}. */
    private static final Map<String, Tool> TOOLS = new LinkedHashMap<>();

    static {
        for (Tool tool : List.<Tool>of(new Diagnose())) {
            TOOLS.put(tool.name(), tool);
        }
    }

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        int code = run(args, System.out, System.err);
        if (code != 0) System.exit(code);
    }

    /** The launcher without {@code System.exit}, for tests. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0
                || args[0].equals("--help")
                || args[0].equals("-h")
                || args[0].equals("help")) {
            out.print(usage());
            return args.length == 0 ? 2 : 0;
        }
        Tool tool = TOOLS.get(args[0]);
        if (tool != null) {
            return tool.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        SuiteJob job = JOBS.get(args[0]);
        if (job == null) {
            err.println("error: unknown job '" + args[0] + "'");
            err.print(usage());
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            out.print(help(job));
            return 0;
        }
        ParsedOptions options;
        try {
            options = job.options().parse(rest);
            job.validate(options);
        } catch (InvalidOptionException e) {
            err.println("error: " + e.getMessage());
            err.println("run '" + job.name() + " --help' for the options");
            return 2;
        } catch (StartupCheckException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        try {
            job.run(options);
            return 0;
        } catch (StartupCheckException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (KafkaException e) {
            // The start-up checks could not even build a Kafka client: unusable client settings
            // (a truststore that cannot be opened or whose password is wrong, a bad JAAS line).
            err.println(
                    "error: the Kafka client settings are unusable: "
                            + masked(clientSettingsProblem(e), options.kafkaProperties())
                            + " (check --kafka-properties and the --kafka.security.*, --kafka.ssl.*"
                            + " and --kafka.sasl.* settings)");
            return 1;
        }
    }

    /**
     * What went wrong, from Kafka's chain of causes: the messages from the first specific one
     * (Kafka's own wrappers, "Failed to create new ...", say nothing) down to the first cause that
     * is not Kafka's (the JDK's reason: "keystore password was incorrect").
     */
    static String clientSettingsProblem(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null) {
                // A wrapper whose message is its cause's toString() repeats it.
                if (t.getCause() != null && m.equals(t.getCause().toString())) continue;
                if (!m.startsWith("Failed to create new ") && !parts.contains(m)) parts.add(m);
            }
            if (!(t instanceof KafkaException)) break;
        }
        return parts.isEmpty() ? e.toString() : String.join(": ", parts);
    }

    /**
     * {@code text} with every secret value of {@code settings} replaced by the mask, and the store
     * files it names labelled with their setting (Kafka calls a truststore it cannot load a
     * "keystore"). Locations and store types are not secrets, and are what the reader must fix.
     */
    static String masked(String text, Map<String, String> settings) {
        String out = text;
        for (Map.Entry<String, String> s : settings.entrySet()) {
            String key = s.getKey();
            String value = s.getValue();
            if (value == null || value.length() < 4) continue;
            if (key.endsWith(".location")) {
                out = out.replace(value, value + " (" + key + ")");
            } else if (Secrets.isSecret(key) && !key.endsWith(".type")) {
                out = out.replace(value, Secrets.MASK);
            }
        }
        return out;
    }

    public static Map<String, SuiteJob> jobs() {
        return JOBS;
    }

    static String help(SuiteJob job) {
        return job.options()
                .help("usage: " + job.name() + " [--option value ...]\n\n" + job.summary());
    }

    static String usage() {
        StringBuilder sb =
                new StringBuilder(
                        "usage: <job> [--option value ...]   (<job> --help lists its options)\n\njobs:\n");
        JOBS.values().forEach(j -> sb.append(String.format("  %-22s %s%n", j.name(), j.summary())));
        sb.append("\ntools:\n");
        TOOLS.values()
                .forEach(t -> sb.append(String.format("  %-22s %s%n", t.name(), t.summary())));
        return sb.toString();
    }
}
