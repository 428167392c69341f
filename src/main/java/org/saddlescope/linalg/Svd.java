package org.saddlescope.linalg;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Singular value decompositions. {@link #full} is LAPACK's divide-and-conquer dgesdd (always in float64, so a
 * float32 layer is measured as accurately as a float64 one). The leading singular values of large layers by
 * randomised subspace iteration: {@link TopSingularValues} (which uses this class; this class does not use it).
 */
public final class Svd {
    private Svd() {}

    /** A = U·diag(s)·Vᵀ with s descending; U is m×r, V is n×r, r = min(m, n). */
    public record Result(Matrix u, double[] s, Matrix v) {}

    /** All singular values, descending. */
    public static double[] singularValues(Matrix a) {
        return gesdd(a, false).s();
    }

    /** Thin SVD with vectors. */
    public static Result full(Matrix a) {
        return gesdd(a, true);
    }

    private static Result gesdd(Matrix a, boolean vectors) {
        OpenBlas.ensureLoaded();
        int m = a.rows(), n = a.cols(), r = Math.min(m, n);
        if (r == 0) return new Result(Matrix.zeros(DType.F64, m, 0), new double[0], Matrix.zeros(DType.F64, n, 0));
        Matrix work = a.to(DType.F64); // gesdd overwrites its input
        Matrix s = Matrix.zeros(DType.F64, r, 1);
        Matrix u = vectors ? Matrix.zeros(DType.F64, m, r) : Matrix.zeros(DType.F64, 1, 1);
        Matrix vt = vectors ? Matrix.zeros(DType.F64, r, n) : Matrix.zeros(DType.F64, 1, 1);
        int info = openblas.LAPACKE_dgesdd(openblas.LAPACK_COL_MAJOR, (byte) (vectors ? 'S' : 'N'), m, n,
                work.dp, Math.max(1, m), s.dp, u.dp, Math.max(1, m), vt.dp, vectors ? Math.max(1, r) : 1);
        work.close();
        if (info != 0) throw new ArithmeticException("LAPACK dgesdd failed to converge (info=" + info + ") on a " + a.shape() + " matrix");
        double[] sv = s.toDoubleArray();
        s.close();
        if (!vectors) return new Result(null, sv, null);
        Matrix v = vt.transpose();
        vt.close();
        return new Result(u, sv, v);
    }

    /** Replaces the columns of q (m×l, m ≥ l) by an orthonormal basis of their span (Householder QR). */
    static void orthonormalize(Matrix q) {
        int m = q.rows(), l = q.cols();
        Matrix w = q.dtype() == DType.F64 ? q : q.to(DType.F64);
        DoublePointer tau = new DoublePointer(Math.max(1, l));
        int info = openblas.LAPACKE_dgeqrf(openblas.LAPACK_COL_MAJOR, m, l, w.dp, Math.max(1, m), tau);
        if (info == 0) info = openblas.LAPACKE_dorgqr(openblas.LAPACK_COL_MAJOR, m, l, l, w.dp, Math.max(1, m), tau);
        tau.close();
        if (info != 0) throw new ArithmeticException("LAPACK QR failed (info=" + info + ")");
        if (w != q) { q.copyFrom(w); w.close(); }
    }
}
