package org.saddlescope.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.saddlescope.data.Synthetic;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.spectra.Cadence;
import org.saddlescope.spectra.LossHistory;
import org.saddlescope.spectra.PlateauDetector;
import org.saddlescope.spectra.SpectralTracker;
import org.saddlescope.spectra.SpectrumSnapshot;
import org.saddlescope.train.LearningRate;
import org.saddlescope.train.Trainer;
import org.saddlescope.train.TrainingObserver;
import org.saddlescope.train.TrainingSink;

/**
 * A labelled benchmark of the saddle detector: saddle-to-saddle runs whose escapes are known. The data are
 * multi-mode teachers Y* = Σ_k s_k u_k f(v_kᵀx) (f = identity or ReLU, u and v orthonormal, strengths well
 * separated), so from small initialisation a deep net learns the modes one at a time, strongest first: escape k
 * learns mode k and raises the rank of every layer from k−1 to k.
 *
 * <p>The truth is read off the network's outputs, not its loss curve nor its weights: escape k raises the rank of
 * the function the net computes from k−1 to k, so it is where σ_k(Y_θ(t)), the k-th singular value of the outputs
 * on the training set, first reaches half of σ_k(Y*), the teacher's (probed at 100 log-spaced steps per decade,
 * log-linearly interpolated between probes). This needs no mode identity: a ReLU net's first escape may fit a mix
 * of modes (relu(v_1ᵀx) and relu(v_2ᵀx) share their mean), but it raises the output rank by one all the same.
 * A detection that comes from the spectra alone (a loss too noisy to show the fall) counts like any other.
 * A detected escape matches a true one when their steps differ by at most {@link #TOLERANCE_DECADES} decades
 * (one-to-one, nearest first); precision, recall and the timing error |log10 t_detected − log10 t_true| follow.
 */
public final class DetectorBenchmark {
    private DetectorBenchmark() {}

    /** A matched escape may miss the truth by this much in log10-steps (a factor 10^0.2 ≈ 1.6). */
    public static final double TOLERANCE_DECADES = 0.2;

    /** One labelled run. batch 0 = full batch. */
    public record Case(String name, boolean relu, double[] strengths, int depth, int width, int inputDim, int outputDim,
                       int samples, int batch, double lr, double lrPower, double initScale, long steps, long seed) {
        public String label() {
            return String.format(Locale.ROOT, "%s L=%d %s seed %d", relu ? "relu" : "linear", depth,
                    batch == 0 ? "GD" : "SGD b=" + batch, seed);
        }
    }

    /**
     * What a case gave: true escape steps (NaN = mode not learned within the budget), the detection, per true escape
     * the signed error log10(t_detected / t_true) of its match by the loss middle and by the spectral middle (NaN
     * when unmatched), the loss history and the probed r_k = σ_k(Y_θ)/σ_k(Y*) (step, r_1..r_K).
     */
    public record CaseResult(Case c, double[] trueSteps, PlateauDetector.Result detected, double[] matchedError,
                             double[] spectralError, int truePositives, int rightDirection, double seconds,
                             LossHistory.Series loss, List<double[]> modeFractions) {
        public int trueCount() {
            int n = 0;
            for (double t : trueSteps) if (Double.isFinite(t)) n++;
            return n;
        }
        public int detectedCount() { return detected.escapes().size(); }
    }

    /**
     * Precision, recall and timing error (decades; of the loss middle, and of the spectral middle where the spectra
     * gave one) over many cases; {@code directionRight}: matched escapes k whose rising singular-value index is k.
     */
    public record Score(int cases, int trueEscapes, int detectedEscapes, int truePositives, double precision, double recall,
                        double medianError, double p90Error, double maxError, double spectralMedianError, double spectralP90Error,
                        double directionRight) {
        public String line() {
            return String.format(Locale.ROOT, "%d runs: %d true escapes, %d detected, %d matched: precision %.3f, recall %.3f; "
                    + "timing error (loss middle) median %.3f, 90th percentile %.3f, max %.3f decades; (spectral middle) median %.3f, "
                    + "90th percentile %.3f; rising σ index = escape number in %.0f%%", cases, trueEscapes, detectedEscapes,
                    truePositives, precision, recall, medianError, p90Error, maxError, spectralMedianError, spectralP90Error,
                    100 * directionRight);
        }
    }

    /**
     * The benchmark grid: linear and ReLU teachers with strengths 3, 1, 1/3 (a factor 3 apart: escapes half a decade
     * or more apart), full batch and SGD (batch 16 of 96), depths {@code depths}, seeds 0..seeds−1.
     */
    public static List<Case> grid(int[] depths, int seeds, boolean sgd, long steps) {
        List<Case> out = new ArrayList<>();
        for (boolean relu : new boolean[] {false, true}) {
            for (int depth : depths) {
                for (int batch : sgd ? new int[] {0, 16} : new int[] {0}) {
                    for (long seed = 0; seed < seeds; seed++) out.add(standard(relu, depth, batch, steps, seed));
                }
            }
        }
        return out;
    }

