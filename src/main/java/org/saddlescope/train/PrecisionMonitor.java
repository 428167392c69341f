package org.saddlescope.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.saddlescope.linalg.Updates;
import org.saddlescope.net.Network;
import org.saddlescope.net.Precision;
import org.saddlescope.train.optim.StepRecord;

/**
 * What the arithmetic of a run lost, measured on the run itself (issue 16 §2), per layer at every log step:
 *
 * <ul>
 * <li>{@code lost_updates_ℓ}: among the nonzero entries of that step's update of W_ℓ, the fraction that left the
 * stored weight unchanged. An update below half an ulp of its weight is rounded away: float32 weights of
 * ~7e-4 under updates of ~3e-12 lose most of them; float64 and mixed precision should lose none.
 * <li>the imbalance identity: a gradient step on a bias-free network with a positively homogeneous activation
 * changes I_ℓ = ‖W_ℓ‖² − ‖W_{ℓ+1}‖² by exactly lr²(‖∇_ℓ‖² − ‖∇_{ℓ+1}‖²), since ⟨W_ℓ, ∇_ℓ⟩ is the same for every
 * layer. {@code imbalance_drift_ℓ} = I_ℓ(t) − I_ℓ(0) (read from the stored weights in float64) stands beside
 * {@code imbalance_gd_ℓ} = Σ_s lr_s²(‖∇_ℓ‖² − ‖∇_{ℓ+1}‖²) (accumulated every step from the Grams the tracked
 * norm forms anyway); any difference is arithmetic.
 * </ul>
 *
 * <p>When the difference exceeds what rounding explains, or more than 1% of a layer's updates are lost, the
 * monitor returns a one-line warning (once per layer and kind). "What rounding explains" is a random-walk
 * bound, {@code Z} standard deviations of the sum of independent, zero-mean rounding errors: every stored entry
 * rounded once a step (|error| ≤ half an ulp ≤ u|w|, uniform: variance of 2w·e ≤ (4/3)u²w⁴, summed as Σw⁴
 * read at the log steps), the first-order term 2lr⟨W_ℓ, ∇_ℓ⟩ of each layer computed with relative error
 * {@link #arithmeticGrowth}·u_compute, plus the worst-case error of reading ‖W_ℓ‖² and of the accumulated sum.
 * Rounding that is honest stays inside; updates lost systematically (the same sign step after step) grow
 * linearly past a bound that grows like √t.
 *
 * <p>Measuring does not change the trajectory: the lost-update count observes the step that would have been
 * taken anyway, and every accumulation here is read-only on the network. The running sums are part of a
 * checkpoint ({@link #state}), so a resumed run's metrics are the same bits.
 */
public final class PrecisionMonitor {
    /** Warn when more than this share of a layer's nonzero updates were lost. */
    public static final double LOST_WARNING = 0.01;
    /** Standard deviations of the rounding random walk before the identity's residual is called a departure. */
    static final double Z = 6;
    /**
     * Relative error of a layer's computed first-order term 2lr⟨W_ℓ, ∇_ℓ⟩, in units of the compute roundoff:
     * √(L·n_max), the probabilistic growth of L chained products of length ≤ n_max. Measured on the depth-6
     * width-32 analogue in mixed precision: residuals up to 1.2 of it (docs/precision.md), inside Z = 6.
     */
    private final double arithmeticGrowth;

    private final Network net;
    private final int batch;
    private final int depth;
    private final boolean identityHolds;
    private final Precision precision;
    // State (checkpointed): accumulated per-layer sums and the last log step's readings.
    private final double[] gdSum;      // Σ lr²‖∇_ℓ‖²
    private final double[] arithVar;   // Σ (2 lr ⟨W_ℓ,∇_ℓ⟩)²
    private final double[] storageVar; // Σ over windows of steps·Σw⁴ (times (4/3)u² when used)
    private final double[] start;      // ‖W_ℓ(0)‖²
    private final double[] fourth;     // Σ w⁴ at the last reading
    private long lastRead;
    private boolean started;
    // Warnings already given, per layer.
    private final boolean[] warnedLost;
    private final boolean[] warnedDrift;

