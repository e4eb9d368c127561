package dev.eventflow.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules for Kafka client properties given by the user ({@code --kafka.<property>}): the
 * properties that carry one of the suite's guarantees are refused, with the dedicated option (if
 * any) named, so that a pass-through can never silently undo read_committed input, idempotent
 * transactional output or the validated transaction timeout.
 *
 * <p>Client settings may also come from a properties file ({@code --kafka-properties FILE}, the
 * format of the Kafka tools' {@code --command-config}); {@code --kafka.*} on the command line wins
 * over the file. Any value may refer to an environment variable as {@code ${env:NAME}}: Kafka's own
 * {@code EnvVarConfigProvider} resolves it inside each client, where it is created (the launcher
 * for start-up checks, the TaskManagers for sources and sinks), so the secret itself is neither in
 * the process arguments nor in the job graph.
 */
public final class KafkaClientProperties {

    private KafkaClientProperties() {}

    /**
     * Guarded property -> why it is refused and what to use instead. The message completes "{@code
     * <where> is refused: }".
     */
    static final Map<String, String> GUARDED =
            Map.of(
                    "isolation.level",
                    "every input is read with isolation.level=read_committed, so aborted output of"
                            + " upstream transactional writers is never processed; no option"
                            + " weakens it",
                    "enable.idempotence",
                    "producers are always idempotent; the delivery guarantee is chosen with"
                            + " --delivery exactly-once|at-least-once",
                    "acks",
                    "producers always write with acks=all (needed by idempotence); the delivery"
                            + " guarantee is chosen with --delivery exactly-once|at-least-once",
                    "transaction.timeout.ms",
                    "use --transaction-timeout (it is checked against --checkpoint-interval)",
                    "transactional.id",
                    "use --transactional-id-prefix (every sink adds its own suffix)",
                    "transactional.id.prefix",
                    "use --transactional-id-prefix (every sink adds its own suffix)",
                    "bootstrap.servers",
                    "use --bootstrap-servers",
                    "group.id",
                    "use --group-id");

    /** Whether {@code key} carries a guarantee and is set only by the suite or its own option. */
    public static boolean isGuarded(String key) {
        return GUARDED.containsKey(normalize(key));
    }

    /**
     * @param where how the user gave it, e.g. {@code --kafka.isolation.level}
     * @throws InvalidOptionException when {@code key} is guarded, naming {@code where} and the
     *     dedicated option
     */
    public static void refuseGuarded(String where, String key) {
        String reason = GUARDED.get(normalize(key));
        if (reason != null) {
            throw new InvalidOptionException(where + " is refused: " + reason);
        }
    }

    /** Kafka's config provider of environment variables, registered under the alias {@code env}. */
    public static final String ENV_PROVIDER_CLASS =
            "org.apache.kafka.common.config.provider.EnvVarConfigProvider";

    /** {@code ${env:NAME}} (or {@code ${env:path:NAME}}, Kafka's general form). */
    private static final Pattern ENV_REFERENCE =
            Pattern.compile("\\$\\{env:(?:[^}:]*:)?([^}]*)\\}");

    /**
     * The entries of a Kafka properties file, guarded keys refused.
     *
     * @throws InvalidOptionException naming {@code --kafka-properties} and the file when it cannot
     *     be read or holds a guarded key
     */
    public static Map<String, String> load(Path file) {
        String where = "--kafka-properties " + file;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new InvalidOptionException(where + ": no such file");
        } catch (IOException | IllegalArgumentException e) {
            // Never echo the file's content: it may hold secrets.
            throw new InvalidOptionException(
                    where + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        Map<String, String> out = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            refuseGuarded(where + ": " + key, key);
            out.put(key, p.getProperty(key).trim());
        }
        return out;
    }

    /**
     * {@code properties} plus Kafka's environment-variable config provider when any value refers to
     * {@code ${env:NAME}} and no {@code config.providers} is set; every referenced variable must be
     * set in {@code env}.
     *
     * @throws InvalidOptionException naming the property and the variable (never its value) when a
     *     referenced variable is not set
     */
    public static Map<String, String> withEnvReferences(
            Map<String, String> properties, Function<String, String> env) {
        boolean referenced = false;
        for (Map.Entry<String, String> e : properties.entrySet()) {
            Matcher m = ENV_REFERENCE.matcher(e.getValue());
            while (m.find()) {
                referenced = true;
                String name = m.group(1);
                if (env.apply(name) == null) {
                    throw new InvalidOptionException(
                            "Kafka property "
                                    + e.getKey()
                                    + " refers to environment variable "
                                    + name
                                    + ", which is not set");
                }
            }
        }
        if (!referenced || properties.containsKey("config.providers")) return properties;
        Map<String, String> out = new LinkedHashMap<>(properties);
        out.put("config.providers", "env");
        out.put("config.providers.env.class", ENV_PROVIDER_CLASS);
        return out;
    }

    private static String normalize(String key) {
        return key.trim().toLowerCase(java.util.Locale.ROOT);
    }
}
