package org.saddlescope.spectra;

import java.util.Arrays;
import org.saddlescope.net.Network;
import org.saddlescope.train.TrainingObserver;

/**
 * The loss and ‖θ‖² of a run, kept in bounded memory whatever its length: averaged into log-spaced step bins
 * (for plateau detection, which works in log-time) and into linear bins that double in width when full (for
 * plotting the loss against steps). Averaging within a bin is the first smoothing of SGD noise. Steps start at 1.
 */
public final class LossHistory implements TrainingObserver {
    public static final int DEFAULT_BINS_PER_DECADE = 200;
    private static final int LINEAR_CAPACITY = 4096;

    private final int binsPerDecade;
    // log bins, indexed by ⌊binsPerDecade·log10 t⌋
    private long[] count = new long[64];
    private long[] normCount = new long[64];
    private double[] sumStep = new double[64];
    private double[] sumLoss = new double[64];
    private double[] sumNorm2 = new double[64];
    private double[] sumSqDiff = new double[64]; // Σ (ℓ_t − ℓ_{t−1})² of consecutive measured steps: the noise level
    private long[] diffCount = new long[64];
    private double previousLoss = Double.NaN;
    private int maxBin = -1;
    // linear bins of width linWidth steps
    private long linWidth = 1;
    private final double[] linLoss = new double[LINEAR_CAPACITY];
    private final double[] linStep = new double[LINEAR_CAPACITY];
    private final long[] linCount = new long[LINEAR_CAPACITY];
    private double firstLoss = Double.NaN;
    private long lastStep;

    public LossHistory() { this(DEFAULT_BINS_PER_DECADE); }

    public LossHistory(int binsPerDecade) {
        if (binsPerDecade <= 0) throw new IllegalArgumentException("bins per decade must be positive");
        this.binsPerDecade = binsPerDecade;
    }

    @Override
    public void afterStep(Network net, StepInfo info) {
        if (info.span() > 1) addSpan(info.step(), info.span(), info.loss(), info.normSquared());
        else add(info.step(), info.loss(), info.normSquared());
    }

    /**
     * An update that stood for {@code span} steps ending at {@code step} (a fast-forward step, issue 19), its loss
     * counted at each of them: the log bins it covers get the weight the steps it replaces would have given them, so
     * the detector sees a fast-forwarded plateau in log-time as it sees one trained step by step. The steps inside
     * add no noise differences (they were not measured apart); ‖θ‖² counts at the last.
     */
    public void addSpan(long step, long span, double loss, double normSquared) {
        double before = previousLoss;
        for (long t = Math.max(1, step - span + 1); t < step; t++) {
            previousLoss = Double.NaN;
            add(t, loss, Double.NaN);
        }
        previousLoss = before;
        add(step, loss, normSquared);
    }

    /** Adds one step's loss (NaN = not measured) and ‖θ‖² (NaN = not measured). */
    public void add(long step, double loss, double normSquared) {
        if (step < 1) return;
        lastStep = Math.max(lastStep, step);
        int b = (int) Math.floor(binsPerDecade * Math.log10(step) + 1e-9);
        ensure(b);
        maxBin = Math.max(maxBin, b);
        if (Double.isFinite(normSquared)) {
            normCount[b]++;
            sumNorm2[b] += normSquared;
        }
        if (!Double.isFinite(loss)) return;
        if (Double.isNaN(firstLoss)) firstLoss = loss;
        if (!Double.isNaN(previousLoss)) {
            double d = loss - previousLoss;
            sumSqDiff[b] += d * d;
            diffCount[b]++;
        }
        previousLoss = loss;
        count[b]++;
        sumStep[b] += step;
        sumLoss[b] += loss;
        addLinear(step, loss);
    }

    /**
     * Adds a logged window (metrics.csv row) as {@code steps} steps of loss {@code meanLoss} ending at
     * {@code step}: rebuilds an approximate history on resume (coarser than per-step, same log-time picture).
     */
    public void addWindow(long step, double meanLoss, long steps, double normSquared) {
        long n = Math.max(1, steps);
        for (long t = step - n + 1; t <= step; t++) add(t, meanLoss, t == step ? normSquared : Double.NaN);
    }

    private void ensure(int b) {
        if (b < count.length) return;
        int n = Math.max(b + 1, count.length * 2);
        count = Arrays.copyOf(count, n);
        normCount = Arrays.copyOf(normCount, n);
        sumStep = Arrays.copyOf(sumStep, n);
        sumLoss = Arrays.copyOf(sumLoss, n);
        sumNorm2 = Arrays.copyOf(sumNorm2, n);
        sumSqDiff = Arrays.copyOf(sumSqDiff, n);
        diffCount = Arrays.copyOf(diffCount, n);
    }

