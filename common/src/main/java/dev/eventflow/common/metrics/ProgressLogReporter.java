package dev.eventflow.common.metrics;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink metric reporter that logs one line per running job, every reporting interval, that a
 * person can follow in a terminal: records in (and the rate since the last line), records out
 * (result rows), late events, dead letters, the watermark and its lag behind the wall clock, and
 * the Kafka source's pending records (consumer lag). It reads the suite's vocabulary ({@link
 * SuiteMetrics}) and the Kafka source's {@code pendingRecords}, summed over the subtasks this
 * process runs; a {@code java -jar} run (one MiniCluster) runs them all.
 *
 * <p>{@code JobEnvironment} enables it for local runs with {@code --progress-log-interval} (0s =
 * off); on a cluster the same facts come from the Prometheus scrape and the dashboard.
 */
public final class ProgressLogReporter implements MetricReporter, Scheduled {

    private static final Logger LOG = LoggerFactory.getLogger("dev.eventflow.progress");

    static final String PENDING_RECORDS = "pendingRecords";
    private static final String JOB_NAME = "<job_name>";
    private static final String OUTPUT = "<" + SuiteMetrics.OUTPUT_LABEL + ">";

    /** One registered metric we read, by its identity. */
    private record Tracked(String job, String name, String output, Metric metric) {}

    private final Map<Metric, Tracked> tracked = new ConcurrentHashMap<>();
    private final Map<String, long[]> lastIn = new ConcurrentHashMap<>();

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {
        tracked.clear();
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        add(metric, name, group.getAllVariables());
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        tracked.remove(metric);
    }

    void add(Metric metric, String name, Map<String, String> variables) {
        String job = variables.get(JOB_NAME);
        if (job == null) return;
        if (name.startsWith(SuiteMetrics.PREFIX) || name.equals(PENDING_RECORDS)) {
            tracked.put(metric, new Tracked(job, name, variables.get(OUTPUT), metric));
        }
    }

    @Override
    public void report() {
        for (String line : lines(System.currentTimeMillis())) LOG.info(line);
    }

    /** One line per job that has reported a record count, by job name. */
    Iterable<String> lines(long now) {
        Map<String, Progress> jobs = new TreeMap<>();
        for (Tracked t : tracked.values()) {
            jobs.computeIfAbsent(t.job(), j -> new Progress()).add(t);
        }
        return jobs.entrySet().stream()
                .map(e -> e.getValue().line(e.getKey(), now, lastIn))
                .toList();
    }

    /** The sums of one job. */
    private static final class Progress {
        long in;
        long out;
        long late;
        long deadLetters;
        long pending = -1;
        double maxLagSeconds = Double.NaN;

        void add(Tracked t) {
            switch (t.name()) {
                case SuiteMetrics.RECORDS_IN -> in += count(t.metric());
                case SuiteMetrics.RECORDS_OUT -> {
                    if ("out".equals(t.output())) out += count(t.metric());
                }
                case SuiteMetrics.LATE_EVENTS -> late += count(t.metric());
                case SuiteMetrics.DEAD_LETTERS -> deadLetters += count(t.metric());
                case SuiteMetrics.WATERMARK_LAG -> {
                    double lag = number(t.metric());
                    if (!Double.isNaN(lag) && !(lag <= maxLagSeconds)) maxLagSeconds = lag;
                }
                case PENDING_RECORDS -> {
                    double p = number(t.metric());
                    if (!Double.isNaN(p) && p >= 0) pending = Math.max(0, pending) + (long) p;
                }
                default -> {}
            }
        }

        String line(String job, long now, Map<String, long[]> lastIn) {
            long[] previous = lastIn.put(job, new long[] {now, in});
            StringBuilder b = new StringBuilder("progress ").append(job).append(": in ").append(in);
            if (previous != null && now > previous[0]) {
                double rate = (in - previous[1]) * 1000.0 / (now - previous[0]);
                b.append(String.format(" (%.0f/s)", rate));
            }
            b.append(", out ").append(out);
            b.append(", late ").append(late);
            b.append(", dlq ").append(deadLetters);
            if (Double.isNaN(maxLagSeconds)) {
                b.append(", watermark none yet");
            } else {
                long watermark = now - Math.round(maxLagSeconds * 1000);
                b.append(", watermark ")
                        .append(Instant.ofEpochMilli(watermark))
                        .append(" (lag ")
                        .append(human(Math.round(maxLagSeconds)))
                        .append(')');
            }
            b.append(", kafka lag ").append(pending < 0 ? "unknown" : Long.toString(pending));
            return b.toString();
        }
    }

    private static long count(Metric m) {
        return m instanceof Counter c ? c.getCount() : (long) number(m);
    }

    private static double number(Metric m) {
        if (m instanceof Gauge<?> g) {
            Object v = g.getValue();
            return v instanceof Number n ? n.doubleValue() : Double.NaN;
        }
        return m instanceof Counter c ? c.getCount() : Double.NaN;
    }

    /** 95 -> "1m35s", 90061 -> "1d1h1m1s". */
    static String human(long seconds) {
        if (seconds < 60) return seconds + "s";
        StringBuilder b = new StringBuilder();
        long d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60;
        long s = seconds % 60;
        if (d > 0) b.append(d).append('d');
        if (h > 0) b.append(h).append('h');
        if (m > 0) b.append(m).append('m');
        if (s > 0) b.append(s).append('s');
        return b.toString();
    }
}
