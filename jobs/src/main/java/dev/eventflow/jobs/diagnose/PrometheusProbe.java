package dev.eventflow.jobs.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventflow.jobs.diagnose.Snapshot.CheckpointSize;
import dev.eventflow.jobs.diagnose.Snapshot.OperatorState;
import dev.eventflow.jobs.diagnose.Snapshot.StateFacts;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads a job's state facts from Prometheus (its HTTP API), where Flink's Prometheus reporter's
 * metrics are scraped: the full checkpointed state size over the last {@code range} ({@code
 * flink_jobmanager_job_lastCheckpointFullSize}, one point per step) and the state size per operator
 * as RocksDB estimates it ({@code ..._column_family_rocksdb_estimate_live_data_size}, summed over
 * states and subtasks). The same facts {@link FlinkRestProbe#state} reads from the REST API, with a
 * longer memory than the REST API's last ten checkpoints.
 */
final class PrometheusProbe {

    static final String FULL_SIZE = "flink_jobmanager_job_lastCheckpointFullSize";
    static final String LIVE_DATA_SIZE =
            "flink_taskmanager_job_task_operator_column_family_rocksdb_estimate_live_data_size";
    static final String UPTIME = "flink_jobmanager_job_uptime";

    private static final int POINTS = 60;

    private final JsonHttpClient api;

    PrometheusProbe(String url, Duration timeout) {
        this.api = new JsonHttpClient("Prometheus", url, timeout);
    }

    /** Flink's reporter writes label values with every character outside [a-zA-Z0-9:_] as _. */
    static String labelValue(String jobName) {
        return jobName.replaceAll("[^a-zA-Z0-9:_]", "_");
    }

    /**
     * The job's state facts, or an error message.
     *
     * @param jobName the job's name as Flink knows it, or null for the only job Prometheus sees
     */
    Result collect(String jobName, Duration range, long now) {
        try {
            String label = jobName == null ? onlyJob() : labelValue(jobName);
            String selector = "{job_name=\"" + label + "\"}";
            long step = Math.max(1, range.toSeconds() / POINTS);
            List<CheckpointSize> history = new ArrayList<>();
            JsonNode series =
                    get(
                            "/api/v1/query_range?query="
                                    + encode("max(" + FULL_SIZE + selector + ")")
                                    + "&start="
                                    + (now - range.toMillis()) / 1000
                                    + "&end="
                                    + now / 1000
                                    + "&step="
                                    + step);
            for (JsonNode s : series.path("data").path("result")) {
                long i = 0;
                for (JsonNode point : s.path("values")) {
                    long at = Math.round(point.get(0).asDouble() * 1000);
                    history.add(
                            new CheckpointSize(
                                    i++, at, (long) Double.parseDouble(point.get(1).asText()), -1));
                }
            }
            List<OperatorState> operators = new ArrayList<>();
            JsonNode live =
                    get(
                            "/api/v1/query?query="
                                    + encode(
                                            "sum by (operator_name) ("
                                                    + LIVE_DATA_SIZE
                                                    + selector
                                                    + ")"));
            for (JsonNode s : live.path("data").path("result")) {
                operators.add(
                        new OperatorState(
                                s.path("metric").path("operator_name").asText(),
                                (long) Double.parseDouble(s.path("value").get(1).asText()),
                                -1));
            }
            operators.sort(Comparator.comparingLong(OperatorState::stateSize).reversed());
            if (history.isEmpty() && operators.isEmpty()) {
                return new Result(
                        Optional.empty(),
                        "Prometheus at "
                                + api.baseUrl()
                                + " has no state metrics for job_name=\""
                                + label
                                + "\" (is Flink's Prometheus reporter scraped?)");
            }
            return new Result(
                    Optional.of(new StateFacts("Prometheus " + api.baseUrl(), history, operators)),
                    null);
        } catch (IOException e) {
            return new Result(Optional.empty(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Optional.empty(), "interrupted");
        }
    }

    /** State facts, or why there are none. */
    record Result(Optional<StateFacts> facts, String error) {}

    private String onlyJob() throws IOException, InterruptedException {
        List<String> jobs = new ArrayList<>();
        for (JsonNode s :
                get("/api/v1/query?query=" + encode("count by (job_name) (" + UPTIME + ")"))
                        .path("data")
                        .path("result")) {
            jobs.add(s.path("metric").path("job_name").asText());
        }
        if (jobs.size() != 1) {
            throw new IOException(
                    "Prometheus at "
                            + api.baseUrl()
                            + " sees "
                            + (jobs.isEmpty() ? "no Flink job" : "jobs " + jobs)
                            + ": choose one with --job");
        }
        return jobs.get(0);
    }

    private static String encode(String query) {
        return URLEncoder.encode(query, StandardCharsets.UTF_8);
    }

    private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        return api.get(pathAndQuery);
    }
}
