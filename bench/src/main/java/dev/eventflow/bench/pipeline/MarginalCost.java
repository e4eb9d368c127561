package dev.eventflow.bench.pipeline;

import java.util.function.ToLongFunction;

/**
 * Marginal CPU per event of a bounded pipeline run: {@code (CPU(2n events) - CPU(n events)) / n}.
 * Each run starts and stops its own Flink MiniCluster; that start-up and teardown (several
 * CPU-seconds, more than the events themselves at small n) is the same in both runs and cancels
 * out, as do the job's fixed costs (the last checkpoint, the final Kafka commit).
 *
 * <p>One warm-up run of n events comes first (class loading, most of the JIT). The JIT keeps
 * compiling for many more runs, though: its compiler threads' CPU is taken out of the figure
 * ({@link CpuClock#jitCompilerThreads}) and reported beside it. What drift is left is handled by
 * measuring in balanced sets {@code n, 2n, 2n, n}, whose estimate {@code ((2n - n) + (2n - n)) / 2}
 * cancels a drift that is linear over the set. With {@code sets > 1}, the set with the smaller
 * estimate is kept: interference from other work on the machine only ever adds.
 */
public final class MarginalCost {

    /** One bounded run of the variant over the first {@code events} seeded events. */
    @FunctionalInterface
    public interface Run {
        void execute(long events) throws Exception;
    }

    /**
     * The CPU of one run: this JVM's without its JIT compiler threads, this JVM's in total, and the
     * Kafka broker's (0 without a broker).
     */
    record RunCpu(long benchmarkNanos, long withJitNanos, long brokerNanos) {}

    /**
     * The result of a measurement: nanoseconds per event of this JVM without the JIT compiler
     * threads (the reported figure), of this JVM in total, and of the broker (NaN without one).
     */
    public record Result(
            long events,
            double nanosPerEvent,
            double withJitNanosPerEvent,
            double brokerNanosPerEvent) {}

    private final int sets;
    private final ProcessHandle broker;

    /**
     * @param sets how many {@code n, 2n, 2n, n} sets to run after the warm-up (at least 1)
     * @param broker the broker process whose CPU is reported beside the figure, or null
     */
    public MarginalCost(int sets, ProcessHandle broker) {
        if (sets < 1) throw new IllegalArgumentException("sets must be >= 1");
        this.sets = sets;
        this.broker = broker;
    }

    /**
     * @param warmUp whether to start with a warm-up run; the quick mode skips it for variants that
     *     follow another one on the same harness (most classes are loaded by then, and the JIT's
     *     CPU is not counted anyway)
     */
    public Result measure(long n, Run run, boolean warmUp) throws Exception {
        if (warmUp) time(run, warmUpEvents(n));
        Result best = null;
        for (int s = 0; s < sets; s++) {
            RunCpu a1 = time(run, n);
            RunCpu b1 = time(run, 2 * n);
            RunCpu b2 = time(run, 2 * n);
            RunCpu a2 = time(run, n);
            Result r =
                    new Result(
                            n,
                            perEvent(n, a1, b1, b2, a2, RunCpu::benchmarkNanos),
                            perEvent(n, a1, b1, b2, a2, RunCpu::withJitNanos),
                            broker == null
                                    ? Double.NaN
                                    : perEvent(n, a1, b1, b2, a2, RunCpu::brokerNanos));
            if (best == null || r.nanosPerEvent() < best.nanosPerEvent()) best = r;
        }
        return best;
    }

    /**
     * The warm-up run's size: a full n, since the task threads themselves run slower, interpreted
     * or C1-compiled code until C2 is done, which the JIT subtraction does not cover.
     */
    public static long warmUpEvents(long n) {
        return n;
    }

    /** {@code ((b1 - a1) + (b2 - a2)) / 2 / n} of one CPU figure of the runs. */
    private static double perEvent(
            long n, RunCpu a1, RunCpu b1, RunCpu b2, RunCpu a2, ToLongFunction<RunCpu> cpu) {
        long diff =
                cpu.applyAsLong(b1)
                        - cpu.applyAsLong(a1)
                        + cpu.applyAsLong(b2)
                        - cpu.applyAsLong(a2);
        return diff / 2.0 / n;
    }

    private RunCpu time(Run run, long events) throws Exception {
        settle();
        long cpu0 = CpuClock.benchmarkProcess();
        long broker0 = broker == null ? 0 : CpuClock.of(broker);
        long jit0 = CpuClock.jitCompilerThreads();
        long wall0 = System.nanoTime();
        run.execute(events);
        long wall = System.nanoTime() - wall0;
        long jit = CpuClock.jitCompilerThreads() - jit0;
        long cpu1 = CpuClock.benchmarkProcess();
        long broker1 = broker == null ? 0 : CpuClock.of(broker);
        RunCpu cpu = new RunCpu(cpu1 - cpu0 - jit, cpu1 - cpu0, broker1 - broker0);
        System.out.printf(
                "[bench]   run of %,d events: %.1f s, %.2f CPU-s + JIT %.2f CPU-s%s%n",
                events,
                wall / 1e9,
                cpu.benchmarkNanos() / 1e9,
                jit / 1e9,
                broker == null
                        ? ""
                        : String.format(" (broker %.2f CPU-s)", cpu.brokerNanos() / 1e9));
        return cpu;
    }

    /**
     * Starts every run from the same state: the previous run's garbage collected (a full GC falling
     * into one run of a pair but not the other is the largest source of noise) and the previous
     * MiniCluster's asynchronous shutdown finished.
     */
    private static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(300);
    }
}
