package dev.eventflow.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.jobs.Launcher;
import dev.eventflow.jobs.SuiteJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests in {@code deploy/k8s/} (they cannot be applied here): parsed, and the
 * fields that decide whether an upgrade keeps state checked. For every job registered in {@link
 * Launcher#jobs()}, the manifest's args are parsed and validated with that job's own options, so a
 * manifest can only use options that exist; jobs not registered yet are checked once they are.
 */
class DeployManifestsTest {

    private static final Path K8S = Path.of("..", "deploy", "k8s");
    private static final ObjectMapper YAML = new YAMLMapper();

    /** The suite's jobs: each gets a FlinkDeployment. */
    private static final Set<String> SUITE =
            Set.of(
                    "window-aggregation",
                    "running-counts",
                    "dedup",
                    "joins",
                    "late-audit",
                    "reconcile");

    private static final Map<String, JsonNode> deployments = new TreeMap<>();
    private static final Map<String, JsonNode> topics = new TreeMap<>();

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) docs.add(doc);
            }
        }
        return docs;
    }

    @BeforeAll
    static void load() throws IOException {
        try (Stream<Path> files = Files.list(K8S.resolve("jobs"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                for (JsonNode doc : documents(f)) {
                    assertThat(doc.path("kind").asText())
                            .as(f.toString())
                            .isEqualTo("FlinkDeployment");
                    deployments.put(doc.path("metadata").path("name").asText(), doc);
                }
            }
        }
        for (JsonNode doc : documents(K8S.resolve("topics/kafka-topics.yaml"))) {
            assertThat(doc.path("kind").asText()).isEqualTo("KafkaTopic");
            assertThat(doc.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
            topics.put(doc.path("metadata").path("name").asText(), doc);
        }
    }

    private static List<String> args(JsonNode deployment) {
        List<String> args = new ArrayList<>();
        deployment.path("spec").path("job").path("args").forEach(a -> args.add(a.asText()));
        return args;
    }

    /** Option value from an args list, e.g. --output-topic. */
    private static String arg(List<String> args, String option) {
        int i = args.indexOf(option);
        return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
    }

    @Test
    void everySuiteJobAndEveryRegisteredJobHasADeployment() {
        assertThat(deployments.keySet()).containsAll(SUITE);
        assertThat(deployments.keySet()).containsAll(Launcher.jobs().keySet());
    }

    @Test
    void deploymentsRunTheShadedJarThroughTheLauncherWithDurableState() {
        Set<String> prefixes = new HashSet<>();
        deployments.forEach(
                (name, d) -> {
                    assertThat(d.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
                    JsonNode spec = d.path("spec");
                    JsonNode job = spec.path("job");
                    assertThat(spec.path("image").asText()).as(name).isNotBlank();
                    assertThat(spec.path("flinkVersion").asText()).as(name).isEqualTo("v2_2");
                    assertThat(job.path("jarURI").asText())
                            .as(name)
                            .isEqualTo("local:///opt/flink/usrlib/eventflow-jobs.jar");
                    assertThat(job.path("entryClass").asText())
                            .as(name)
                            .isEqualTo(Launcher.class.getName());
                    List<String> args = args(d);
                    assertThat(args).as(name).first().isEqualTo(name);
                    assertThat(arg(args, "--bootstrap-servers")).as(name).isNotBlank();
                    String prefix = arg(args, "--transactional-id-prefix");
                    assertThat(prefix).as(name + ": explicit transactional id prefix").isNotBlank();
                    assertThat(prefixes.add(prefix)).as(name + ": unique prefix").isTrue();

                    JsonNode conf = spec.path("flinkConfiguration");
                    assertThat(conf.path("state.backend.type").asText())
                            .as(name)
                            .isEqualTo("rocksdb");
                    assertThat(conf.path("execution.checkpointing.incremental").asText())
                            .isEqualTo("true");
                    for (String key :
                            List.of(
                                    "execution.checkpointing.dir",
                                    "execution.checkpointing.savepoint-dir",
                                    "high-availability.storageDir")) {
                        assertThat(conf.path(key).asText())
                                .as(name + ": " + key)
                                .matches("(s3|gs|abfss|hdfs)://.+/" + name + "/.+");
                    }
                    assertThat(conf.path("high-availability.type").asText())
                            .as(name)
                            .isEqualTo("kubernetes");
                    int maxParallelism = conf.path("pipeline.max-parallelism").asInt();
                    assertThat(maxParallelism).as(name + ": max parallelism").isPositive();
                    assertThat(job.path("parallelism").asInt())
                            .as(name)
                            .isBetween(1, maxParallelism);
                    assertThat(job.path("allowNonRestoredState").asBoolean(true))
                            .as(name + ": dropped state fails the upgrade")
                            .isFalse();
                    for (String tm : List.of("jobManager", "taskManager")) {
                        assertThat(spec.path(tm).path("resource").path("memory").asText())
                                .as(name + " " + tm)
                                .matches("\\d+[mg]");
                        assertThat(spec.path(tm).path("resource").path("cpu").asDouble())
                                .as(name + " " + tm)
                                .isPositive();
                    }
                    String expectedMode = name.equals("reconcile") ? "stateless" : "savepoint";
                    assertThat(job.path("upgradeMode").asText()).as(name).isEqualTo(expectedMode);
                });
    }

    @Test
    void registeredJobsAcceptTheirManifestArgsAndTheUpgradeModeFitsTheirRuntimeMode() {
        for (SuiteJob job : Launcher.jobs().values()) {
            JsonNode d = deployments.get(job.name());
            List<String> args = args(d);
            ParsedOptions o =
                    job.options().parse(args.subList(1, args.size()).toArray(new String[0]));
            job.validate(o);
            assertThat(o.get(CommonOptions.MAX_PARALLELISM))
                    .as(job.name() + ": the job's --max-parallelism matches the cluster's")
                    .isEqualTo(
                            d.path("spec")
                                    .path("flinkConfiguration")
                                    .path("pipeline.max-parallelism")
                                    .asInt());
            String mode = d.path("spec").path("job").path("upgradeMode").asText();
            if (job.executionMode() == RuntimeExecutionMode.BATCH) {
                assertThat(mode).as(job.name()).isEqualTo("stateless");
            } else {
                assertThat(mode).as(job.name()).isEqualTo("savepoint");
            }
        }
    }

    @Test
    void everyTopicTheManifestsNameIsAKafkaTopicAndUpsertTopicsAreCompacted() {
        Map<String, String> named = new HashMap<>();
        deployments.forEach(
                (name, d) -> {
                    List<String> args = args(d);
                    for (int i = 0; i + 1 < args.size(); i++) {
                        if (args.get(i).startsWith("--") && args.get(i).endsWith("-topic")) {
                            named.put(args.get(i + 1), name + " " + args.get(i));
                        }
                    }
                });
        named.forEach((topic, usedBy) -> assertThat(topics).as(usedBy).containsKey(topic));
        // Upsert semantics (latest value per key, tombstones) need log compaction.
        String runningCounts = arg(args(deployments.get("running-counts")), "--output-topic");
        for (String upsert : List.of(runningCounts, "user-profiles")) {
            assertThat(
                            topics.get(upsert)
                                    .path("spec")
                                    .path("config")
                                    .path("cleanup.policy")
                                    .asText())
                    .as(upsert)
                    .isEqualTo("compact");
        }
        topics.forEach(
                (name, t) -> {
                    assertThat(
                                    t.path("metadata")
                                            .path("labels")
                                            .path("strimzi.io/cluster")
                                            .asText())
                            .as(name)
                            .isNotBlank();
                    assertThat(t.path("spec").path("partitions").asInt()).as(name).isPositive();
                    assertThat(t.path("spec").path("replicas").asInt()).as(name).isPositive();
                });
    }

    @Test
    void theSnapshotReferencesADeploymentAndKustomizationListsEveryFile() throws IOException {
        JsonNode snapshot =
                documents(K8S.resolve("snapshots/window-aggregation-savepoint.yaml")).get(0);
        assertThat(snapshot.path("kind").asText()).isEqualTo("FlinkStateSnapshot");
        JsonNode ref = snapshot.path("spec").path("jobReference");
        assertThat(ref.path("kind").asText()).isEqualTo("FlinkDeployment");
        assertThat(deployments).containsKey(ref.path("name").asText());
        assertThat(snapshot.path("spec").path("savepoint").path("path").asText())
                .isEqualTo(
                        deployments
                                .get(ref.path("name").asText())
                                .path("spec")
                                .path("flinkConfiguration")
                                .path("execution.checkpointing.savepoint-dir")
                                .asText());

        ObjectNode kustomization = (ObjectNode) documents(K8S.resolve("kustomization.yaml")).get(0);
        List<String> resources = new ArrayList<>();
        kustomization.path("resources").forEach(r -> resources.add(r.asText()));
        for (String r : resources) assertThat(K8S.resolve(r)).as(r).exists();
        for (String name : deployments.keySet()) {
            assertThat(resources).contains("jobs/" + name + ".yaml");
        }
        assertThat(resources).contains("topics/kafka-topics.yaml");
    }

    @Test
    void everyPodExportsPrometheusMetricsAndThePodMonitorScrapesThem() throws IOException {
        deployments.forEach(
                (name, d) -> {
                    JsonNode spec = d.path("spec");
                    JsonNode conf = spec.path("flinkConfiguration");
                    assertThat(conf.path("metrics.reporter.prom.factory.class").asText())
                            .as(name)
                            .isEqualTo(
                                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
                    String port = conf.path("metrics.reporter.prom.port").asText();
                    assertThat(port).as(name).matches("\\d+");
                    JsonNode pod = spec.path("podTemplate");
                    JsonNode annotations = pod.path("metadata").path("annotations");
                    assertThat(annotations.path("prometheus.io/scrape").asText())
                            .as(name)
                            .isEqualTo("true");
                    assertThat(annotations.path("prometheus.io/port").asText())
                            .as(name)
                            .isEqualTo(port);
                    JsonNode main = null;
                    for (JsonNode c : pod.path("spec").path("containers")) {
                        if (c.path("name").asText().equals("flink-main-container")) main = c;
                    }
                    assertThat(main)
                            .as(name + ": flink-main-container in the pod template")
                            .isNotNull();
                    boolean named = false;
                    for (JsonNode p : main.path("ports")) {
                        named |=
                                p.path("name").asText().equals("metrics")
                                        && p.path("containerPort").asText().equals(port);
                    }
                    assertThat(named).as(name + ": a port named metrics on " + port).isTrue();
                });
        JsonNode monitor = documents(K8S.resolve("monitoring/pod-monitor.yaml")).get(0);
        assertThat(monitor.path("kind").asText()).isEqualTo("PodMonitor");
        assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.path("spec").path("podMetricsEndpoints").get(0).path("port").asText())
                .isEqualTo("metrics");
        assertThat(monitor.path("spec").path("selector").path("matchLabels").path("type").asText())
                .isEqualTo("flink-native-kubernetes");
    }

    @Test
    void theImagePutsTheShadedJarWhereTheDeploymentsLookForIt() throws IOException {
        List<String> lines = Files.readAllLines(K8S.resolve("Dockerfile"));
        assertThat(lines).anyMatch(l -> l.matches("FROM flink:2\\.2[.\\d]*-java17\\s*"));
        assertThat(lines)
                .anyMatch(
                        l ->
                                l.startsWith("COPY")
                                        && l.contains("jobs/target/eventflow-jobs-")
                                        && l.endsWith(" /opt/flink/usrlib/eventflow-jobs.jar"));
    }
}
