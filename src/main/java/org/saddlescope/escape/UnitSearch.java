package org.saddlescope.escape;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Activation;

/**
 * The best single ReLU unit: the maximum over unit vectors a of ‖M σ(Hᵀa)‖ (H: d × N inputs of the unit, M: k × N
 * weights of its outputs). Two uses:
 * <ul>
 * <li>M = G, H = X: the best rank-one escape direction of every depth L ≥ 2 (see {@link RankOneDirection}),
 *     with speed s = ‖G σ(Xᵀa)‖ on the √L sphere;</li>
 * <li>the new-unit test of an escape direction ρ with speed s ({@link NewUnitTest}): M = δ_{ℓ+1} = ∂L0/∂Z_{ℓ+1}, H =
 *     Z_{ℓ−1}^σ. One more unit in hidden layer ℓ lowers L0 on the sphere iff this maximum exceeds s.</li>
 * </ul>
 * Power method on f(a) = ½‖Mσ(Hᵀa)‖² (2-homogeneous): a ← ∇f(a)/‖∇f(a)‖ with ∇f(a) = H(σ'(Hᵀa) ⊙ MᵀMσ(Hᵀa)),
 * which raises f wherever f is convex (Journée et al. 2010); where it does not, the step normalise(a + τ∇f(a)) with τ
 * halved until f rises. A fixed point has ∇f(a) = 2f(a)·a (Euler's theorem): its residual ‖∇f − 2f a‖/(2f) is
 * reported. Not a certificate of the global maximum: the best of several starts is returned.
 */
public final class UnitSearch {
    private UnitSearch() {}

    /** value = ‖Mσ(Hᵀa)‖; residual = ‖∇f(a) − 2f(a)a‖/(2f(a)) (0 at a stationary point). */
    public record Unit(double[] a, double value, double residual, int iterations) {}

    /**
     * Best unit from the given starts (each normalised; zero starts skipped) and {@code randomStarts} Gaussian
     * ones drawn from rng. ReLU only (σ(z) = max(z, 0)). All starts iterate together as the columns of one d × m block,
     * so each iteration reads H once (the products are memory-bound when taken one vector at a time).
     */
    public static Unit best(Matrix h, Matrix m, List<double[]> starts, int randomStarts, SplittableRandom rng,
                            int iterations, double tolerance) {
        List<double[]> all = new ArrayList<>();
        for (double[] a : starts) if (normalise(a.clone())) all.add(a.clone());
        for (int i = 0; i < randomStarts; i++) {
            double[] a = new double[h.rows()];
            for (int k = 0; k < a.length; k++) a[k] = rng.nextGaussian();
            all.add(a);
        }
        if (all.isEmpty()) return null;
        try (Work w = new Work(h, m, all.size())) {
            return w.solve(all, iterations, tolerance);
        }
    }

    /** Buffers for one (H, M) pair and a block of m units, in H's dtype. */
    private static final class Work implements AutoCloseable {
        final Matrix h, m, a, z, r, mr, back, grad;
        final boolean ownM;
        final int d, cols;

        Work(Matrix h, Matrix m, int cols) {
            if (h.cols() != m.cols()) throw new IllegalArgumentException("H and M need the same samples: " + h.shape() + " vs " + m.shape());
            DType dt = h.dtype();
            this.h = h;
            this.ownM = m.dtype() != dt;
            this.m = ownM ? m.to(dt) : m;
            this.d = h.rows();
            this.cols = cols;
            int n = h.cols();
            a = Matrix.zeros(dt, d, cols);
            z = Matrix.zeros(dt, n, cols);
            r = Matrix.zeros(dt, n, cols);
            mr = Matrix.zeros(dt, m.rows(), cols);
            back = Matrix.zeros(dt, n, cols);
            grad = Matrix.zeros(dt, d, cols);
        }

