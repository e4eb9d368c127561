package dev.eventflow.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventflow.common.config.InvalidOptionException;
import dev.eventflow.common.config.ParsedOptions;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runner's text handling: placeholders, intervals, includes, statement splitting, errors. */
class SqlRunnerTest {

    private final ParsedOptions unbounded = SqlRunner.OPTIONS.parse();

    @Test
    void durationsBecomeIntervalLiteralsAndMillis() {
        Map<String, String> vars =
                SqlRunner.resolveVars(Map.of("WINDOW_SIZE", "90s"), unbounded, "x.sql");
        assertThat(vars.get("WINDOW_SIZE")).isEqualTo("INTERVAL '0 00:01:30.000' DAY TO SECOND(3)");
        assertThat(vars.get("WINDOW_SIZE_MS")).isEqualTo("90000");
        assertThat(vars.get("WATERMARK_DELAY"))
                .isEqualTo("INTERVAL '0 00:10:00.000' DAY TO SECOND(3)");
        assertThat(vars.get("SCAN_BOUNDED_MODE")).isEqualTo("unbounded");
        assertThat(SqlRunner.interval(Duration.ofDays(2).plusMillis(5)))
                .isEqualTo("INTERVAL '2 00:00:00.005' DAY TO SECOND(3)");
        assertThat(
                        SqlRunner.resolveVars(
                                        Map.of(), SqlRunner.OPTIONS.parse("--bounded"), "x.sql")
                                .get("SCAN_BOUNDED_MODE"))
                .isEqualTo("latest-offset");
    }

    @Test
    void badDurationVariableNamesTheVariable() {
        assertThatThrownBy(
                        () ->
                                SqlRunner.resolveVars(
                                        Map.of("JOIN_BOUND", "ten minutes"), unbounded, "x.sql"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("--var JOIN_BOUND: 'ten minutes' is not a duration");
    }

    @Test
    void everyRecipeLoadsWithItsIncludesAndNoUnresolvedPlaceholder() {
        Map<String, String> vars =
                SqlRunner.resolveVars(Map.of("BOOTSTRAP_SERVERS", "b:9092"), unbounded, "x.sql");
        File[] recipes = new File("recipes").listFiles((dir, name) -> name.endsWith(".sql"));
        assertThat(recipes).isNotEmpty();
        for (File recipe : recipes) {
            List<String> statements = SqlRunner.load(recipe.getPath(), vars);
            assertThat(statements).as(recipe.getName()).anyMatch(s -> s.startsWith("INSERT INTO"));
            assertThat(String.join("\n", statements))
                    .as(recipe.getName())
                    .doesNotContain("${")
                    .doesNotContain("@include");
        }
    }

    @Test
    void missingBootstrapServersIsReportedByName() {
        Map<String, String> vars = SqlRunner.resolveVars(Map.of(), unbounded, "x.sql");
        assertThatThrownBy(() -> SqlRunner.load("recipes/window-aggregation-hop.sql", vars))
                .hasMessageContaining("unresolved placeholder ${BOOTSTRAP_SERVERS}")
                .hasMessageContaining("--var BOOTSTRAP_SERVERS=");
    }

    @Test
    void splitKeepsSemicolonsInStringsAndCommentsAndJoinsStatementSets() {
        List<String> parts =
                SqlRunner.split(
                        "-- a comment; with a semicolon\n"
                                + "SET 'a.b' = 'x;y';\n"
                                + "CREATE TABLE t (s STRING) WITH ('k' = 'v');\n"
                                + "EXECUTE STATEMENT SET BEGIN\n INSERT INTO a SELECT 1;\n INSERT INTO b SELECT 2;\nEND;\n");
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0)).isEqualTo("SET 'a.b' = 'x;y'");
        assertThat(parts.get(2))
                .startsWith("EXECUTE STATEMENT SET BEGIN")
                .contains("INSERT INTO a SELECT 1;")
                .endsWith("END");
    }

    @Test
    void commandLineErrorsExitWithTwo() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(
                        SqlRunner.run(
                                new String[] {"recipes/window-aggregation-hop.sql"}, System.out, e))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("${BOOTSTRAP_SERVERS}");
        err.reset();
        assertThat(
                        SqlRunner.run(
                                new String[] {"recipes/nope.sql", "--var", "BOOTSTRAP_SERVERS=b:1"},
                                System.out,
                                e))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("no such recipe: recipes/nope.sql");
        err.reset();
        assertThat(
                        SqlRunner.run(
                                new String[] {"recipes/dedup.sql", "--statebackend", "x"},
                                System.out,
                                e))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --statebackend");
    }

    @Test
    void fromAndToAreInstantsInIsoAndMillis() {
        Map<String, String> vars =
                SqlRunner.resolveVars(
                        Map.of("FROM", "2026-01-01T11:00:00+01:00", "TO", "1767261900000"),
                        unbounded,
                        "x.sql");
        assertThat(vars.get("FROM")).isEqualTo("2026-01-01T10:00:00Z");
        assertThat(vars.get("FROM_MS")).isEqualTo("1767261600000");
        assertThat(vars.get("TO")).isEqualTo("2026-01-01T10:05:00Z");
        assertThat(vars.get("TO_MS")).isEqualTo("1767261900000");
        Map<String, String> defaults = SqlRunner.resolveVars(Map.of(), unbounded, "x.sql");
        assertThat(defaults.get("FROM_MS")).isEqualTo("0");
        assertThat(defaults.get("PROFILES_TOPIC")).isEqualTo("user-profiles");
        assertThatThrownBy(
                        () ->
                                SqlRunner.resolveVars(
                                        Map.of("FROM", "yesterday"), unbounded, "x.sql"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("--var FROM: 'yesterday' is not an instant");
        assertThatThrownBy(
                        () ->
                                SqlRunner.resolveVars(
                                        Map.of(
                                                "FROM",
                                                "2026-01-02T00:00:00Z",
                                                "TO",
                                                "2026-01-01T00:00:00Z"),
                                        unbounded,
                                        "x.sql"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("must be after --var FROM");
    }

    @Test
    void aBatchSetMakesABatchRecipe() {
        Map<String, String> vars =
                SqlRunner.resolveVars(Map.of("BOOTSTRAP_SERVERS", "b:9092"), unbounded, "x.sql");
        assertThat(SqlRunner.runtimeMode(SqlRunner.load("recipes/reconcile-exact.sql", vars)))
                .isEqualTo(org.apache.flink.api.common.RuntimeExecutionMode.BATCH);
        assertThat(
                        SqlRunner.runtimeMode(
                                SqlRunner.load("recipes/window-aggregation-hop.sql", vars)))
                .isEqualTo(org.apache.flink.api.common.RuntimeExecutionMode.STREAMING);
        assertThatThrownBy(
                        () ->
                                SqlRunner.runtimeMode(
                                        List.of("SET 'execution.runtime-mode' = 'fast'")))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("use 'streaming' or 'batch'");
    }
}
