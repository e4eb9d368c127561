package dev.eventflow.bench.pipeline;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * CPU time of the processes a pipeline run uses.
 *
 * <ul>
 *   <li>{@link #benchmarkProcess()}: every thread of this JVM, from {@code
 *       OperatingSystemMXBean.getProcessCpuTime()}: the Flink MiniCluster (sources, operators,
 *       sinks, the Kafka clients inside them, checkpointing, the web UI), GC and the JIT compiler.
 *   <li>{@link #jitCompilerThreads()}: the part of it spent by the JIT compiler threads. Flink's
 *       code base is large enough that C2 keeps compiling for many runs after the first; that CPU
 *       drifts from run to run and is warm-up, not work (a long-running job does not pay it per
 *       event), so the benchmarks report process CPU minus compiler-thread CPU, and the raw figure
 *       beside it.
 *   <li>{@link #of(ProcessHandle)}: another process, here the Kafka broker, which runs in a JVM of
 *       its own so that its CPU stays out of the job's figure; it is reported beside it.
 * </ul>
 */
public final class CpuClock {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private CpuClock() {}

    /** CPU nanoseconds this JVM has used, all threads. */
    public static long benchmarkProcess() {
        return OS.getProcessCpuTime();
    }

    /**
     * CPU nanoseconds the JIT compiler threads of this JVM have used, read per thread from {@code
     * /proc/self/task} (Linux; 0 elsewhere). Needs {@code -XX:-UseDynamicNumberOfCompilerThreads},
     * so that compiler threads live as long as the JVM and none of their CPU is lost with them.
     */
    public static long jitCompilerThreads() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) return 0;
        long ticks = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String name = stat.substring(open + 1, close);
                if (!name.contains("CompilerThre")) continue;
                // fields after the name: state(3) ... utime(14) stime(15), 1-based in proc(5)
                String[] f = stat.substring(close + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    /** USER_HZ of /proc's times: 100 on every Linux architecture the benchmarks run on. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    /** CPU nanoseconds another live process has used, or -1 if the OS does not say. */
    public static long of(ProcessHandle process) {
        Optional<Duration> total = process.info().totalCpuDuration();
        return total.map(Duration::toNanos).orElse(-1L);
    }
}