        /** f_j = ½‖Mσ(Hᵀa_j)‖² for every column of the block A (d × m, column-major); leaves z, r, mr. */
        double[] value(double[] block) {
            a.setAll(block);
            Blas.gemm(true, false, 1.0, h, a, 0.0, z);
            Activation.RELU.apply(z, r);
            Blas.gemm(false, false, 1.0, m, r, 0.0, mr);
            double[] f = new double[cols];
            int k = m.rows();
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int i = 0; i < k; i++) { double v = mr.get(i, j); s += v * v; }
                f[j] = 0.5 * s;
            }
            return f;
        }

        /** ∇f for every column, after {@link #value} of the same block. */
        double[] gradient() {
            Blas.gemm(true, false, 1.0, m, mr, 0.0, back);
            Activation.RELU.multiplyByDerivative(z, back);
            Blas.gemm(false, false, 1.0, h, back, 0.0, grad);
            return grad.toDoubleArray();
        }

        Unit solve(List<double[]> starts, int iterations, double tolerance) {
            double[] A = new double[d * cols];
            boolean[] active = new boolean[cols];
            for (int j = 0; j < cols; j++) {
                double[] v = starts.get(j).clone();
                active[j] = normalise(v);
                System.arraycopy(v, 0, A, j * d, d);
            }
            double[] f = value(A), G = gradient(), T = new double[A.length], tau = new double[cols];
            int[] its = new int[cols];
            int it = 0;
            for (; it < iterations; it++) {
                boolean any = false;
                for (int j = 0; j < cols; j++) {
                    if (active[j] && f[j] > 0 && residual(A, G, f[j], j, d) < tolerance) active[j] = false;
                    any |= active[j];
                }
                if (!any) break;
                // power steps for the active columns; the others stay where they are
                System.arraycopy(A, 0, T, 0, A.length);
                for (int j = 0; j < cols; j++) {
                    if (!active[j]) continue;
                    System.arraycopy(G, j * d, T, j * d, d);
                    if (!normaliseAt(T, j, d)) { active[j] = false; System.arraycopy(A, j * d, T, j * d, d); }
                    tau[j] = 0.5 / Math.max(normAt(G, j, d), 1e-300);
                }
                double[] fT = value(T);
                boolean[] need = new boolean[cols];
                boolean needAny = false;
                for (int j = 0; j < cols; j++) { need[j] = active[j] && !(fT[j] > f[j]); needAny |= need[j]; }
                // where a power step does not raise f: normalise(a + τ∇f), τ halved until it does
                for (int bt = 0; needAny && bt < 40; bt++) {
                    for (int j = 0; j < cols; j++) {
                        if (!need[j]) continue;
                        for (int k = 0; k < d; k++) T[j * d + k] = A[j * d + k] + tau[j] * G[j * d + k];
                        normaliseAt(T, j, d);
                        tau[j] *= 0.5;
                    }
                    fT = value(T);
                    needAny = false;
                    for (int j = 0; j < cols; j++) { need[j] = need[j] && !(fT[j] > f[j]); needAny |= need[j]; }
                }
                for (int j = 0; j < cols; j++) {
                    if (!active[j]) continue;
                    if (!(fT[j] > f[j])) { active[j] = false; continue; }
                    // at a kink the residual need not fall: stop a column when f no longer rises (to rounding)
                    if (fT[j] - f[j] <= 1e-15 * fT[j]) active[j] = false;
                    System.arraycopy(T, j * d, A, j * d, d);
                    f[j] = fT[j];
                    its[j]++;
                }
                f = value(A);
                G = gradient();
            }
            int best = -1;
            for (int j = 0; j < cols; j++) if (best < 0 || f[j] > f[best]) best = j;
            double[] a0 = java.util.Arrays.copyOfRange(A, best * d, (best + 1) * d);
            return new Unit(a0, Math.sqrt(2 * f[best]), residual(A, G, f[best], best, d), its[best]);
        }

        @Override public void close() {
            if (ownM) m.close();
            a.close(); z.close(); r.close(); mr.close(); back.close(); grad.close();
        }
    }

    /** ‖∇f(a_j) − 2f a_j‖/(2f) for column j of a d-row block (0 at a stationary point, by Euler's theorem). */
    private static double residual(double[] A, double[] G, double f, int j, int d) {
        if (!(f > 0)) return Double.POSITIVE_INFINITY;
        double r = 0;
        for (int k = j * d; k < (j + 1) * d; k++) {
            double e = G[k] - 2 * f * A[k];
            r += e * e;
        }
        return Math.sqrt(r) / (2 * f);
    }

    private static double normAt(double[] block, int j, int d) {
        double s = 0;
        for (int k = j * d; k < (j + 1) * d; k++) s += block[k] * block[k];
        return Math.sqrt(s);
    }

    private static boolean normaliseAt(double[] block, int j, int d) {
        double n = normAt(block, j, d);
        if (!(n > 0) || !Double.isFinite(n)) return false;
        for (int k = j * d; k < (j + 1) * d; k++) block[k] /= n;
        return true;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    private static boolean normalise(double[] v) {
        double n = norm(v);
        if (!(n > 0) || !Double.isFinite(n)) return false;
        for (int k = 0; k < v.length; k++) v[k] /= n;
        return true;
    }
}
