package dev.eventflow.common.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One declared command-line option: key (without the leading {@code --}), default, description,
 * parser and validation. Declared once as a constant, it is parsed, validated, and printed by
 * {@code --help} from the same declaration, so the three can never disagree.
 *
 * @param <T> the parsed type
 */
public final class Option<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final T defaultValue;
    private final String description;
    private final String valueHint;
    private final SerializableFunction<String, T> parser;
    private final SerializablePredicate<T> check;
    private final String checkMessage;
    private final boolean flag;
    private final boolean optional;

    private Option(
            String key,
            T defaultValue,
            String description,
            String valueHint,
            SerializableFunction<String, T> parser,
            SerializablePredicate<T> check,
            String checkMessage,
            boolean flag,
            boolean optional) {
        this.key = Objects.requireNonNull(key);
        this.defaultValue = defaultValue;
        this.description = Objects.requireNonNull(description);
        this.valueHint = valueHint;
        this.parser = parser;
        this.check = check;
        this.checkMessage = checkMessage;
        this.flag = flag;
        this.optional = optional;
    }

    /** An option parsed by {@code parser}, without checks: the base of the factories below. */
    private static <T> Option<T> parsed(
            String key,
            T defaultValue,
            String description,
            String valueHint,
            SerializableFunction<String, T> parser) {
        return new Option<>(
                key, defaultValue, description, valueHint, parser, null, null, false, false);
    }

    /** A string option; {@code defaultValue} null means required. */
    public static Option<String> string(String key, String defaultValue, String description) {
        return parsed(key, defaultValue, description, "<text>", s -> s)
                .check(s -> !s.isBlank(), "must not be empty");
    }

    /** A string option that may be left unset (absent means "feature off"). */
    public static Option<String> optionalString(String key, String description) {
        Option<String> o = string(key, null, description);
        return new Option<>(
                o.key,
                null,
                description,
                o.valueHint,
                o.parser,
                o.check,
                o.checkMessage,
                false,
                true);
    }

    public static Option<Duration> duration(String key, Duration defaultValue, String description) {
        return parsed(key, defaultValue, description, "<duration>", Durations::parse)
                .check(d -> !d.isNegative(), "must not be negative");
    }

    public static Option<Integer> integer(String key, Integer defaultValue, String description) {
        return parsed(
                key,
                defaultValue,
                description,
                "<int>",
                s -> number(s, Integer::parseInt, "whole number"));
    }

    public static Option<Double> decimal(String key, Double defaultValue, String description) {
        return parsed(
                key,
                defaultValue,
                description,
                "<number>",
                s -> number(s, Double::parseDouble, "number"));
    }

    private static <N extends Number> N number(String s, Function<String, N> parse, String noun) {
        try {
            return parse.apply(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a " + noun);
        }
    }

    /** A presence flag: {@code --bounded} means true; {@code --bounded false} is also accepted. */
    public static Option<Boolean> flag(String key, String description) {
        return new Option<>(
                key,
                false,
                description,
                null,
                s -> {
                    if (s.equalsIgnoreCase("true")) return true;
                    if (s.equalsIgnoreCase("false")) return false;
                    throw new IllegalArgumentException("'" + s + "' is not true or false");
                },
                null,
                null,
                true,
                false);
    }

    /** One of the constants of {@code type}, spelled in lower case with '-' for '_'. */
    public static <E extends Enum<E>> Option<E> choice(
            String key, Class<E> type, E defaultValue, String description) {
        E[] values = type.getEnumConstants();
        String names =
                String.join("|", Arrays.stream(values).map(Option::spell).toArray(String[]::new));
        return parsed(
                key,
                defaultValue,
                description,
                names,
                s -> {
                    for (E e : values) {
                        if (spell(e).equals(s.trim().toLowerCase(Locale.ROOT))) return e;
                    }
                    throw new IllegalArgumentException("'" + s + "' is not one of " + names);
                });
    }

    /** The command-line spelling of an enum constant: {@code EXACTLY_ONCE -> exactly-once}. */
    public static String spell(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Adds a validation on the parsed value; {@code message} completes "--key ...". */
    public Option<T> check(SerializablePredicate<T> predicate, String message) {
        SerializablePredicate<T> previous = check;
        String previousMessage = checkMessage;
        if (previous == null) return with(defaultValue, description, predicate, message);
        // Keep both checks; report whichever fails.
        return with(
                defaultValue,
                description,
                v -> {
                    if (!previous.test(v)) throw new IllegalArgumentException(previousMessage);
                    return predicate.test(v);
                },
                message);
    }

    /**
     * The same option with a job's own default and description, e.g. a job-specific {@code
     * --output-topic}; declare it with {@link OptionSet#replace}.
     */
    public Option<T> withDefault(T newDefault, String newDescription) {
        return with(Objects.requireNonNull(newDefault), newDescription, check, checkMessage);
    }

    /** The same option with another description (what it means in one job). */
    public Option<T> describedAs(String newDescription) {
        return with(defaultValue, newDescription, check, checkMessage);
    }

    private Option<T> with(
            T newDefault,
            String newDescription,
            SerializablePredicate<T> newCheck,
            String newCheckMessage) {
        return new Option<>(
                key,
                newDefault,
                newDescription,
                valueHint,
                parser,
                newCheck,
                newCheckMessage,
                flag,
                optional);
    }

    public String key() {
        return key;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public boolean isFlag() {
        return flag;
    }

    /** Required options have no default and are not optional. */
    public boolean isRequired() {
        return defaultValue == null && !optional;
    }

    public String valueHint() {
        return valueHint;
    }

    /** Parses and validates {@code raw}; the exception names the option and the problem. */
    public T parse(String raw) {
        T value;
        try {
            value = parser.apply(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException("--" + key + ": " + e.getMessage());
        }
        validate(value);
        return value;
    }

    void validate(T value) {
        if (value == null || check == null) return;
        boolean ok;
        try {
            ok = check.test(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException(
                    "--" + key + " " + e.getMessage() + " (got " + show(value) + ")");
        }
        if (!ok) {
            throw new InvalidOptionException(
                    "--" + key + " " + checkMessage + " (got " + show(value) + ")");
        }
    }

    /** Renders a value the way a user would type it. */
    public static String show(Object value) {
        if (value instanceof Duration) return Durations.format((Duration) value);
        if (value instanceof Enum) return spell((Enum<?>) value);
        return String.valueOf(value);
    }

    @Override
    public String toString() {
        return "--" + key;
    }

    /** A {@link Function} that is {@link Serializable}, so options can travel inside job graphs. */
    @FunctionalInterface
    public interface SerializableFunction<A, B> extends Function<A, B>, Serializable {}

    /** A {@link Predicate} that is {@link Serializable}. */
    @FunctionalInterface
    public interface SerializablePredicate<A> extends Predicate<A>, Serializable {}
}
