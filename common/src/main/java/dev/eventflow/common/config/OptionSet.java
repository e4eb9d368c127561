package dev.eventflow.common.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The options one job accepts, in the order {@code --help} lists them. Parses {@code --key value}
 * and {@code --flag} arguments, plus the {@code --kafka.<client property> value} pass-through, and
 * rejects anything it does not know with a message naming the offending argument.
 */
public final class OptionSet {

    /** Prefix of Kafka client properties passed straight to every source, sink and admin client. */
    public static final String KAFKA_PREFIX = "kafka.";

    /** {@code --kafka-properties FILE}: Kafka client properties from a file. */
    public static final String KAFKA_PROPERTIES = "kafka-properties";

    private final Map<String, Option<?>> options = new LinkedHashMap<>();

    public OptionSet(List<Option<?>> declared) {
        for (Option<?> o : declared) add(o);
    }

    public OptionSet add(Option<?> option) {
        if (options.putIfAbsent(option.key(), option) != null) {
            throw new IllegalStateException("option declared twice: --" + option.key());
        }
        return this;
    }

    /**
     * Swaps a declared option for one with the same key (typically {@link Option#withDefault}): the
     * job's default then applies wherever the option is read, {@code --help} included.
     */
    public OptionSet replace(Option<?> option) {
        if (options.replace(option.key(), option) == null) {
            throw new IllegalStateException("option not declared: --" + option.key());
        }
        return this;
    }

    /**
     * Drops declared options a job does not use, so that passing them fails fast as unknown instead
     * of being silently ignored.
     */
    public OptionSet remove(Option<?>... unused) {
        for (Option<?> o : unused) {
            if (options.remove(o.key()) == null) {
                throw new IllegalStateException("option not declared: --" + o.key());
            }
        }
        return this;
    }

    public List<Option<?>> options() {
        return Collections.unmodifiableList(new ArrayList<>(options.values()));
    }

    /**
     * @throws InvalidOptionException on an unknown option, a missing value, a bad value, or a
     *     required option left out
     */
    public ParsedOptions parse(String... args) {
        return parse(System::getenv, args);
    }

    /** As {@link #parse(String...)}, with {@code ${env:NAME}} references checked in {@code env}. */
    ParsedOptions parse(Function<String, String> env, String... args) {
        Map<Option<?>, Object> values = new LinkedHashMap<>();
        Map<String, String> kafka = new LinkedHashMap<>();
        String kafkaPropertiesFile = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new InvalidOptionException(
                        "unexpected argument '"
                                + arg
                                + "': options look like --name value (see --help)");
            }
            String name = arg.substring(2);
            String inlineValue = null;
            int eq = name.indexOf('=');
            if (eq > 0) {
                inlineValue = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals(KAFKA_PROPERTIES)) {
                if (kafkaPropertiesFile != null) {
                    throw new InvalidOptionException("--" + name + " given twice");
                }
                kafkaPropertiesFile = inlineValue != null ? inlineValue : valueAfter(args, i, name);
                if (inlineValue == null) i++;
                continue;
            }
            if (name.startsWith(KAFKA_PREFIX) && name.length() > KAFKA_PREFIX.length()) {
                String value = inlineValue != null ? inlineValue : valueAfter(args, i, name);
                if (inlineValue == null) i++;
                KafkaClientProperties.refuseGuarded(
                        "--" + name, name.substring(KAFKA_PREFIX.length()));
                kafka.put(name.substring(KAFKA_PREFIX.length()), value);
                continue;
            }
            Option<?> option = options.get(name);
            if (option == null) {
                throw new InvalidOptionException(
                        "unknown option --" + name + suggestion(name) + " (see --help)");
            }
            if (values.containsKey(option)) {
                throw new InvalidOptionException("--" + name + " given twice");
            }
            String raw;
            if (inlineValue != null) {
                raw = inlineValue;
            } else if (option.isFlag()
                    && (i + 1 >= args.length
                            || !(args[i + 1].equalsIgnoreCase("true")
                                    || args[i + 1].equalsIgnoreCase("false")))) {
                raw = "true";
            } else {
                raw = valueAfter(args, i, name);
                i++;
            }
            values.put(option, option.parse(raw));
        }
        for (Option<?> o : options.values()) {
            if (!values.containsKey(o) && o.isRequired()) {
                throw new InvalidOptionException(
                        "missing required option --" + o.key() + ": " + o.description());
            }
        }
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (Option<?> o : options.values()) defaults.put(o.key(), o.defaultValue());
        Map<String, String> clientProperties = new LinkedHashMap<>();
        if (kafkaPropertiesFile != null) {
            clientProperties.putAll(KafkaClientProperties.load(Path.of(kafkaPropertiesFile)));
        }
        clientProperties.putAll(kafka);
        return new ParsedOptions(
                values, defaults, KafkaClientProperties.withEnvReferences(clientProperties, env));
    }

    private static String valueAfter(String[] args, int i, String name) {
        if (i + 1 >= args.length || (args[i + 1].startsWith("--") && args[i + 1].length() > 2)) {
            throw new InvalidOptionException("--" + name + " needs a value");
        }
        return args[i + 1];
    }

    private String suggestion(String name) {
        String best = null;
        int bestDistance = 3;
        for (String known : options.keySet()) {
            int d = distance(name, known);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return best == null ? "" : " (did you mean --" + best + "?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The {@code --help} text: every option with its value form, default and description. */
    public String help(String usage) {
        StringBuilder sb = new StringBuilder(usage).append("\n\nOptions:\n");
        for (Option<?> o : options.values()) {
            String left = "  --" + o.key() + (o.isFlag() ? "" : " " + o.valueHint());
            sb.append(left);
            sb.append(" ".repeat(Math.max(1, 44 - left.length())));
            sb.append(o.description());
            if (o.isFlag()) {
                sb.append(" (flag)");
            } else if (o.defaultValue() != null) {
                sb.append(" [default: ").append(Option.show(o.defaultValue())).append(']');
            } else if (o.isRequired()) {
                sb.append(" [required]");
            } else if (!o.description().contains("[default:")) {
                sb.append(" [default: unset]");
            }
            sb.append('\n');
        }
        sb.append("  --" + KAFKA_PROPERTIES + " <file>")
                .append(" ".repeat(44 - 27))
                .append(
                        "Kafka client properties from a file (as the Kafka tools' --command-config);\n")
                .append(" ".repeat(44))
                .append(
                        "--kafka.* wins over it; a value may be ${env:NAME} (an environment variable)\n");
        sb.append("  --kafka.<property> <value>")
                .append(" ".repeat(44 - 28))
                .append(
                        "any Kafka client property, passed to every source, sink and admin client\n")
                .append(" ".repeat(44))
                .append("(security.protocol, sasl.jaas.config, ssl.*, fetch/batch tuning, ...);\n")
                .append(" ".repeat(44))
                .append("isolation.level, enable.idempotence, acks, transaction.timeout.ms,\n")
                .append(" ".repeat(44))
                .append(
                        "transactional.id, bootstrap.servers, group.id are refused: use the options\n");
        return sb.toString();
    }
}
