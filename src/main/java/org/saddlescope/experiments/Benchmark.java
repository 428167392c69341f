package org.saddlescope.experiments;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.saddlescope.data.Dataset;
import org.saddlescope.escape.Example1;
import org.saddlescope.escape.SmallNetKernel;
import org.saddlescope.escape.SphereSearch;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.CrossEntropy;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.net.Precision;
import org.saddlescope.train.LearningRate;
import org.saddlescope.train.TrainState;
import org.saddlescope.train.Trainer;
import org.saddlescope.train.TrainingSink;

/**
 * Training throughput of the paper's MNIST network (784-1000×5-10, bias-free ReLU, cross-entropy,
 * lr = 10/‖θ‖⁴, init N(0, 1e-3²)) through the real {@link Trainer}, beside the PyTorch peer script
 * (shared/bench/torch_mlp_step.py) run in the same sitting, so the ratio is what is reported.
 */
public final class Benchmark {
    private Benchmark() {}

    /**
     * One training benchmark: steps/s and GFLOP/s (6·B·Σ n_ℓ n_{ℓ-1} a step), the share of this process's GEMM peak
     * and of the peer script's (NumPy's) where it ran, PyTorch beside at the run's thread count and at 1 thread, and
     * the hours that 1000 MNIST epochs (60000/B steps each, the paper's run at B = 32) take at this speed.
     */
    public record Row(String what, int batch, Precision dtype, double stepsPerSecond, double gflops, Double peakFraction,
                      Double numpyPeakFraction, int threads, Double torchStepsPerSecond, Double torchOneThread,
                      double paperRunHours) {
        public String format() {
            StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT, "%-26s batch %5d %-7s %8.1f steps/s %6.1f GFLOP/s",
                    what, batch, dtype.label(), stepsPerSecond, gflops));
            if (peakFraction != null) sb.append(String.format(java.util.Locale.ROOT, " (%.0f%% of GEMM peak", 100 * peakFraction));
            if (numpyPeakFraction != null) sb.append(String.format(java.util.Locale.ROOT, ", %.0f%% of NumPy's", 100 * numpyPeakFraction));
            if (peakFraction != null) sb.append(')');
            sb.append(String.format(java.util.Locale.ROOT, " | 1000 epochs %.1f h", paperRunHours));
            if (torchStepsPerSecond != null && threads != 1) {
                sb.append(String.format(java.util.Locale.ROOT, " | torch (%d threads) %7.1f -> ratio %.2fx", threads, torchStepsPerSecond,
                        stepsPerSecond / torchStepsPerSecond));
            }
            if (torchOneThread != null) {
                sb.append(String.format(java.util.Locale.ROOT, " | torch (1 thread) %7.1f -> ratio %.2fx", torchOneThread,
                        stepsPerSecond / torchOneThread));
            }
            Double best = bestTorch();
            if (best != null) sb.append(String.format(java.util.Locale.ROOT, " | vs torch's best %.2fx", stepsPerSecond / best));
            return sb.toString();
        }

        /** PyTorch's faster setting (its own thread count or 1 thread), or null when it did not run. */
        public Double bestTorch() {
            if (torchStepsPerSecond == null) return torchOneThread;
            if (torchOneThread == null) return torchStepsPerSecond;
            return Math.max(torchStepsPerSecond, torchOneThread);
        }
    }

    /** Hours of 1000 MNIST epochs (60000 samples, ⌊60000/B⌋ steps each, as the trainer drops a partial batch). */
    public static double paperRunHours(int batch, double stepsPerSecond) {
        return 1000.0 * (60000 / batch) / stepsPerSecond / 3600;
    }

    /** Steps/s of minibatch SGD on the paper's network, after a warm-up, over {@code steps} steps. */
    public static double trainingStepsPerSecond(int batch, Precision precision, int steps, long seed) {
        Dataset d = PaperNetwork.randomInputs(batch, precision.compute(), seed);
        Network net = PaperNetwork.create(precision, seed);
        int warm = Math.max(3, steps / 10);
        run(net, d, batch, warm, seed);
        long t0 = System.nanoTime();
        run(net, d, batch, steps, seed);
        return steps / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * GEMM GFLOP/s of this process's BLAS on n×n products, the practical limit a step is measured against: the best
     * of at least 10 products and 2 s (at most 100), so that one product that ran unpreempted on a shared machine
     * sets it.
     */
    public static double gemmPeakGflops(DType dtype, int n) {
        Matrix a = Matrix.zeros(dtype, n, n), b = Matrix.zeros(dtype, n, n), c = Matrix.zeros(dtype, n, n);
        SplittableRandom rng = RandomStreams.of(1).stream("bench");
        for (int k = 0; k < a.size(); k++) {
            a.setFlat(k, rng.nextDouble());
            b.setFlat(k, rng.nextDouble());
        }
        Blas.gemm(false, false, 1.0, a, b, 0.0, c);
        double best = Double.MAX_VALUE;
        long start = System.nanoTime();
        for (int i = 0; i < 100 && (i < 10 || System.nanoTime() - start < 2_000_000_000L); i++) {
            long t0 = System.nanoTime();
            Blas.gemm(false, false, 1.0, a, b, 0.0, c);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        a.close();
        b.close();
        c.close();
        return 2.0 * n * n * (double) n / best / 1e9;
    }

    private static final Pattern NUMPY_PEAK = Pattern.compile("numpy (float32|float64) gemm n=\\d+: ([0-9.]+) GFLOP/s");

    /** Runs shared/bench/gemm_peak.py; its float32 and float64 GFLOP/s by dtype (empty when it cannot run). */
    public static Map<DType, Double> numpyPeak(Path script, String python, List<String> log) {
        Map<DType, Double> out = new java.util.EnumMap<>(DType.class);
        if (script == null) return out;
        if (!Files.exists(script)) throw new IllegalArgumentException("no such peer script: " + script);
        List<String> cmd = List.of(python, script.toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = NUMPY_PEAK.matcher(text);
            while (m.find()) out.put(m.group(1).equals("float32") ? DType.F32 : DType.F64, Double.parseDouble(m.group(2)));
            log.add(String.join(" ", cmd) + " -> " + text.trim().replace('\n', ';'));
        } catch (IOException e) {
            log.add(String.join(" ", cmd) + " -> " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    private static void run(Network net, Dataset d, int batch, long steps, long seed) {
        Trainer.Settings s = new Trainer.Settings(batch, new LearningRate(10, 4), steps, 0, 0, steps, 0, 0, batch, seed);
        new Trainer(net, new CrossEntropy(), d, null, s, TrainingSink.NONE, ProgressListener.NONE, List.of())
                .run(TrainState.initial(net.normSquared()));
    }

    private static final Pattern STEPS = Pattern.compile("([0-9.]+) (?:projected )?steps/s");

    /** Runs the PyTorch MLP peer script with our batch, steps, threads and dtype; its steps/s, or null. */
    public static Double torch(Path script, String python, int batch, int steps, int threads, DType dtype, List<String> log) {
        if (script == null) return null;
        return peer(List.of(python, script.toString(), Integer.toString(batch), Integer.toString(steps),
                Integer.toString(threads), dtype == DType.F32 ? "f32" : "f64"), log);
    }

    /**
     * Runs a peer benchmark script and reads the steps/s from its last line (both peer scripts end with one);
     * logs the command and that line. Null when the script cannot run; a missing file is bad input.
     */
    public static Double peer(List<String> cmd, List<String> log) {
        if (!Files.exists(Path.of(cmd.get(1)))) throw new IllegalArgumentException("no such peer script: " + cmd.get(1));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            StringBuilder out = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) out.append(line).append('\n');
            }
            int code = p.waitFor();
            String text = out.toString().trim();
            String last = text.isEmpty() ? "" : text.substring(text.lastIndexOf('\n') + 1);
            log.add(String.join(" ", cmd) + " -> " + last);
            Matcher m = STEPS.matcher(last);
            if (code != 0 || !m.find()) return null;
            return Double.parseDouble(m.group(1));
        } catch (IOException e) {
            log.add(String.join(" ", cmd) + " -> " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Projected-gradient steps/s of the escape search on Example 1 at one width (the paper's PGD, as
     * shared/bench/torch_sphere_pgd.py runs it: {@code runs} restarts of {@code steps} steps at rate lr).
     * Warmed up first (≥ 2 repetitions and 0.5 s: the JIT must reach its optimised code for this width's trip
     * counts, as it does in any real sweep), then the median of 5 timings (each is only tens of ms).
     */
    public static double escapeStepsPerSecond(int width, int runs, int steps, double lr, long seed, int threads) {
        SmallNetKernel k = Example1.kernel(width);
        long warm0 = System.nanoTime();
        for (int rep = 0; rep < 2 || System.nanoTime() - warm0 < 500_000_000L; rep++) {
            SphereSearch.benchPgd(k, runs, steps, lr, RandomStreams.of(seed), threads, null);
        }
        double[] v = new double[5];
        for (int i = 0; i < v.length; i++) v[i] = SphereSearch.benchPgd(k, runs, steps, lr, RandomStreams.of(seed), threads, null);
        java.util.Arrays.sort(v);
        return v[v.length / 2];
    }
}
