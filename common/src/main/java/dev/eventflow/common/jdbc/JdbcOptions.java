package dev.eventflow.common.jdbc;

import dev.eventflow.common.config.InvalidOptionException;
import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.ParsedOptions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The PostgreSQL output options ({@code --jdbc-*}): a job that adds {@link #JDBC_OUTPUT} writes its
 * results to a table as well when {@code --jdbc-url} is given. The password never appears on the
 * command line unless the user puts it there: by default it is read from the environment variable
 * named by {@code --jdbc-password-env} ({@code PGPASSWORD}), on the client for the start-up check
 * and on each TaskManager when the writer opens its connection.
 */
public final class JdbcOptions {

    private JdbcOptions() {}

    /** Unquoted PostgreSQL identifiers, optionally schema-qualified: {@code [schema.]table}. */
    private static final Pattern TABLE_NAME =
            Pattern.compile("([a-z_][a-z0-9_]{0,62}\\.)?[a-z_][a-z0-9_]{0,62}");

    public static final Option<String> URL =
            Option.optionalString(
                            "jdbc-url",
                            "also upsert every result row into PostgreSQL, e.g."
                                    + " jdbc:postgresql://db:5432/analytics (off when unset)")
                    .check(
                            u -> u.startsWith("jdbc:postgresql:"),
                            "must start with jdbc:postgresql:");

    public static final Option<String> TABLE =
            Option.string(
                            "jdbc-table",
                            "results",
                            "[schema.]table the rows are upserted into; created when missing")
                    .check(
                            t -> TABLE_NAME.matcher(t).matches(),
                            "must be a lower-case [schema.]table name (letters, digits, _)");

    public static final Option<String> USER =
            Option.optionalString(
                    "jdbc-user", "database user [default: the driver's, from the URL]");

    public static final Option<String> PASSWORD_ENV =
            Option.string(
                    "jdbc-password-env",
                    "PGPASSWORD",
                    "environment variable holding the database password (read on the client and"
                            + " on every TaskManager; unset = no password)");

    public static final Option<String> PASSWORD =
            Option.optionalString(
                    "jdbc-password",
                    "database password; prefer --jdbc-password-env (a command line is visible to"
                            + " every local user and travels in the job graph)");

    public static final Option<Integer> BATCH_SIZE =
            Option.integer(
                            "jdbc-batch-size",
                            500,
                            "rows per batched upsert (also flushed on every"
                                    + " checkpoint and every --jdbc-flush-interval)")
                    .check(n -> n > 0 && n <= 100_000, "must be between 1 and 100000");

    public static final Option<Duration> FLUSH_INTERVAL =
            Option.duration(
                            "jdbc-flush-interval",
                            Duration.ofSeconds(1),
                            "longest time a row waits in the batch before it is written")
                    .check(d -> !d.isZero(), "must be positive");

    /** The group a job adds to offer the PostgreSQL output. */
    public static final List<Option<?>> JDBC_OUTPUT =
            List.of(URL, TABLE, USER, PASSWORD_ENV, PASSWORD, BATCH_SIZE, FLUSH_INTERVAL);

    /** True when {@code --jdbc-url} was given. */
    public static boolean enabled(ParsedOptions o) {
        return o.get(URL) != null;
    }

    /**
     * Where and how to connect, for the start-up check and the writer.
     *
     * @throws InvalidOptionException when {@code --jdbc-url} is unset
     */
    public static JdbcTarget target(ParsedOptions o) {
        if (!enabled(o)) throw new InvalidOptionException("--jdbc-url is not set");
        return new JdbcTarget(
                o.get(URL), o.get(TABLE), o.get(USER), o.get(PASSWORD_ENV), o.get(PASSWORD));
    }
}
