package dev.eventflow.common.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decides, by key, which configuration values are secret, and masks them wherever configuration is
 * shown (the effective-configuration log line, error messages): the one rule, used by {@link
 * EffectiveConfig}. A value that only refers to an environment variable ({@code ${env:NAME}}) is
 * not itself secret, but is masked all the same.
 */
public final class Secrets {

    /** What a secret value is replaced with. */
    public static final String MASK = "******";

    /**
     * Parts of keys whose values are secrets or key material: passwords, secrets, tokens,
     * credentials, JAAS configs (which embed passwords), and the SSL key/keystore/truststore
     * settings Kafka accepts inline ({@code ssl.key.password}, {@code ssl.keystore.key}, {@code
     * ssl.truststore.certificates}, ...; their locations are masked too, erring on the safe side).
     */
    private static final Pattern SECRET =
            Pattern.compile(
                    "password|passwd|secret|token|credential|jaas|keystore|truststore"
                            + "|ssl\\.key|private[.\\-_]?key|api[.\\-_]?key");

    private Secrets() {}

    /** Whether values of {@code key} are secret (case-insensitive, by the parts listed above). */
    public static boolean isSecret(String key) {
        return SECRET.matcher(key.toLowerCase(Locale.ROOT)).find();
    }

    /** {@code value}, or {@link #MASK} when {@code key} is secret (null stays null). */
    public static String mask(String key, String value) {
        return value != null && isSecret(key) ? MASK : value;
    }

    /** A copy of {@code config} with every secret value masked, in the same order. */
    public static Map<String, String> masked(Map<String, String> config) {
        Map<String, String> out = new LinkedHashMap<>();
        config.forEach((k, v) -> out.put(k, mask(k, v)));
        return out;
    }
}
