package dev.eventflow.jobs.diagnose;

/**
 * One conclusion of {@code diagnose}: a problem (likely cause and fix) or a check that passed.
 *
 * @param problem true for a problem
 * @param message what was seen, the likely cause and the fix
 */
public record Verdict(boolean problem, String message) {

    public static Verdict ok(String message) {
        return new Verdict(false, message);
    }

    public static Verdict problem(String message) {
        return new Verdict(true, message);
    }

    @Override
    public String toString() {
        return (problem ? "PROBLEM: " : "ok: ") + message;
    }
}