    /** {@code gradientDescent}: the optimiser's update is −lr·∇ (the identity holds only then); batch: B of a step. */
    public PrecisionMonitor(Network net, boolean gradientDescent, int batch) {
        this.net = net;
        this.batch = batch;
        this.depth = net.depth();
        this.precision = net.precision();
        this.identityHolds = gradientDescent && net.activation().positivelyHomogeneous();
        int widest = 0;
        for (int w : net.widths()) widest = Math.max(widest, w);
        this.arithmeticGrowth = Math.sqrt((double) depth * widest);
        gdSum = new double[depth];
        arithVar = new double[depth];
        storageVar = new double[depth];
        start = new double[depth];
        fourth = new double[depth];
        warnedLost = new boolean[depth];
        warnedDrift = new boolean[depth];
    }

    /** Column names this monitor adds to metrics.csv. */
    public List<String> columns() {
        List<String> c = new ArrayList<>();
        for (int l = 1; l <= depth; l++) c.add("lost_updates_" + l);
        for (int l = 1; l < depth; l++) c.add("imbalance_drift_" + l);
        for (int l = 1; l < depth; l++) c.add("imbalance_gd_" + l);
        return c;
    }

    /** At step 0 of a new run: reads ‖W_ℓ(0)‖² and Σw⁴. */
    public void begin() {
        for (int l = 1; l <= depth; l++) {
            double[] ps = net.layerPowerSums(l);
            start[l - 1] = ps[0];
            fourth[l - 1] = ps[1];
        }
        lastRead = 0;
        started = true;
    }

    /** After every step (cheap: per-layer scalars from the step's record). */
    public void afterStep(StepRecord r, double lr) {
        for (int l = 1; l <= depth; l++) {
            gdSum[l - 1] += lr * lr * r.gradNormSquared(l);
            double first = 2 * lr * r.weightGradDot(l);
            arithVar[l - 1] += first * first;
        }
    }

    /**
     * After an update that is not one gradient step (a fast-forward step): per layer the change of ‖W_ℓ‖² it makes
     * in exact arithmetic, and its first-order part 2⟨W_ℓ, U_ℓ⟩. The identity's prediction then takes the whole
     * change (the first-order parts need not cancel between layers); its rounding bound takes the first-order part.
     */
    public void afterUpdate(double[] normChange, double[] firstOrder) {
        for (int l = 1; l <= depth; l++) {
            gdSum[l - 1] += normChange[l - 1];
            arithVar[l - 1] += firstOrder[l - 1] * firstOrder[l - 1];
        }
    }

    /**
     * The monitor's metrics at a log step, in {@link #columns} order, written into {@code row} from {@code at};
     * {@code r} is the record of the step just taken (its lost-update counts, if it counted). Also returns the
     * ‖W_ℓ‖² it read (float64 sums), for the caller's own columns. Warnings go to {@code warnings}.
     */
    public double[] log(long step, StepRecord r, double[] row, int at, List<String> warnings) {
        if (!started) throw new IllegalStateException("begin() or restore() first");
        double[] norms = new double[depth];
        for (int l = 1; l <= depth; l++) {
            double[] ps = net.layerPowerSums(l);
            norms[l - 1] = ps[0];
            storageVar[l - 1] += (step - lastRead) * fourth[l - 1];
            fourth[l - 1] = ps[1];
        }
        lastRead = step;
        int c = at;
        for (int l = 1; l <= depth; l++) {
            double lost = Double.NaN;
            if (r != null && r.counting() && r.updated(l) > 0) lost = (double) r.lost(l) / r.updated(l);
            row[c++] = lost;
            if (lost > LOST_WARNING && !warnedLost[l - 1]) {
                warnedLost[l - 1] = true;
                warnings.add(String.format(Locale.ROOT, "warning: %s lost %.1f%% of layer %d's weight updates at step %d "
                        + "(updates below half an ulp of the weights are rounded away); %s", precision.label(), 100 * lost, l, step, advice()));
            }
        }
        for (int l = 1; l < depth; l++) {
            double drift = (norms[l - 1] - norms[l]) - (start[l - 1] - start[l]);
            double gd = identityHolds ? gdSum[l - 1] - gdSum[l] : Double.NaN;
            row[c + l - 1] = drift;
            row[c + depth - 1 + l - 1] = gd;
            if (!identityHolds || warnedDrift[l - 1]) continue;
            double tol = tolerance(l, norms);
            if (Math.abs(drift - gd) > tol) {
                warnedDrift[l - 1] = true;
                warnings.add(String.format(Locale.ROOT, "warning: %s broke the imbalance identity of layers %d-%d by step %d: "
                        + "|W%d|^2-|W%d|^2 moved %.3e since step 0, gradient descent gives %.3e (rounding explains %.1e); %s",
                        precision.label(), l, l + 1, step, l, l + 1, drift, gd, tol, advice()));
            }
        }
        return norms;
    }

