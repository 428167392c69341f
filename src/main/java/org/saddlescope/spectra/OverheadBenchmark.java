package org.saddlescope.spectra;

import java.util.SplittableRandom;
import org.saddlescope.data.Dataset;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.TopSingularValues;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.CrossEntropy;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;

/**
 * Measures what spectral tracking costs against training (docs/design.md target: top-10 singular values of every
 * layer once an epoch ≤ 2% of training time). Times SGD steps (forward, cross-entropy gradient, fused update)
 * on random standardised-like inputs of the given network and batch, and top-k passes over all layers with the
 * tracker's own code: the first (cold, from a Gaussian sketch) and later ones (warm-started, after a few
 * steps of training have moved the weights, as between two epochs). Results only; the caller prints.
 */
public final class OverheadBenchmark {
    private OverheadBenchmark() {}

    /**
     * @param coldSeconds   the first top-k pass over all layers
     * @param stepSeconds   median over rounds of the mean step time
     * @param warmSeconds   median of the later passes (what a run pays once an epoch)
     * @param stepsPerEpoch steps in one epoch (60000/32 = 1875 on MNIST)
     * @param warmIterations mean power iterations per large layer in the warm passes
     */
    public record Result(int[] widths, int batch, DType dtype, int k, double stepSeconds, double coldSeconds,
                         double warmSeconds, long stepsPerEpoch, double warmIterations, double maxRelativeError) {
        public double epochSeconds() { return stepSeconds * stepsPerEpoch; }

        /** Tracking time as a fraction of training time at one pass per epoch. */
        public double overhead() { return warmSeconds / epochSeconds(); }
    }

    public static Result measure(int[] widths, int batch, DType dtype, int k, int steps, int passes, long stepsPerEpoch,
                                 double sigma0, long seed) {
        Network net = new Network(widths, Activation.RELU, dtype);
        RandomStreams streams = RandomStreams.of(seed);
        Init.gaussian(net, sigma0, streams.stream("init"));
        SplittableRandom rng = streams.stream("bench");
        int n0 = widths[0], nOut = widths[widths.length - 1];
        Matrix x = Matrix.zeros(dtype, n0, batch);
        for (int t = 0; t < x.size(); t++) x.setFlat(t, rng.nextGaussian());
        int[] labels = new int[batch];
        for (int j = 0; j < batch; j++) labels[j] = rng.nextInt(nOut);
        Matrix targets = Dataset.oneHot(dtype, labels, nOut);
        Matrix dy = Matrix.zeros(dtype, nOut, batch);
        Network.Workspace ws = net.workspace(batch);
        CrossEntropy ce = new CrossEntropy();
        // The paper's lr 10/‖θ‖⁴ at init moves the weights a realistic amount per step.
        double lr = 10 / Math.pow(net.normSquared(), 2);
        for (int i = 0; i < 5; i++) step(net, ws, x, targets, dy, ce, lr); // warm-up (JIT, caches)
        SpectralTracker tracker = new SpectralTracker(k, new Cadence.EveryEpochs(1), null, streams);
        long t0 = System.nanoTime();
        tracker.record(net, 0, 0);
        double cold = (System.nanoTime() - t0) / 1e9;
        // Rounds of (steps/passes timed steps, one timed warm pass), interleaved so that both see the same machine
        // load; medians over rounds resist the bursts of a shared machine.
        int perRound = Math.max(1, steps / passes);
        double[] stepTimes = new double[passes], passTimes = new double[passes];
        double maxErr = 0;
        for (int p = 1; p <= passes; p++) {
            t0 = System.nanoTime();
            for (int i = 0; i < perRound; i++) step(net, ws, x, targets, dy, ce, lr);
            stepTimes[p - 1] = (System.nanoTime() - t0) / 1e9 / perRound;
            t0 = System.nanoTime();
            SpectrumSnapshot s = tracker.record(net, p, p);
            passTimes[p - 1] = (System.nanoTime() - t0) / 1e9;
            if (p == passes) {
                for (int l = 1; l <= net.depth(); l++) {
                    double[] exact = org.saddlescope.linalg.Svd.singularValues(net.weight(l));
                    for (int i = 0; i < s.layer(l).length; i++) {
                        maxErr = Math.max(maxErr, Math.abs(s.layer(l)[i] - exact[i]) / exact[0]);
                    }
                }
            }
        }
        double iterations = 0;
        int large = 0;
        for (int l = 1; l <= net.depth(); l++) {
            TopSingularValues t = tracker.estimator(l);
            if (t != null && !t.lastExact()) { iterations += t.lastIterations(); large++; }
        }
        tracker.close();
        x.close(); targets.close(); dy.close();
        return new Result(widths.clone(), batch, dtype, k, median(stepTimes), cold, median(passTimes), stepsPerEpoch,
                large > 0 ? iterations / large : 0, maxErr);
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
    }

    private static void step(Network net, Network.Workspace ws, Matrix x, Matrix t, Matrix dy, CrossEntropy ce, double lr) {
        Matrix y = net.forward(x, ws);
        ce.gradient(y, t, dy);
        net.gradientStep(ws, dy, lr);
    }
}
