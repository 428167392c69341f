package org.saddlescope.experiments;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.saddlescope.data.Dataset;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.CrossEntropy;
import org.saddlescope.net.Network;
import org.saddlescope.net.Precision;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.train.LearningRate;
import org.saddlescope.train.TrainState;
import org.saddlescope.train.Trainer;
import org.saddlescope.train.StepClock;
import org.saddlescope.train.TrainingSink;

/**
 * Per-step times of the paper's step through the real {@link Trainer}, for A/B comparisons on a shared machine:
 * the median over steps of the wall time and of the CPU time (the training thread's with one BLAS thread, where
 * OpenBLAS runs in the caller; the process's otherwise), so that a step preempted by another developer's job
 * shows as an outlier the median leaves out. Run two builds alternately (docs/bench/ab.sh) and compare medians.
 *
 * <p>usage: {@code java -cp saddlescope.jar org.saddlescope.experiments.StepProbe BATCH DTYPE STEPS THREADS}, or
 * {@code ... StepProbe interleaved BATCH THREADS ROUNDS DTYPE...}, or {@code ... StepProbe products ROUNDS}
 * (docs/bench/run-bench.sh runs them).
 */
public final class StepProbe {
    private StepProbe() {}

    /** Medians over the timed steps, in seconds: wall and CPU time a step. */
    public record Times(double wall, double cpu) {
        public String format() {
            return String.format(Locale.ROOT, "wall %.3f ms cpu %.3f ms", 1e3 * wall, 1e3 * cpu);
        }
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("interleaved")) {
            interleavedMain(args);
            return;
        }
        if (args.length > 0 && args[0].equals("products")) {
            Blas.init(1);
            for (String line : products(Integer.parseInt(args[1]))) System.out.println(line);
            return;
        }
        int batch = Integer.parseInt(args[0]);
        Precision p = Precision.parse(args[1]);
        int steps = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        Blas.init(threads);
        Times t = measure(batch, p, steps, threads);
        System.out.printf(Locale.ROOT, "steptime batch %d %s threads %d core %s: %s%n", batch, p.label(), threads, Blas.core(), t.format());
    }

    /** Times {@code steps} SGD steps of the paper's network after max(5, steps/5) warm-up steps. */
    public static Times measure(int batch, Precision precision, int steps, int threads) {
        Network net = PaperNetwork.create(precision, 0);
        Dataset d = PaperNetwork.randomInputs(batch, precision.compute(), 0);
        int warm = Math.max(5, steps / 5);
        StepClock clock = new StepClock(warm, threads == 1);
        Trainer.Settings s = new Trainer.Settings(batch, new LearningRate(10, 4), warm + steps, 0, 0, warm + steps, 0, 0, batch, 0);
        new Trainer(net, new CrossEntropy(), d, null, s, TrainingSink.NONE, ProgressListener.NONE, List.of(clock))
                .run(TrainState.initial(net.normSquared()));
        return new Times(clock.medianWall(), clock.medianCpu());
    }

    /**
     * {@code interleaved BATCH THREADS ROUNDS DTYPE...}: blocks of steps of each arithmetic in turn, ROUNDS times, in
     * one process (the load of a shared machine weighs on all of them alike); medians over all timed steps, and each
     * one's ratio to the first.
     */
    static void interleavedMain(String[] args) {
        int batch = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        Blas.init(threads);
        int k = args.length - 4;
        Precision[] ps = new Precision[k];
        for (int i = 0; i < k; i++) ps[i] = Precision.parse(args[4 + i]);
        Times[] t = interleaved(batch, threads, rounds, ps);
        for (int i = 0; i < k; i++) {
            System.out.printf(Locale.ROOT, "interleaved batch %d threads %d core %s %-8s %s | ratio to %s: wall %.3f cpu %.3f%n", batch, threads,
                    Blas.core(), ps[i].label(), t[i].format(), ps[0].label(), t[i].wall() / t[0].wall(), t[i].cpu() / t[0].cpu());
        }
    }

    /** Medians over {@code rounds} alternating blocks of steps (≥ 0.3 s or 5 steps a block, the first two not timed). */
    public static Times[] interleaved(int batch, int threads, int rounds, Precision... ps) {
        int k = ps.length;
        Network[] nets = new Network[k];
        Dataset[] data = new Dataset[k];
        List<List<Double>> wall = new java.util.ArrayList<>(), cpu = new java.util.ArrayList<>();
        for (int i = 0; i < k; i++) {
            nets[i] = PaperNetwork.create(ps[i], 0);
            data[i] = PaperNetwork.randomInputs(batch, ps[i].compute(), 0);
            wall.add(new java.util.ArrayList<>());
            cpu.add(new java.util.ArrayList<>());
        }
        int steps = Math.max(5, (int) Math.ceil(0.3 / (PaperNetwork.flopsPerStep(PaperNetwork.WIDTHS, batch) / 3e10)));
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < k; i++) {
                StepClock clock = new StepClock(2, threads == 1);
                Trainer.Settings s = new Trainer.Settings(batch, new LearningRate(10, 4), steps + 2, 0, 0, 0, 0, 0, batch, 0);
                new Trainer(nets[i], new CrossEntropy(), data[i], null, s, TrainingSink.NONE, ProgressListener.NONE, List.of(clock))
                        .run(TrainState.initial(nets[i].normSquared()));
                if (r == 0) continue; // the JIT's first round
                for (double w : clock.wallTimes()) wall.get(i).add(w);
                for (double c : clock.cpuTimes()) cpu.get(i).add(c);
            }
        }
        Times[] out = new Times[k];
        for (int i = 0; i < k; i++) out[i] = new Times(median(wall.get(i)), median(cpu.get(i)));
        return out;
    }

    /**
     * The three float32 products of a 1000² layer's batch-32 step, one BLAS thread, against this process's n = 2048
     * GEMM, in turn {@code rounds} times; the best (least preempted) CPU-timed rate of each, as GFLOP/s and % of the
     * 2048³ rate: where a step loses to the GEMM peak.
     */
    static List<String> products(int rounds) {
        SplittableRandom r = RandomStreams.of(0).stream("bench");
        int n = 1000, b = 32;
        Matrix w = gaussian(n, n, r), a = gaussian(n, b, r), d = gaussian(n, b, r);
        Matrix zt = Matrix.zeros(DType.F32, b, n), z = Matrix.zeros(DType.F32, n, b), p = gaussian(2048, 2048, r), q = gaussian(2048, 2048, r);
        Matrix c = Matrix.zeros(DType.F32, 2048, 2048);
        String[] names = {"forward Zt = At Wt (32x1000, k 1000)", "backward Wt d (1000x32, k 1000)", "update W -= d At (1000x1000, k 32)", "GEMM 2048^3"};
        Runnable[] calls = {() -> Blas.gemm(true, true, 1, a, w, 0, zt), () -> Blas.gemm(true, false, 1, w, d, 0, z),
                () -> Blas.gemm(false, true, -1e-12, d, a, 1, w), () -> Blas.gemm(false, false, 1, p, q, 0, c)};
        double[] flops = {2.0 * b * n * n, 2.0 * b * n * n, 2.0 * b * n * n, 2.0 * 2048 * 2048 * 2048};
        double[] best = new double[4];
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < rounds + 2; i++) {
            for (int v = 0; v < 4; v++) {
                int reps = v == 3 ? 1 : 20;
                long c0 = bean.getCurrentThreadCpuTime();
                for (int k = 0; k < reps; k++) calls[v].run();
                double rate = flops[v] * reps / ((bean.getCurrentThreadCpuTime() - c0) / 1e9) / 1e9;
                if (i >= 2) best[v] = Math.max(best[v], rate);
            }
        }
        List<String> out = new java.util.ArrayList<>();
        for (int v = 0; v < 4; v++) {
            out.add(String.format(Locale.ROOT, "product %-38s %6.1f GFLOP/s (%3.0f%% of the 2048^3 GEMM) core %s", names[v], best[v],
                    100 * best[v] / best[3], Blas.core()));
        }
        return out;
    }

    private static Matrix gaussian(int rows, int cols, SplittableRandom r) {
        Matrix m = Matrix.zeros(DType.F32, rows, cols);
        for (int k = 0; k < m.size(); k++) m.setFlat(k, r.nextGaussian());
        return m;
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        return StepClock.median(a, a.length);
    }
}
