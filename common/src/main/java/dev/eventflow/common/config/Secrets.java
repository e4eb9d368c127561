package dev.eventflow.common.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides, by key, which configuration values are secret, and masks them wherever configuration is
 * shown (start-up banner, logs, error messages). A key is secret when it names a password, a
 * secret, a JAAS configuration (which embeds credentials), a token, credentials, or private key
 * material ({@code ssl.keystore.key}, {@code ssl.key.password}, ...). A value that only refers to
 * an environment variable ({@code ${env:NAME}}) is not itself secret, but is masked all the same.
 */
public final class Secrets {

    /** What a secret value is replaced with. */
    public static final String MASK = "[hidden]";

    private static final List<String> SECRET_KEY_PARTS =
            List.of(
                    "password",
                    "passwd",
                    "secret",
                    "jaas",
                    "token",
                    "credential",
                    "keystore.key",
                    "private.key",
                    "private-key",
                    "api.key",
                    "apikey");

    private Secrets() {}

    /** Whether values of {@code key} are secret (case-insensitive, by the parts listed above). */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String part : SECRET_KEY_PARTS) {
            if (k.contains(part)) return true;
        }
        return false;
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
