package dev.eventflow.common.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventflow.common.config.InvalidOptionException;
import dev.eventflow.common.config.OptionGroups;
import dev.eventflow.common.config.OptionSet;
import dev.eventflow.common.config.ParsedOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code --jdbc-*} options: off unless {@code --jdbc-url} is given, bad values refused with the
 * option named, the password never shown; and the SQL the upsert table gives.
 */
class JdbcOptionsTest {

    private static ParsedOptions parse(String... args) {
        OptionSet set = OptionGroups.streamingJob(JdbcOptions.JDBC_OUTPUT);
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-servers";
        all[1] = "localhost:1";
        System.arraycopy(args, 0, all, 2, args.length);
        return set.parse(all);
    }

    @Test
    void offUnlessAUrlIsGivenAndBadValuesNameTheirOption() {
        assertThat(JdbcOptions.enabled(parse())).isFalse();
        assertThat(JdbcOptions.enabled(parse("--jdbc-url", "jdbc:postgresql://db/x"))).isTrue();
        assertThatThrownBy(() -> parse("--jdbc-url", "jdbc:mysql://db/x"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("--jdbc-url");
        assertThatThrownBy(() -> parse("--jdbc-table", "User-Windows"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("--jdbc-table");
        assertThatThrownBy(() -> parse("--jdbc-batch-size", "0"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("--jdbc-batch-size");
        assertThatThrownBy(() -> parse("--jdbc-flush-interval", "0s"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("--jdbc-flush-interval");
        assertThat(parse("--jdbc-table", "analytics.user_windows").get(JdbcOptions.TABLE))
                .isEqualTo("analytics.user_windows");
    }

    @Test
    void theTargetNeverShowsThePassword() {
        JdbcTarget t =
                JdbcOptions.target(
                        parse(
                                "--jdbc-url",
                                "jdbc:postgresql://db/x?password=in-the-url&ssl=true",
                                "--jdbc-user",
                                "writer",
                                "--jdbc-password",
                                "on-the-command-line"));
        assertThat(t.toString())
                .isEqualTo("results at jdbc:postgresql://db/x?password=***&ssl=true as writer")
                .doesNotContain("in-the-url", "on-the-command-line");
    }

    @Test
    void theTableGivesItsCreateAndUpsertStatements() {
        UpsertTable table =
                new UpsertTable(
                        List.of(
                                Column.text("id"),
                                Column.timestamptz("at"),
                                Column.doublePrecision("v").orNull()),
                        List.of("id", "at"));
        assertThat(table.createSql("t"))
                .isEqualTo(
                        "CREATE TABLE IF NOT EXISTS t (\n  id text NOT NULL,\n  at timestamptz NOT"
                                + " NULL,\n  v double precision,\n  PRIMARY KEY (id, at)\n)");
        assertThat(table.upsertSql("t"))
                .isEqualTo(
                        "INSERT INTO t (id, at, v) VALUES (?, ?, ?) ON CONFLICT (id, at) DO UPDATE"
                                + " SET v = EXCLUDED.v");
    }
}
