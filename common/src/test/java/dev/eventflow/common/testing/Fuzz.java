package dev.eventflow.common.testing;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random inputs for the parsers' property tests, in plain JUnit: {@link #run} draws {@code
 * cases} inputs from a generator and checks each; a failing case names its seed, and {@code
 * -Dfuzz.seed=<seed>} replays exactly that case. The default seeds are fixed (the run is the same
 * on every machine); {@code -Dfuzz.random=true} draws new ones for an exploratory run.
 */
public final class Fuzz {

    private Fuzz() {}

    /** Makes one input from a random source. */
    @FunctionalInterface
    public interface Generator<T> {
        T next(SplittableRandom random);
    }

    /** Checks one input; throws (an assertion) when a property does not hold. */
    @FunctionalInterface
    public interface Check<T> {
        void accept(T input) throws Exception;
    }

    /**
     * Runs {@code cases} seeded cases of {@code check} on inputs from {@code generator}. Case
     * {@code i} uses seed {@code base + i}, where {@code base} is derived from {@code name}.
     *
     * @throws AssertionError naming the case's seed and input when a check fails
     */
    public static <T> void run(String name, int cases, Generator<T> generator, Check<T> check) {
        String replay = System.getProperty("fuzz.seed");
        long base =
                Boolean.getBoolean("fuzz.random")
                        ? new SplittableRandom().nextLong()
                        : name.hashCode() * 1_000_003L;
        long first = replay != null ? Long.parseLong(replay) : base;
        int count = replay != null ? 1 : cases;
        for (int i = 0; i < count; i++) {
            long seed = first + i;
            T input = generator.next(new SplittableRandom(seed));
            try {
                check.accept(input);
            } catch (Throwable t) {
                throw new AssertionError(
                        name
                                + ": case with seed "
                                + seed
                                + " failed (replay with -Dfuzz.seed="
                                + seed
                                + "), input: "
                                + describe(input),
                        t);
            }
        }
    }

    private static String describe(Object input) {
        if (input instanceof byte[] b) return Arrays.toString(b);
        String s = String.valueOf(input);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** Up to {@code maxLength} random bytes (empty included). */
    public static byte[] bytes(SplittableRandom r, int maxLength) {
        byte[] b = new byte[r.nextInt(maxLength + 1)];
        for (int i = 0; i < b.length; i++) b[i] = (byte) r.nextInt(256);
        return b;
    }

    /** As {@link #bytes}, or {@code null} one time in ten. */
    public static byte[] bytesOrNull(SplittableRandom r, int maxLength) {
        return r.nextInt(10) == 0 ? null : bytes(r, maxLength);
    }

    /** One of {@code choices}. */
    @SafeVarargs
    public static <T> T oneOf(SplittableRandom r, T... choices) {
        return choices[r.nextInt(choices.length)];
    }

    /** One of {@code choices}. */
    public static <T> T oneOf(SplittableRandom r, List<T> choices) {
        return choices.get(r.nextInt(choices.size()));
    }

    /**
     * A string of up to {@code maxLength} characters, from letters and digits mostly, with quotes,
     * backslashes, control characters, non-ASCII letters and lone surrogates mixed in.
     */
    public static String text(SplittableRandom r, int maxLength) {
        int n = r.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(12)) {
                case 0 -> sb.append(oneOf(r, '"', '\\', '\n', '\u0000', '\u001f'));
                case 1 -> sb.append(oneOf(r, 'é', 'ß', '中', '\ud83d', '\ude00'));
                default ->
                        sb.append(
                                r.nextBoolean()
                                        ? (char) ('a' + r.nextInt(26))
                                        : (char) ('0' + r.nextInt(10)));
            }
        }
        return sb.toString();
    }

    /** A JSON string literal of {@code s}, escaped as a JSON writer would. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }

    /**
     * {@code bytes} with one random edit: a byte replaced, dropped or inserted, the tail cut off,
     * or (one time in five) nothing, so that valid inputs stay in the mix.
     */
    public static byte[] mutate(SplittableRandom r, byte[] bytes) {
        if (bytes.length == 0) return bytes;
        int i = r.nextInt(bytes.length);
        byte b = (byte) r.nextInt(256);
        return switch (r.nextInt(5)) {
            case 0 -> {
                byte[] copy = bytes.clone();
                copy[i] = b;
                yield copy;
            }
            case 1 -> Arrays.copyOf(bytes, i);
            case 2 -> {
                byte[] dropped = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, dropped, 0, i);
                System.arraycopy(bytes, i + 1, dropped, i, bytes.length - i - 1);
                yield dropped;
            }
            case 3 -> {
                byte[] grown = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, grown, 0, i);
                grown[i] = b;
                System.arraycopy(bytes, i, grown, i + 1, bytes.length - i);
                yield grown;
            }
            default -> bytes;
        };
    }
}
