package org.saddlescope.curvature;

import java.util.ArrayList;
import java.util.List;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.SymmetricEigen;

/**
 * The Lanczos process on a symmetric operator A (Golub and Van Loan, Matrix Computations, §10.1): from a start q_1,
 * AQ_m = Q_m T_m + β_m q_{m+1}e_mᵀ with T_m tridiagonal (α on the diagonal, β beside it). The basis is kept and every new
 * vector is orthogonalised against all earlier ones twice (full reorthogonalisation, "twice is enough"), so no ghost
 * copies of converged eigenvalues appear. The Ritz values of T_m (LAPACK dstev) approximate A's extreme eigenvalues
 * first; a Ritz pair (θ, Q_m s) has residual ‖A y − θ y‖ = β_m |s_m| exactly, and A has an eigenvalue within that
 * distance of θ. Float64 vectors.
 */
public final class Lanczos {
    private Lanczos() {}

    /** T_m's diagonal α (length m) and off-diagonal β (length m: β_m is the last residual norm), and the basis Q (P × m). */
    public record Run(double[] alpha, double[] beta, Matrix basis) implements AutoCloseable {
        public int steps() { return alpha.length; }
        @Override public void close() { basis.close(); }
    }

    /** A Ritz pair: value θ, residual bound β_m|s_m|, the vector Q_m s (P × 1, unit) or null. */
    public record Ritz(double value, double residual, Matrix vector) {}

    /**
     * Up to {@code steps} Lanczos steps from {@code start} (any nonzero vector, P × 1). Stops early when β falls to
     * 1e-12 of the largest |α| (an invariant subspace: T_m's eigenvalues are then exact eigenvalues of A).
     */
    public static Run run(SymmetricOperator a, Matrix start, int steps) {
        int p = a.dimension();
        int m = Math.max(1, Math.min(steps, p));
        Matrix q = Matrix.zeros(DType.F64, p, m);
        double[] alpha = new double[m], beta = new double[m];
        double n0 = start.frobeniusNorm();
        if (!(n0 > 0)) throw new IllegalArgumentException("Lanczos needs a nonzero start");
        try (Matrix w = Matrix.zeros(DType.F64, p, 1); Matrix h = Matrix.zeros(DType.F64, m, 1)) {
            try (Matrix q1 = q.columns(0, 1)) {
                q1.copyFrom(start);
                q1.scale(1 / n0);
            }
            double scale = 0;
            int done = 0;
            for (int j = 0; j < m; j++) {
                try (Matrix qj = q.columns(j, 1)) {
                    a.apply(qj, w);
                    alpha[j] = qj.dot(w);
                }
                scale = Math.max(scale, Math.abs(alpha[j]));
                orthogonalise(q, j + 1, w, h);
                orthogonalise(q, j + 1, w, h);
                beta[j] = w.frobeniusNorm();
                done = j + 1;
                if (done == m || !(beta[j] > 1e-12 * Math.max(scale, Double.MIN_NORMAL))) break;
                try (Matrix next = q.columns(j + 1, 1)) {
                    next.copyFrom(w);
                    next.scale(1 / beta[j]);
                }
            }
            if (done == m) return new Run(alpha, beta, q);
            Matrix qs = Matrix.zeros(DType.F64, p, done);
            try (Matrix head = q.columns(0, done)) {
                qs.copyFrom(head);
            }
            q.close();
            return new Run(java.util.Arrays.copyOf(alpha, done), java.util.Arrays.copyOf(beta, done), qs);
        }
    }

    /** w := w − Q_k Q_kᵀ w (classical Gram–Schmidt through two BLAS products; called twice). */
    private static void orthogonalise(Matrix q, int k, Matrix w, Matrix h) {
        try (Matrix qk = q.columns(0, k); Matrix hk = h.view(0, k, 1)) {
            Blas.gemm(true, false, 1.0, qk, w, 0.0, hk);
            Blas.gemm(false, false, -1.0, qk, hk, 1.0, w);
        }
    }

    /** The Ritz pairs of a run, ascending in value; vectors formed only when asked for (P × 1 each). */
    public static List<Ritz> ritz(Run r, boolean vectors) {
        int m = r.steps();
        try (SymmetricEigen.Result e = SymmetricEigen.tridiagonal(r.alpha(), r.beta(), true)) {
            List<Ritz> out = new ArrayList<>();
            double last = r.beta()[m - 1];
            for (int i = 0; i < m; i++) {
                double residual = Math.abs(last * e.vectors().get(m - 1, i));
                Matrix y = null;
                if (vectors) {
                    y = Matrix.zeros(DType.F64, r.basis().rows(), 1);
                    try (Matrix s = e.vectors().columns(i, 1)) {
                        Blas.gemm(false, false, 1.0, r.basis(), s, 0.0, y);
                    }
                }
                out.add(new Ritz(e.values()[i], residual, y));
            }
            return out;
        }
    }

    /**
     * Gauss quadrature of the start vector's spectral measure (Golub and Meurant): nodes = Ritz values, weights = the
     * squared first components of T_m's eigenvectors (they sum to 1). Σ_i w_i f(θ_i) ≈ q_1ᵀ f(A) q_1.
     */
    public static double[][] quadrature(Run r) {
        int m = r.steps();
        try (SymmetricEigen.Result e = SymmetricEigen.tridiagonal(r.alpha(), r.beta(), true)) {
            double[] w = new double[m];
            for (int i = 0; i < m; i++) { double t = e.vectors().get(0, i); w[i] = t * t; }
            return new double[][] {e.values(), w};
        }
    }
}