    /** Strengths of the teacher's modes. */
    public static final double[] STRENGTHS = {3, 1, 1.0 / 3};

    /**
     * One case: width 12, 8 inputs, 5 outputs, 96 samples. A constant rate at a quarter of the stability limit
     * 2/λ_max, with λ_max ≈ L·s_1^(2−2/L) the largest Hessian eigenvalue of a balanced deep linear net at the
     * teacher; σ0 by depth so that the first escape comes after a few hundred steps (measured: t_1 ∝ σ0^−(L−2)).
     */
    public static Case standard(boolean relu, int depth, int batch, long steps, long seed) {
        if (depth < 3 || depth > 6) throw new IllegalArgumentException("the benchmark covers depths 3..6, got " + depth);
        double[] init = relu ? new double[] {0.011, 0.067, 0.112, 0.137} : new double[] {0.006, 0.037, 0.093, 0.11};
        double lr = 0.5 / (depth * Math.pow(STRENGTHS[0], 2 - 2.0 / depth));
        return new Case(relu ? "relu-modes" : "modes", relu, STRENGTHS.clone(), depth, 12, 8, 5, 96, batch, lr, 0,
                init[depth - 3], steps, seed);
    }

    public static CaseResult run(Case c) {
        long t0 = System.nanoTime();
        RandomStreams streams = RandomStreams.of(c.seed());
        Synthetic.Teacher t = c.relu()
                ? Synthetic.reluModes(c.inputDim(), c.samples(), 0, c.outputDim(), c.strengths(), DType.F64, streams)
                : Synthetic.modes(c.inputDim(), c.samples(), 0, c.outputDim(), c.strengths(), DType.F64, streams);
        int[] widths = new int[c.depth() + 1];
        Arrays.fill(widths, c.width());
        widths[0] = c.inputDim();
        widths[c.depth()] = c.outputDim();
        Network net = new Network(widths, c.relu() ? Activation.parse("relu") : Activation.parse("linear"), DType.F64);
        Init.gaussian(net, c.initScale(), streams.stream("init"));
        LossHistory history = new LossHistory();
        SpectralTracker spectra = new SpectralTracker(c.strengths().length + 2, Cadence.parse("log:40"), null, streams);
        ModeProbe probe = new ModeProbe(t);
        Trainer.Settings settings = new Trainer.Settings(c.batch(), new LearningRate(c.lr(), c.lrPower()), c.steps(), 0, 0,
                0, 0, 0, 0, c.seed());
        Trainer trainer = new Trainer(net, Cost.parse("mse"), t.train(), null, settings, TrainingSink.NONE, ProgressListener.NONE,
                List.<TrainingObserver>of(history, spectra, probe));
        trainer.run(org.saddlescope.train.TrainState.initial(net.normSquared()));
        List<SpectrumSnapshot> snaps = spectra.snapshots();
        PlateauDetector.Result det = new PlateauDetector().detect(history.logBinned(), snaps);
        spectra.close();
        double[] truth = probe.escapeSteps();
        double[] detSteps = det.escapes().stream().mapToDouble(PlateauDetector.Escape::middleStep).toArray();
        int[] which = new int[truth.length];
        double[] err = match(truth, detSteps, TOLERANCE_DECADES, which);
        double[] spectral = new double[truth.length];
        int tp = 0, direction = 0;
        for (int k = 0; k < truth.length; k++) {
            spectral[k] = Double.NaN;
            if (!Double.isFinite(err[k])) continue;
            tp++;
            PlateauDetector.Escape e = det.escapes().get(which[k]);
            err[k] = Math.log10(e.middleStep() / truth[k]); // signed: detected after the truth when positive
            if (e.direction() == k + 1) direction++;
            if (Double.isFinite(e.spectralMiddleStep())) spectral[k] = Math.log10(e.spectralMiddleStep() / truth[k]);
        }
        return new CaseResult(c, truth, det, err, spectral, tp, direction, (System.nanoTime() - t0) / 1e9,
                history.logBinned(), List.copyOf(probe.rows()));
    }

    /**
     * One-to-one matching of true and detected steps in log10: repeatedly the closest remaining pair within
     * {@code tol} decades. Returns, per true escape, the error of its match (NaN when unmatched or not learned).
     */
    static double[] match(double[] truth, double[] detected, double tol, int[] which) {
        double[] err = new double[truth.length];
        Arrays.fill(err, Double.NaN);
        Arrays.fill(which, -1);
        boolean[] used = new boolean[detected.length];
        boolean[] done = new boolean[truth.length];
        while (true) {
            int bi = -1, bj = -1;
            double best = tol;
            for (int i = 0; i < truth.length; i++) {
                if (done[i] || !Double.isFinite(truth[i])) continue;
                for (int j = 0; j < detected.length; j++) {
                    if (used[j]) continue;
                    double d = Math.abs(Math.log10(detected[j]) - Math.log10(truth[i]));
                    if (d <= best) { best = d; bi = i; bj = j; }
                }
            }
            if (bi < 0) return err;
            done[bi] = true;
            used[bj] = true;
            err[bi] = best;
            which[bi] = bj;
        }
    }