    /** How far |drift − gd| of the pair (ℓ, ℓ+1) may go from rounding alone (see the class comment). */
    double tolerance(int l, double[] norms) {
        double us = precision.storageRoundoff(), uc = precision.computeRoundoff();
        double storage = (4.0 / 3) * us * us * (storageVar[l - 1] + storageVar[l]);
        double arith = arithmeticGrowth * uc * arithmeticGrowth * uc * (arithVar[l - 1] + arithVar[l]);
        // Reading ‖W‖² (now and at step 0) in float64, chunk by chunk (Updates.powerSums): ≤ (chunk + n/chunk)·2^-53
        // relative each, worst case.
        double n = (double) net.weight(l).size() + net.weight(l + 1).size();
        int chunk = Updates.SUM_CHUNK;
        double read = 2 * (chunk + n / chunk) * 0x1p-53 * (norms[l - 1] + norms[l] + start[l - 1] + start[l]);
        // The accumulated lr²‖∇‖², from Grams or the formed update in the compute precision: worst case
        // (n + B²)·u relative.
        double sum = (n + (double) batch * batch) * uc * (Math.abs(gdSum[l - 1]) + Math.abs(gdSum[l]));
        return Z * Math.sqrt(storage + arith) + read + sum;
    }

    private String advice() {
        return precision == Precision.FLOAT32 ? "use --dtype mixed (float32 speed, weights kept to 48 bits)"
                : precision == Precision.MIXED ? "check against --dtype float64" : "the step may be too large for this arithmetic";
    }

    /** The running sums and readings, for a checkpoint (restored bit for bit by {@link #restore}). */
    public double[] state() {
        int L = depth;
        double[] s = new double[5 * L + 1];
        System.arraycopy(gdSum, 0, s, 0, L);
        System.arraycopy(arithVar, 0, s, L, L);
        System.arraycopy(storageVar, 0, s, 2 * L, L);
        System.arraycopy(start, 0, s, 3 * L, L);
        System.arraycopy(fourth, 0, s, 4 * L, L);
        s[5 * L] = lastRead;
        return s;
    }

    /** From {@link #state}; warnings already given before the checkpoint may be given again once. */
    public void restore(double[] s) {
        int L = depth;
        if (s == null || s.length != 5 * L + 1) {
            throw new IllegalArgumentException("precision monitor state has " + (s == null ? 0 : s.length) + " values, expected " + (5 * L + 1));
        }
        System.arraycopy(s, 0, gdSum, 0, L);
        System.arraycopy(s, L, arithVar, 0, L);
        System.arraycopy(s, 2 * L, storageVar, 0, L);
        System.arraycopy(s, 3 * L, start, 0, L);
        System.arraycopy(s, 4 * L, fourth, 0, L);
        lastRead = (long) s[5 * L];
        Arrays.fill(warnedLost, false);
        Arrays.fill(warnedDrift, false);
        started = true;
    }
}