    private void addLinear(long step, double loss) {
        long idx = (step - 1) / linWidth;
        while (idx >= LINEAR_CAPACITY) { // merge pairs: bins twice as wide
            for (int i = 0; i < LINEAR_CAPACITY / 2; i++) {
                int a = 2 * i, c = 2 * i + 1;
                long n = linCount[a] + linCount[c];
                linLoss[i] = n == 0 ? 0 : (linLoss[a] * linCount[a] + linLoss[c] * linCount[c]) / n;
                linStep[i] = n == 0 ? 0 : (linStep[a] * linCount[a] + linStep[c] * linCount[c]) / n;
                linCount[i] = n;
            }
            Arrays.fill(linCount, LINEAR_CAPACITY / 2, LINEAR_CAPACITY, 0);
            Arrays.fill(linLoss, LINEAR_CAPACITY / 2, LINEAR_CAPACITY, 0);
            Arrays.fill(linStep, LINEAR_CAPACITY / 2, LINEAR_CAPACITY, 0);
            linWidth *= 2;
            idx = (step - 1) / linWidth;
        }
        int i = (int) idx;
        long n = linCount[i] + 1;
        linLoss[i] += (loss - linLoss[i]) / n;
        linStep[i] += (step - linStep[i]) / n;
        linCount[i] = n;
    }

    /**
     * The log-binned series: mean step, mean loss, steps averaged, mean ‖θ‖² (NaN if not measured), and the
     * per-step noise variance of the loss, Σ(ℓ_t − ℓ_{t−1})²/2n (white noise of variance v gives differences of
     * variance 2v; a trend adds only its squared per-step change, negligible outside escapes); NaN if unknown.
     */
    public record Series(double[] step, double[] loss, long[] count, double[] normSquared, double[] noiseVariance) {
        public Series(double[] step, double[] loss, long[] count, double[] normSquared) {
            this(step, loss, count, normSquared, null);
        }
        public int size() { return step.length; }

        /** Count-weighted mean loss of the bins with steps in [t0, t1]; NaN if none. */
        public double meanLoss(double t0, double t1) {
            double sum = 0;
            long n = 0;
            for (int b = 0; b < size(); b++) {
                if (step[b] < t0 || step[b] > t1) continue;
                sum += loss[b] * count[b];
                n += count[b];
            }
            return n > 0 ? sum / n : Double.NaN;
        }

        /** Count-weighted mean ‖θ‖² of the bins with steps in [t0, t1] that have one; NaN if none. */
        public double meanNorm(double t0, double t1) {
            double sum = 0;
            long n = 0;
            for (int b = 0; b < size(); b++) {
                double v = normSquared[b];
                if (step[b] < t0 || step[b] > t1 || Double.isNaN(v)) continue;
                sum += v * count[b];
                n += count[b];
            }
            return n > 0 ? sum / n : Double.NaN;
        }

        /** ‖θ‖² of the bin nearest step t in log-step that has one; NaN if none. */
        public double normNear(double t) {
            int best = -1;
            for (int b = 0; b < size(); b++) {
                if (Double.isNaN(normSquared[b])) continue;
                if (best < 0 || Math.abs(Math.log(step[b] / t)) < Math.abs(Math.log(step[best] / t))) best = b;
            }
            return best < 0 ? Double.NaN : normSquared[best];
        }
    }

    /** Non-empty log bins in step order. */
    public Series logBinned() {
        int n = 0;
        for (int b = 0; b <= maxBin; b++) if (count[b] > 0) n++;
        double[] st = new double[n], lo = new double[n], no = new double[n], nv = new double[n];
        long[] c = new long[n];
        int i = 0;
        for (int b = 0; b <= maxBin; b++) {
            if (count[b] == 0) continue;
            st[i] = sumStep[b] / count[b];
            lo[i] = sumLoss[b] / count[b];
            c[i] = count[b];
            no[i] = normCount[b] > 0 ? sumNorm2[b] / normCount[b] : Double.NaN;
            nv[i] = diffCount[b] > 0 ? sumSqDiff[b] / (2.0 * diffCount[b]) : Double.NaN;
            i++;
        }
        return new Series(st, lo, c, no, nv);
    }

    /** Loss against steps in at most 4096 equal-width bins (for linear-time plots). */
    public Series linear() {
        int n = 0;
        for (long c : linCount) if (c > 0) n++;
        double[] st = new double[n], lo = new double[n], no = new double[n];
        long[] c = new long[n];
        int i = 0;
        for (int b = 0; b < LINEAR_CAPACITY; b++) {
            if (linCount[b] == 0) continue;
            st[i] = linStep[b];
            lo[i] = linLoss[b];
            c[i] = linCount[b];
            no[i] = Double.NaN;
            i++;
        }
        return new Series(st, lo, c, no);
    }

    public double firstLoss() { return firstLoss; }
    public long lastStep() { return lastStep; }
}
