package dev.eventflow.common.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** The values of one parsed command line: declared options plus {@code --kafka.*} properties. */
public final class ParsedOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, Object> values = new LinkedHashMap<>();

    /** The defaults as declared by the job's option set (a job may override a common default). */
    private final Map<String, Object> declaredDefaults = new LinkedHashMap<>();

    private final Map<String, String> kafkaProperties;

    ParsedOptions(
            Map<Option<?>, Object> values,
            Map<String, Object> declaredDefaults,
            Map<String, String> kafkaProperties) {
        values.forEach((o, v) -> this.values.put(o.key(), v));
        this.declaredDefaults.putAll(declaredDefaults);
        this.kafkaProperties = Collections.unmodifiableMap(new LinkedHashMap<>(kafkaProperties));
    }

    /**
     * The given value, or the default the job declared for this key (which may differ from {@code
     * option}'s own, see {@link OptionSet#replace}), or {@code option}'s default (null for optional
     * options).
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Option<T> option) {
        if (values.containsKey(option.key())) return (T) values.get(option.key());
        if (declaredDefaults.containsKey(option.key()))
            return (T) declaredDefaults.get(option.key());
        return option.defaultValue();
    }

    public boolean isSet(Option<?> option) {
        return values.containsKey(option.key());
    }

    /**
     * Kafka client properties: {@code --kafka-properties FILE} overlaid by {@code --kafka.<name>
     * <value>} (without the prefix), plus the environment config provider when a value refers to
     * {@code ${env:NAME}}. Values may be secret: show them only through {@link Secrets#masked}.
     */
    public Map<String, String> kafkaProperties() {
        return kafkaProperties;
    }

    public Properties kafkaPropertiesAsProperties() {
        Properties p = new Properties();
        p.putAll(kafkaProperties);
        return p;
    }
}
