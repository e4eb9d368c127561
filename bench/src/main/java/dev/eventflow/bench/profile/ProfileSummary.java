package dev.eventflow.bench.profile;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording as plain text: the hottest methods by samples where the method is the
 * top frame ("self": where the CPU is spent) and by samples where it is anywhere on the stack
 * ("total": what the time is spent under), each as a percentage of all samples counted. Counted:
 * JFR's execution samples (threads running Java code) and those of its native-method samples whose
 * top frame is a RocksDB JNI method (threads computing inside RocksDB); other native-method samples
 * are threads blocked in epoll, accept or a process wait, i.e. idle, and are left out.
 *
 * <pre>ProfileSummary recording.jfr out.txt "title line" [top]</pre>
 */
public final class ProfileSummary {

    private static final String ROCKSDB = "org.rocksdb.";

    private ProfileSummary() {}

    public static void main(String[] args) throws IOException {
        Path jfr = Path.of(args[0]);
        Path out = Path.of(args[1]);
        String title = args.length > 2 ? args[2] : jfr.toString();
        int top = args.length > 3 ? Integer.parseInt(args[3]) : 25;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        int nativeSamples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            String type = e.getEventType().getName();
            boolean nativeSample = type.equals("jdk.NativeMethodSample");
            if (!nativeSample && !type.equals("jdk.ExecutionSample")) continue;
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) continue;
            if (nativeSample && !name(stack.getFrames().get(0)).startsWith(ROCKSDB)) continue;
            samples++;
            if (nativeSample) nativeSamples++;
            List<RecordedFrame> frames = stack.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (!isPlumbing(n) && seen.add(n)) total.merge(n, 1, Integer::sum);
            }
            String thread =
                    e.getThread("sampledThread") == null
                            ? "?"
                            : e.getThread("sampledThread").getJavaName();
            threads.merge(threadGroup(thread), 1, Integer::sum);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (PrintWriter w =
                new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
            w.println(title);
            w.printf(
                    Locale.ROOT,
                    "%,d samples (%,d of them threads inside RocksDB's native code), JFR 'profile'"
                            + " settings%n%n",
                    samples,
                    nativeSamples);
            section(w, "Top methods, self (top frame of the sample)", self, samples, top);
            section(
                    w,
                    "Top methods, total (anywhere on the stack; task-thread plumbing left out)",
                    total,
                    samples,
                    top);
            section(w, "Samples by thread (task name, numbers removed)", threads, samples, 15);
        }
    }

    private static void section(
            PrintWriter w, String heading, Map<String, Integer> counts, int samples, int top) {
        w.println(heading);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(
                        en ->
                                w.printf(
                                        Locale.ROOT,
                                        "  %6.2f%%  %7d  %s%n",
                                        100.0 * en.getValue() / Math.max(1, samples),
                                        en.getValue(),
                                        en.getKey()));
        w.println();
    }

    /**
     * Frames on every task thread's stack (thread start, the task's mailbox loop, network input and
     * record-forwarding lambdas): left out of the "total" list, which would otherwise open with
     * twenty lines at ~90%.
     */
    static boolean isPlumbing(String method) {
        return method.startsWith("java.lang.Thread.")
                || method.contains("$$Lambda")
                || method.startsWith("org.apache.flink.runtime.taskmanager.")
                || method.startsWith("org.apache.flink.streaming.runtime.tasks.")
                || method.startsWith("org.apache.flink.streaming.runtime.io.");
    }

    private static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        if (m == null) return "?";
        String type = m.getType() == null ? "?" : m.getType().getName();
        return type + "." + m.getName();
    }

    /** Thread names without subtask indices and counters, so parallel instances add up. */
    static String threadGroup(String thread) {
        return thread.replaceAll("\\(\\d+/\\d+\\)", "(*)")
                .replaceAll("#\\d+", "#*")
                .replaceAll("-\\d+", "-*")
                .replaceAll("\\s+\\d+$", "");
    }
}
