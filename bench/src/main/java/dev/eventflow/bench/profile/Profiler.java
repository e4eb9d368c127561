package dev.eventflow.bench.profile;

import java.nio.file.Path;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * Records one run with Java Flight Recorder, in process (JFR's "profile" settings: execution
 * samples every 10 ms of Java code, native-method samples for threads in JNI such as RocksDB's), so
 * the recording covers the measured run and nothing else (no start-up of the benchmark, no data
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
            recording.start();
            work.run();
            recording.stop();
            recording.dump(jfrFile);
        }
    }
}
