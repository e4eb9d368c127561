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
    private final Map<String, String> kafkaProperties;

    ParsedOptions(Map<Option<?>, Object> values, Map<String, String> kafkaProperties) {
        values.forEach((o, v) -> this.values.put(o.key(), v));
        this.kafkaProperties = Collections.unmodifiableMap(new LinkedHashMap<>(kafkaProperties));
    }

    /** The given value, or the option's default (which may be null for optional options). */
    @SuppressWarnings("unchecked")
    public <T> T get(Option<T> option) {
        return values.containsKey(option.key())
                ? (T) values.get(option.key())
                : option.defaultValue();
    }

    public boolean isSet(Option<?> option) {
        return values.containsKey(option.key());
    }

    /** Kafka client properties from {@code --kafka.<name> <value>}, without the prefix. */
    public Map<String, String> kafkaProperties() {
        return kafkaProperties;
    }

    public Properties kafkaPropertiesAsProperties() {
        Properties p = new Properties();
        p.putAll(kafkaProperties);
        return p;
    }
}
