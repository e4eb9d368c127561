package dev.eventflow.bench.profile;

import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * Records one run with Java Flight Recorder, in process (JFR's "profile" settings, with execution
 * samples of Java code and native-method samples of threads in JNI, such as RocksDB's, every 2 ms),
 * so the recording covers the measured run and nothing else (no start-up of the benchmark, no data
 * loading). The Kafka broker runs in its own JVM and is not in the recording.
 */
public final class Profiler {

    /** The work to record. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    private Profiler() {}

    public static void record(Path jfrFile, Work work) throws Exception {
        try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
            recording.setName("eventflow-bench");
            // denser than the preset's 10/20 ms: a run of a few seconds gives a usable sample count
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(2));
            recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(2));
            recording.start();
            work.run();
            recording.stop();
            recording.dump(jfrFile);
        }
    }
}
