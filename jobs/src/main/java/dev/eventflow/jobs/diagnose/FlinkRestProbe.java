package dev.eventflow.jobs.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventflow.jobs.diagnose.Snapshot.CheckpointSize;
import dev.eventflow.jobs.diagnose.Snapshot.Checkpoints;
import dev.eventflow.jobs.diagnose.Snapshot.Flink;
import dev.eventflow.jobs.diagnose.Snapshot.JobDetail;
import dev.eventflow.jobs.diagnose.Snapshot.JobSummary;
import dev.eventflow.jobs.diagnose.Snapshot.OperatorState;
import dev.eventflow.jobs.diagnose.Snapshot.StateFacts;
import dev.eventflow.jobs.diagnose.Snapshot.Vertex;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the Flink side of a {@link Snapshot} from the JobManager's REST API, the same data the web
 * UI shows: {@code /jobs/overview}, {@code /jobs/:jobid} (vertices, records in/out, plan), {@code
 * /jobs/:jobid/vertices/:vertexid/watermarks}, {@code .../backpressure} and {@code
 * /jobs/:jobid/checkpoints}, and the state sizes of the checkpoints ({@link #state}).
 */
final class FlinkRestProbe {

    private final JsonHttpClient api;

    FlinkRestProbe(String restUrl, Duration timeout) {
        this.api = new JsonHttpClient("Flink REST", restUrl, timeout);
    }

    /**
     * @param requestedJob a job name or id, or null for the only RUNNING job
     */
    Flink collect(String requestedJob) {
        List<JobSummary> jobs = new ArrayList<>();
        try {
            for (JsonNode j : get("/jobs/overview").path("jobs")) {
                jobs.add(
                        new JobSummary(
                                j.path("jid").asText(),
                                j.path("name").asText(),
                                j.path("state").asText(),
                                j.path("start-time").asLong()));
            }
        } catch (IOException e) {
            return new Flink(
                    api.baseUrl(),
                    false,
                    e.getMessage(),
                    List.of(),
                    requestedJob,
                    Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Flink(
                    api.baseUrl(), false, "interrupted", List.of(), requestedJob, Optional.empty());
        }
        Optional<JobSummary> chosen = choose(jobs, requestedJob);
        if (chosen.isEmpty()) {
            return new Flink(api.baseUrl(), true, null, jobs, requestedJob, Optional.empty());
        }
        try {
            return new Flink(
                    api.baseUrl(),
                    true,
                    null,
                    jobs,
                    requestedJob,
                    Optional.of(detail(chosen.get())));
        } catch (IOException e) {
            return new Flink(
                    api.baseUrl(), false, e.getMessage(), jobs, requestedJob, Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Flink(
                    api.baseUrl(), false, "interrupted", jobs, requestedJob, Optional.empty());
        }
    }

    /**
     * The chosen job's state facts: the full state size of every completed checkpoint Flink still
     * lists ({@code /jobs/:jobid/checkpoints}, {@code history}; {@code web.checkpoints.history} of
     * them, 10 by default) and, for the latest one, the state size per job vertex ({@code
     * /jobs/:jobid/checkpoints/details/:checkpointid}, {@code tasks}). Empty without a job or
     * without completed checkpoints.
     */
    Optional<StateFacts> state(Flink flink) {
        if (flink.job().isEmpty()) return Optional.empty();
        JobDetail job = flink.job().get();
        String path = "/jobs/" + job.summary().id() + "/checkpoints";
        try {
            List<CheckpointSize> history = new ArrayList<>();
            for (JsonNode c : get(path).path("history")) {
                if (!"COMPLETED".equals(c.path("status").asText())) continue;
                if (c.path("is_savepoint").asBoolean(false)) continue;
                history.add(
                        new CheckpointSize(
                                c.path("id").asLong(),
                                c.path("latest_ack_timestamp").asLong(),
                                c.path("state_size").asLong(),
                                c.path("checkpointed_size").asLong(-1)));
            }
            if (history.isEmpty()) return Optional.empty();
            history.sort(Comparator.comparingLong(CheckpointSize::id));
            CheckpointSize latest = history.get(history.size() - 1);
            Map<String, String> names = new HashMap<>();
            job.vertices().forEach(v -> names.put(v.id(), v.name()));
            List<OperatorState> operators = new ArrayList<>();
            JsonNode tasks = get(path + "/details/" + latest.id()).path("tasks");
            tasks.fields()
                    .forEachRemaining(
                            t ->
                                    operators.add(
                                            new OperatorState(
                                                    names.getOrDefault(t.getKey(), t.getKey()),
                                                    t.getValue().path("state_size").asLong(),
                                                    t.getValue()
                                                            .path("checkpointed_size")
                                                            .asLong(-1))));
            operators.sort(Comparator.comparingLong(OperatorState::stateSize).reversed());
            return Optional.of(new StateFacts("REST " + api.baseUrl(), history, operators));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** By id, else by name (a RUNNING one first, then the newest), else the only RUNNING job. */
    static Optional<JobSummary> choose(List<JobSummary> jobs, String requested) {
        if (requested != null) {
            Optional<JobSummary> byId =
                    jobs.stream().filter(j -> j.id().equals(requested)).findFirst();
            if (byId.isPresent()) return byId;
            return jobs.stream()
                    .filter(j -> j.name().equals(requested))
                    .max(
                            (a, b) ->
                                    a.state().equals("RUNNING") != b.state().equals("RUNNING")
                                            ? (a.state().equals("RUNNING") ? 1 : -1)
                                            : Long.compare(a.startTime(), b.startTime()));
        }
        List<JobSummary> running = jobs.stream().filter(j -> j.state().equals("RUNNING")).toList();
        return running.size() == 1 ? Optional.of(running.get(0)) : Optional.empty();
    }

    private JobDetail detail(JobSummary job) throws IOException, InterruptedException {
        String path = "/jobs/" + job.id();
        JsonNode details = get(path);
        Set<String> sources = new HashSet<>();
        for (JsonNode n : details.path("plan").path("nodes")) {
            if (!n.has("inputs") || n.path("inputs").isEmpty()) sources.add(n.path("id").asText());
        }
        List<Vertex> vertices = new ArrayList<>();
        for (JsonNode v : details.path("vertices")) {
            String id = v.path("id").asText();
            vertices.add(
                    new Vertex(
                            id,
                            v.path("name").asText(),
                            v.path("parallelism").asInt(),
                            v.path("status").asText(),
                            sources.contains(id),
                            v.path("metrics").path("read-records").asLong(),
                            v.path("metrics").path("write-records").asLong(),
                            watermark(path + "/vertices/" + id + "/watermarks"),
                            backpressure(path + "/vertices/" + id + "/backpressure")));
        }
        return new JobDetail(
                new JobSummary(
                        job.id(),
                        job.name(),
                        details.path("state").asText(job.state()),
                        job.startTime()),
                vertices,
                checkpoints(path + "/checkpoints"));
    }

    /** Lowest {@code currentInputWatermark} over the subtasks; null when none reported. */
    private Long watermark(String path) throws IOException, InterruptedException {
        Long min = null;
        for (JsonNode m : get(path)) {
            if (!m.path("id").asText().endsWith("currentInputWatermark")) continue;
            long w;
            try {
                w = Long.parseLong(m.path("value").asText());
            } catch (NumberFormatException e) {
                continue;
            }
            min = min == null ? w : Math.min(min, w);
        }
        return min;
    }

    /** Flink samples backpressure on request; the first answer may have no level yet. */
    private String backpressure(String path) {
        try {
            JsonNode b = get(path);
            String level = b.path("backpressure-level").asText(null);
            return "ok".equals(b.path("status").asText()) ? level : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private Optional<Checkpoints> checkpoints(String path) throws InterruptedException {
        JsonNode c;
        try {
            c = get(path);
        } catch (IOException e) {
            return Optional.empty(); // e.g. checkpointing not configured
        }
        JsonNode counts = c.path("counts");
        JsonNode completed = c.path("latest").path("completed");
        JsonNode failed = c.path("latest").path("failed");
        return Optional.of(
                new Checkpoints(
                        counts.path("completed").asLong(),
                        counts.path("failed").asLong(),
                        counts.path("in_progress").asLong(),
                        completed.isObject()
                                ? completed.path("latest_ack_timestamp").asLong()
                                : null,
                        failed.isObject() ? failed.path("failure_timestamp").asLong() : null,
                        failed.isObject() ? failed.path("failure_message").asText(null) : null));
    }

    private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        return api.get(pathAndQuery);
    }
}
