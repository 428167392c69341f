package org.saddlescope.linalg;

import org.bytedeco.openblas.global.openblas;

/**
 * Eigenvalues and eigenvectors of real symmetric matrices through LAPACK (the bundled OpenBLAS): {@link #tridiagonal}
 * is dstev (implicit QL/QR on a symmetric tridiagonal matrix: the Ritz problem of Lanczos), {@link #dense} is dsyev
 * (Householder tridiagonalisation, then the same). Always float64; eigenvalues ascending.
 */
public final class SymmetricEigen {
    private SymmetricEigen() {}

    /** Eigenvalues ascending; vectors: column i belongs to values[i] (n × n, float64), or null when not asked for. */
    public record Result(double[] values, Matrix vectors) implements AutoCloseable {
        @Override public void close() { if (vectors != null) vectors.close(); }
    }

    /**
     * The symmetric tridiagonal matrix with diagonal {@code diagonal} (length n) and off-diagonal {@code offDiagonal}
     * (length ≥ n − 1; entries past n − 1 are ignored).
     */
    public static Result tridiagonal(double[] diagonal, double[] offDiagonal, boolean vectors) {
        int n = diagonal.length;
        if (n == 0) return new Result(new double[0], vectors ? Matrix.zeros(DType.F64, 0, 0) : null);
        if (offDiagonal.length < n - 1) throw new IllegalArgumentException("off-diagonal has " + offDiagonal.length + " entries, need " + (n - 1));
        OpenBlas.ensureLoaded();
        double[] d = diagonal.clone();
        double[] e = new double[Math.max(1, n - 1)];
        System.arraycopy(offDiagonal, 0, e, 0, n - 1);
        double[] z = vectors ? new double[n * n] : new double[1];
        int info = openblas.LAPACKE_dstev(openblas.LAPACK_COL_MAJOR, (byte) (vectors ? 'V' : 'N'), n, d, e, z, vectors ? n : 1);
        if (info != 0) throw new ArithmeticException("LAPACK dstev failed (info=" + info + ") on a tridiagonal matrix of order " + n);
        return new Result(d, vectors ? Matrix.fromColumnMajor(DType.F64, n, n, z) : null);
    }

    /** A dense symmetric matrix (its lower triangle is read; converted to float64). */
    public static Result dense(Matrix a, boolean vectors) {
        int n = a.rows();
        if (a.cols() != n) throw new IllegalArgumentException("not square: " + a.shape());
        OpenBlas.ensureLoaded();
        Matrix work = a.to(DType.F64); // dsyev overwrites its input with the vectors
        Matrix w = Matrix.zeros(DType.F64, Math.max(1, n), 1);
        try {
            if (n == 0) return new Result(new double[0], vectors ? work : null);
            int info = openblas.LAPACKE_dsyev(openblas.LAPACK_COL_MAJOR, (byte) (vectors ? 'V' : 'N'), (byte) 'L', n, work.dp,
                    Math.max(1, n), w.dp);
            if (info != 0) throw new ArithmeticException("LAPACK dsyev failed (info=" + info + ") on a " + a.shape() + " matrix");
            double[] values = new double[n];
            w.get(0, values, 0, n);
            Result r = new Result(values, vectors ? work : null);
            if (!vectors) work.close();
            return r;
        } finally {
            w.close();
        }
    }
}
