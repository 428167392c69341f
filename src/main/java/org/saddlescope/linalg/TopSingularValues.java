package org.saddlescope.linalg;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Leading k singular values of one matrix that changes slowly between calls (a layer W_ℓ during training).
 *
 * <p>Randomised subspace iteration (Halko, Martinsson &amp; Tropp 2011, algorithm 4.4) warm-started from the
 * right subspace of the previous call: a layer moves little between two snapshots, so the old subspace is
 * already close and one or two iterations (two GEMMs of m·n·(k+p) each, in the layer's own dtype, so float32
 * layers use sgemm) reach the tolerance. The first call starts from a Gaussian sketch and iterates up to
 * {@code maxIterations}. Each iteration forms Q = orth(A V), Z = Aᵀ Q and takes the singular values of Z, which
 * equal those of QᵀA (Rayleigh–Ritz values): by Cauchy interlacing they never exceed the true σ_i(A), and
 * they rise to them as the subspace converges. Stops when the top k change by less than {@code tolerance}
 * (relative to σ_1) between two iterations.
 *
 * <p>Matrices whose smaller side is at most 2(k+p) (the output layer, tiny test networks) get LAPACK's full
 * SVD instead: sketching would gain nothing there.
 */
public final class TopSingularValues implements AutoCloseable {
    private final int k;
    private final int oversample;
    private final int maxIterations;
    private final double tolerance;
    private final SplittableRandom rng;
    private Matrix basis;  // n×l right subspace (warm start), in the layer's dtype
    private Matrix left;   // m×l work
    private int lastIterations;
    private boolean lastExact;

    /**
     * @param k           how many leading singular values
     * @param oversample  extra sketch columns p (the gap σ_{k+p+1}/σ_k sets the convergence rate)
     * @param maxIterations most power iterations in one call (at least 1)
     * @param tolerance   stop when max_i |Δσ_i| ≤ tolerance·σ_1 between iterations
     * @param rng         source of the first sketch (a run's stream ("sketch", layer))
     */
    public TopSingularValues(int k, int oversample, int maxIterations, double tolerance, SplittableRandom rng) {
        if (k <= 0) throw new IllegalArgumentException("k must be positive, got " + k);
        if (oversample < 0) throw new IllegalArgumentException("oversample must be ≥ 0, got " + oversample);
        this.k = k;
        this.oversample = oversample;
        this.maxIterations = Math.max(1, maxIterations);
        this.tolerance = tolerance;
        this.rng = rng;
    }

    /** Defaults used by the spectral tracker: p = 10, at most 8 iterations, tolerance 1e-4. */
    public TopSingularValues(int k, SplittableRandom rng) {
        this(k, 10, 8, 1e-4, rng);
    }

    /** Leading k singular values of one matrix, one-off, at the defaults (keep an instance to warm-start). */
    public static double[] once(Matrix a, int k, SplittableRandom rng) {
        try (TopSingularValues t = new TopSingularValues(k, rng)) {
            return t.compute(a);
        }
    }

    /** Whether {@link #compute} uses the full SVD for an m×n matrix. */
    public boolean exactFor(int m, int n) {
        int r = Math.min(m, n);
        int l = Math.min(r, k + oversample);
        return 2L * l >= r;
    }

    /** The min(k, rank) leading singular values of a, descending. */
    public double[] compute(Matrix a) {
        int m = a.rows(), n = a.cols();
        if (exactFor(m, n)) {
            lastExact = true;
            lastIterations = 0;
            double[] all = Svd.singularValues(a);
            return Arrays.copyOf(all, Math.min(k, all.length));
        }
        lastExact = false;
        int l = Math.min(Math.min(m, n), k + oversample);
        DType dt = a.dtype();
        if (basis == null || basis.rows() != n || basis.cols() != l || basis.dtype() != dt) {
            closeBuffers();
            basis = Matrix.zeros(dt, n, l);
            for (int t = 0, sz = basis.size(); t < sz; t++) basis.setFlat(t, rng.nextGaussian());
        }
        if (left == null || left.rows() != m || left.cols() != l || left.dtype() != dt) {
            if (left != null) left.close();
            left = Matrix.zeros(dt, m, l);
        }
        double[] prev = null;
        double[] s = null;
        int it = 0;
        while (it < maxIterations) {
            it++;
            Blas.gemm(false, false, 1.0, a, basis, 0.0, left);   // A V, m×l
            Svd.orthonormalize(left);                           // Q
            Blas.gemm(true, false, 1.0, a, left, 0.0, basis);    // Z = Aᵀ Q, n×l; σ(Z) = σ(QᵀA)
            s = Svd.singularValues(basis);
            Svd.orthonormalize(basis);                          // next V
            if (prev != null && converged(prev, s)) break;
            prev = s;
        }
        lastIterations = it;
        return Arrays.copyOf(s, Math.min(k, s.length));
    }

    private boolean converged(double[] prev, double[] s) {
        double scale = Math.max(s[0], Double.MIN_NORMAL);
        for (int i = 0; i < Math.min(k, s.length); i++) {
            if (Math.abs(s[i] - prev[i]) > tolerance * scale) return false;
        }
        return true;
    }

    /** A copy of the warm-start subspace (null before the first sketched call): what a checkpoint keeps. */
    public Matrix basisCopy() {
        return basis == null ? null : basis.copy();
    }

    /**
     * Continues from a subspace saved by {@link #basisCopy} (a resumed run): the next call starts from it exactly
     * as the uninterrupted run's would, so both compute the same bits.
     */
    public void warmStart(Matrix saved) {
        closeBuffers();
        basis = saved.copy();
    }

    /** Power iterations the last call used (0 when it used the full SVD). */
    public int lastIterations() { return lastIterations; }

    /** Whether the last call used the full SVD. */
    public boolean lastExact() { return lastExact; }

    private void closeBuffers() {
        if (basis != null) basis.close();
        if (left != null) left.close();
        basis = null;
        left = null;
    }

    @Override
    public void close() {
        closeBuffers();
    }
}