    public static Score score(List<CaseResult> results) {
        int truth = 0, det = 0, tp = 0, dir = 0;
        List<Double> errors = new ArrayList<>(), spectral = new ArrayList<>();
        for (CaseResult r : results) {
            truth += r.trueCount();
            det += r.detectedCount();
            tp += r.truePositives();
            dir += r.rightDirection();
            for (double e : r.matchedError()) if (Double.isFinite(e)) errors.add(Math.abs(e));
            for (double e : r.spectralError()) if (Double.isFinite(e)) spectral.add(Math.abs(e));
        }
        double[] e = errors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] sp = spectral.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Score(results.size(), truth, det, tp, det == 0 ? Double.NaN : (double) tp / det,
                truth == 0 ? Double.NaN : (double) tp / truth, quantile(e, 0.5), quantile(e, 0.9),
                e.length == 0 ? Double.NaN : e[e.length - 1], quantile(sp, 0.5), quantile(sp, 0.9),
                tp == 0 ? Double.NaN : (double) dir / tp);
    }

    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        return i + 1 < sorted.length ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
    }

    /**
     * Probes r_k(t) = σ_k(Y_θ(t)) / σ_k(Y*), how far the k-th singular value of the network's outputs on the training
     * set has come towards the teacher's, at 100 log-spaced steps per decade: escape k is where r_k first reaches ½.
     */
    static final class ModeProbe implements TrainingObserver {
        private final Matrix x;
        private final double[] target; // σ_k(Y*), descending
        private final Cadence cadence = Cadence.parse("log:100");
        private final List<double[]> rows = new ArrayList<>(); // step, r_1..r_K
        private Network.Workspace ws;

        ModeProbe(Synthetic.Teacher t) {
            x = t.train().x();
            double[] all = singularValues(t.train().targets());
            target = Arrays.copyOf(all, t.strengths().length);
        }

        @Override
        public void afterStep(Network net, StepInfo info) {
            if (!cadence.due(info.step(), info.epoch(), info.epochEnd())) return;
            if (ws == null) ws = net.workspace(x.cols());
            double[] sv = singularValues(net.forward(x, ws));
            double[] row = new double[target.length + 1];
            row[0] = info.step();
            for (int k = 0; k < target.length; k++) row[k + 1] = k < sv.length ? sv[k] / target[k] : 0;
            rows.add(row);
        }

        /** Singular values of a small-rowed matrix (outputs × samples), from the eigenvalues of its Gram matrix. */
        static double[] singularValues(Matrix y) {
            int m = y.rows(), n = y.cols();
            double[][] gram = new double[m][m];
            for (int i = 0; i < m; i++) {
                for (int j = i; j < m; j++) {
                    double sum = 0;
                    for (int c = 0; c < n; c++) sum += y.get(i, c) * y.get(j, c);
                    gram[i][j] = sum;
                    gram[j][i] = sum;
                }
            }
            double[] ev = new org.apache.commons.math3.linear.EigenDecomposition(
                    new org.apache.commons.math3.linear.Array2DRowRealMatrix(gram)).getRealEigenvalues();
            double[] sv = new double[m];
            for (int i = 0; i < m; i++) sv[i] = Math.sqrt(Math.max(0, ev[i]));
            Arrays.sort(sv);
            for (int i = 0; i < m / 2; i++) { double t = sv[i]; sv[i] = sv[m - 1 - i]; sv[m - 1 - i] = t; }
            return sv;
        }

        /** First step at which r_k reaches ½, log-interpolated between probes; NaN if never. */
        double[] escapeSteps() {
            double[] out = new double[target.length];
            Arrays.fill(out, Double.NaN);
            for (int m = 0; m < target.length; m++) {
                for (int r = 0; r < rows.size(); r++) {
                    double[] cur = rows.get(r);
                    if (cur[m + 1] < 0.5) continue;
                    if (r == 0) { out[m] = cur[0]; break; }
                    double[] prev = rows.get(r - 1);
                    double f = (0.5 - prev[m + 1]) / (cur[m + 1] - prev[m + 1]);
                    out[m] = Math.exp(Math.log(prev[0]) + f * (Math.log(cur[0]) - Math.log(prev[0])));
                    break;
                }
            }
            return out;
        }

        List<double[]> rows() { return rows; }
    }
}
