package dev.eventflow.jobs.windowagg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.flink.JobEnvironment;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The execution settings {@code window-aggregation} adds to the suite's common ones: its timers on
 * the heap (also under RocksDB) and object reuse, both part of its cost per event.
 */
class WindowAggregationConfigTest {

    @Test
    void theJobKeepsItsTimersOnTheHeapAndReusesObjects() {
        WindowAggregationJob job = new WindowAggregationJob();
        ParsedOptions o = job.options().parse(new String[] {"--bootstrap-servers", "b:9092"});
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        JobEnvironment.configuration(
                                o, WindowAggregationJob.NAME, RuntimeExecutionMode.STREAMING));
        job.buildPipeline(env, o);
        assertThat(env.getConfiguration().toMap())
                .containsEntry(WindowAggregationJob.TIMER_SERVICE_FACTORY, "HEAP")
                .containsEntry("state.backend.type", "rocksdb");
        assertThat(env.getConfig().isObjectReuseEnabled()).isTrue();
        // What a cluster receives with the job, and what its state backend is configured from.
        assertThat(env.getStreamGraph().getJobConfiguration().toMap())
                .containsEntry(WindowAggregationJob.TIMER_SERVICE_FACTORY, "HEAP");
    }
}
