package dev.eventflow.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.eventflow.common.metrics.SuiteMetrics;
import dev.eventflow.jobs.lateaudit.LateClassifier;
import dev.eventflow.jobs.windowagg.SlicedWindowOperator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The monitoring assets in {@code deploy/monitoring} against the metric names a real scrape
 * exposes: {@code scraped-metrics.txt}, written by {@code deploy/monitoring/check --record} from a
 * real Prometheus scraping the local cluster, and compared with the live scrape on every run of
 * that check (in CI). Every query of the dashboard and every alert rule must name only scraped
 * metrics; the dashboard has one row per concern; every alert rule has a promtool unit test.
 */
class MonitoringAssetsTest {

    private static final Path MONITORING = Path.of("..", "deploy", "monitoring");
    private static final Pattern METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_:]+");
    private static final String OPERATOR = "flink_taskmanager_job_task_operator_";

    private static Set<String> scraped;
    private static JsonNode dashboard;
    private static JsonNode alerts;

    @BeforeAll
    static void load() throws IOException {
        scraped =
                Files.readAllLines(MONITORING.resolve("scraped-metrics.txt")).stream()
                        .map(String::trim)
                        .filter(l -> !l.isEmpty())
                        .collect(Collectors.toCollection(TreeSet::new));
        dashboard = new ObjectMapper().readTree(MONITORING.resolve("dashboard.json").toFile());
        alerts = new YAMLMapper().readTree(MONITORING.resolve("alerts.yml").toFile());
    }

    private static Set<String> metricsIn(String promql) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(promql);
        while (m.find()) names.add(m.group());
        return names;
    }

    private static List<String> dashboardQueries() {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) queries.add(target.path("expr").asText());
        }
        return queries;
    }

    private static List<JsonNode> rules() {
        List<JsonNode> rules = new ArrayList<>();
        alerts.path("groups").forEach(g -> g.path("rules").forEach(rules::add));
        return rules;
    }

    @Test
    void theRecordedScrapeHoldsTheSuitesVocabulary() {
        assertThat(scraped).hasSizeGreaterThan(50);
        for (String name :
                List.of(
                        SuiteMetrics.RECORDS_IN,
                        SuiteMetrics.DEAD_LETTERS,
                        SuiteMetrics.LATE_EVENTS,
                        SuiteMetrics.PARTIALLY_LATE_EVENTS,
                        SuiteMetrics.DROPPED_WINDOW_ASSIGNMENTS,
                        SuiteMetrics.WATERMARK_LAG,
                        LateClassifier.LATE_RATIO,
                        LateClassifier.MAX_LATENESS,
                        SlicedWindowOperator.CACHED_KEYS)) {
            assertThat(scraped).contains(OPERATOR + name);
        }
        // Labelled ones: Flink puts the label's key into the name, and a sink's user group.
        assertThat(scraped)
                .contains(
                        OPERATOR + "reason_" + SuiteMetrics.DEAD_LETTERS_BY_REASON,
                        OPERATOR + "user_output_" + SuiteMetrics.RECORDS_OUT,
                        OPERATOR + "pendingRecords");
    }

    @Test
    void everyDashboardQueryNamesOnlyScrapedMetrics() {
        List<String> queries = dashboardQueries();
        assertThat(queries).hasSizeGreaterThan(10).allMatch(q -> !q.isBlank());
        for (String q : queries) {
            assertThat(metricsIn(q)).as(q).isNotEmpty();
            assertThat(scraped).as(q).containsAll(metricsIn(q));
        }
    }

    @Test
    void theDashboardHasOneRowPerConcern() {
        List<String> rows = new ArrayList<>();
        int panelsWithoutRow = 0;
        boolean inRow = false;
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                rows.add(panel.path("title").asText());
                inRow = true;
            } else if (!inRow) {
                panelsWithoutRow++;
            }
        }
        assertThat(panelsWithoutRow).isZero();
        assertThat(rows)
                .containsExactly(
                        "Throughput",
                        "Kafka consumer lag",
                        "Watermarks",
                        "Late data",
                        "Dead letters",
                        "Checkpoints",
                        "State",
                        "Restarts and uptime");
    }

    @Test
    void everyAlertRuleNamesOnlyScrapedMetricsAndHasAUnitTest() throws IOException {
        String tests = Files.readString(MONITORING.resolve("alerts-test.yml"));
        List<JsonNode> rules = rules();
        assertThat(rules)
                .extracting(r -> r.path("alert").asText())
                .containsExactlyInAnyOrder(
                        "EventflowNoInputWhileTopicGrows",
                        "EventflowWatermarkStuck",
                        "EventflowConsumerLagGrowing",
                        "EventflowCheckpointFailures",
                        "EventflowCheckpointDurationNearInterval",
                        "EventflowDeadLetterRate",
                        "EventflowLateRatioHigh",
                        "EventflowLateAuditLateRatioHigh",
                        "EventflowRestarts");
        for (JsonNode rule : rules) {
            String name = rule.path("alert").asText();
            String expr = rule.path("expr").asText();
            assertThat(metricsIn(expr)).as(name).isNotEmpty();
            assertThat(scraped).as(name).containsAll(metricsIn(expr));
            assertThat(rule.path("labels").path("severity").asText()).as(name).isNotBlank();
            assertThat(rule.path("annotations").path("summary").asText()).as(name).isNotBlank();
            assertThat(tests).as(name + " in alerts-test.yml").contains("alertname: " + name);
            for (String series : metricsIn(tests)) {
                assertThat(scraped).as("alerts-test.yml series " + series).contains(series);
            }
        }
    }
}
