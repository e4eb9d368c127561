package dev.eventflow.common.config;

import java.util.Map;
import java.util.StringJoiner;

/**
 * The one line a job logs at start: every option it accepts with the value it runs with (given or
 * default), then the {@code --kafka.*} properties, with secrets masked. A person reading the log of
 * a run can then tell exactly what it was started with, without the password it was started with.
 */
public final class EffectiveConfig {

    /** What a masked value is printed as. */
    public static final String MASK = Secrets.MASK;

    private EffectiveConfig() {}

    /** True when the value of {@code key} (an option or a Kafka property) must not be logged. */
    public static boolean isSecret(String key) {
        return Secrets.isSecret(key);
    }

    /**
     * {@code --key value ...} of every option of {@code set} as {@code options} resolve it, then
     * every {@code --kafka.*} property; unset optional options are left out, secrets masked.
     */
    public static String describe(OptionSet set, ParsedOptions options) {
        StringJoiner line = new StringJoiner(" ");
        for (Option<?> option : set.options()) {
            Object value = options.get(option);
            if (value == null) continue;
            line.add("--" + option.key() + " " + shown(option.key(), Option.show(value)));
        }
        for (Map.Entry<String, String> p : options.kafkaProperties().entrySet()) {
            line.add(
                    "--"
                            + OptionSet.KAFKA_PREFIX
                            + p.getKey()
                            + " "
                            + shown(p.getKey(), p.getValue()));
        }
        return line.toString();
    }

    private static String shown(String key, String value) {
        return Secrets.mask(key, value);
    }
}
