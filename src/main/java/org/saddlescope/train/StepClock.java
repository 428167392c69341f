package org.saddlescope.train;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import org.saddlescope.net.Network;

/**
 * Times every step of a run after a warm-up: wall time, and CPU time (the training thread's when {@code threadTime},
 * which is all of a one-BLAS-thread step since OpenBLAS then runs in the caller; the process's otherwise). Medians
 * leave out the steps another job on a shared machine preempted. Read-only: it never touches the network.
 */
public final class StepClock implements TrainingObserver {
    private final long warm;
    private final boolean threadTime;
    private final ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private double[] wall = new double[256];
    private double[] cpu = new double[256];
    private int n;
    private long lastWall;
    private long lastCpu;

    /** Steps 1..warm are not timed (JIT, first-touch of buffers). */
    public StepClock(long warm, boolean threadTime) {
        this.warm = warm;
        this.threadTime = threadTime;
    }

    private long cpuNow() {
        return threadTime ? bean.getCurrentThreadCpuTime() : os.getProcessCpuTime();
    }

    @Override
    public void onStart(Network net, long step, long stepsPerEpoch) {
        lastWall = System.nanoTime();
        lastCpu = cpuNow();
    }

    @Override
    public void afterStep(Network net, StepInfo info) {
        long w = System.nanoTime(), c = cpuNow();
        if (info.step() > warm) {
            if (n == wall.length) {
                wall = Arrays.copyOf(wall, 2 * n);
                cpu = Arrays.copyOf(cpu, 2 * n);
            }
            wall[n] = (w - lastWall) / 1e9;
            cpu[n] = (c - lastCpu) / 1e9;
            n++;
        }
        lastWall = w;
        lastCpu = c;
    }

    /** Steps timed so far. */
    public int timed() { return n; }

    /** Median wall seconds a timed step (NaN before any). */
    public double medianWall() { return median(wall, n); }

    /** Median CPU seconds a timed step (NaN before any). */
    public double medianCpu() { return median(cpu, n); }

    /** Wall seconds of the timed steps in order (a copy). */
    public double[] wallTimes() { return Arrays.copyOf(wall, n); }

    /** CPU seconds of the timed steps in order (a copy). */
    public double[] cpuTimes() { return Arrays.copyOf(cpu, n); }

    public static double median(double[] v, int n) {
        if (n == 0) return Double.NaN;
        double[] c = Arrays.copyOf(v, n);
        Arrays.sort(c);
        return n % 2 == 1 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
    }
}
