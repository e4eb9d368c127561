package dev.eventflow.common.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of a job under test, built option by option: what every integration test of a
 * Kafka job passes (the broker, a consumer group and transactional id prefix of its own, reading
 * from the earliest offset, quick checkpoints) set once by {@link KafkaExtension#jobArgs}, the
 * test's own topics and options added with {@link #with}. A later {@code with} of the same option
 * replaces the earlier value, so a test can override a default.
 *
 * <pre>{@code
 * String[] args = KAFKA.jobArgs(input).with("--input-topic", input).with("--output-topic", out).toArray();
 * }</pre>
 */
public final class JobArgs {

    private final Map<String, String> options = new LinkedHashMap<>();

    private JobArgs() {}

    /** No option at all. */
    public static JobArgs empty() {
        return new JobArgs();
    }

    /**
     * The options every Kafka job of the suite takes in a test: {@code --bootstrap-servers}, {@code
     * --group-id} and {@code --transactional-id-prefix} unique to {@code id}, {@code
     * --starting-offsets earliest} and a 300 ms checkpoint interval.
     */
    public static JobArgs kafkaJob(String bootstrapServers, String id) {
        return new JobArgs()
                .with("--bootstrap-servers", bootstrapServers)
                .with("--group-id", "it-" + id)
                .with("--transactional-id-prefix", "it-" + id)
                .with("--starting-offsets", "earliest")
                .with("--checkpoint-interval", "300ms");
    }

    /** Sets {@code option} (with its leading dashes) to {@code value}'s string form. */
    public JobArgs with(String option, Object value) {
        if (!option.startsWith("--")) {
            throw new IllegalArgumentException("an option starts with --: " + option);
        }
        options.put(option, String.valueOf(value));
        return this;
    }

    /** Adds a flag, an option without a value (e.g. {@code --bounded}). */
    public JobArgs flag(String option) {
        with(option, "");
        options.put(option, null);
        return this;
    }

    /** Removes {@code option}, for a test of what happens without it. */
    public JobArgs without(String option) {
        options.remove(option);
        return this;
    }

    /** The arguments, in the order first set. */
    public String[] toArray() {
        return toArray(new String[0]);
    }

    /**
     * The arguments, in the order first set, then {@code more} as given: a test's own raw arguments
     * (flags, a value it overrides further on the command line).
     */
    public String[] toArray(String... more) {
        List<String> args = new ArrayList<>(options.size() * 2 + more.length);
        options.forEach(
                (option, value) -> {
                    args.add(option);
                    if (value != null) args.add(value);
                });
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    @Override
    public String toString() {
        return String.join(" ", toArray());
    }
}
