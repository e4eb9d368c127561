package dev.eventflow.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The numbers behind the README's guarantees table, written by the fault and exactly-once tests
 * themselves: for each check, the job, the fault, how many faults were injected, how many output
 * records were compared to the ground truth, and how many were lost or duplicated. A test counts,
 * records, then asserts (so the ledger holds what was measured, and a test that fails still fails).
 *
 * <p>Each test class appends to {@code target/guarantees/<class>.tsv} of its module; {@code
 * docs/render-guarantees} turns all of them into the tables of README.md and docs/reliability.md.
 */
public final class GuaranteeLedger {

    /** Classes that wrote in this JVM: their first line replaces what an earlier build left. */
    private static final Set<String> STARTED = new HashSet<>();

    private GuaranteeLedger() {}

    /** What one comparison of output against ground truth found. */
    public record Count(long checked, long lost, long duplicated) {}

    /**
     * Compares {@code written} (one entry per output record, by identity) with {@code expected}
     * (the ground truth, each identity once): lost = expected identities never written, duplicated
     * = writes beyond the first of an identity, plus writes of identities not expected at all.
     */
    public static <T> Count compare(Collection<T> expected, Collection<T> written) {
        Map<T, Integer> times = new HashMap<>();
        for (T w : written) times.merge(w, 1, Integer::sum);
        Set<T> wanted = new HashSet<>(expected);
        long lost = wanted.stream().filter(e -> !times.containsKey(e)).count();
        long duplicated = 0;
        for (Map.Entry<T, Integer> e : times.entrySet()) {
            duplicated += wanted.contains(e.getKey()) ? e.getValue() - 1 : e.getValue();
        }
        return new Count(expected.size(), lost, duplicated);
    }

    /**
     * Appends one line for {@code testClass}.
     *
     * @param job the job's name as on the command line (e.g. {@code window-aggregation}), with a
     *     mode where it matters ({@code joins (left-outer)})
     * @param fault what was done to it, in a few words
     * @param faults how many faults were injected
     */
    public static synchronized Count record(
            Class<?> testClass, String job, String fault, int faults, Count count) {
        Path dir = Path.of("target", "guarantees");
        String line =
                String.join(
                                "\t",
                                job,
                                fault,
                                Integer.toString(faults),
                                Long.toString(count.checked()),
                                Long.toString(count.lost()),
                                Long.toString(count.duplicated()),
                                testClass.getSimpleName())
                        + "\n";
        try {
            Files.createDirectories(dir);
            Files.writeString(
                    dir.resolve(testClass.getSimpleName() + ".tsv"),
                    line,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    STARTED.add(testClass.getName())
                            ? StandardOpenOption.TRUNCATE_EXISTING
                            : StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count;
    }
}
