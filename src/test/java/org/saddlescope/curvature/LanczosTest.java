package org.saddlescope.curvature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.SymmetricEigen;
import org.saddlescope.net.Activation;
import org.saddlescope.random.RandomStreams;

/** Lanczos, Hutchinson and stochastic Lanczos quadrature against LAPACK's dense eigensolver and exact constructions. */
class LanczosTest {

    /** An explicit symmetric matrix as an operator. */
    record Explicit(Matrix a) implements SymmetricOperator {
        @Override public int dimension() { return a.rows(); }
        @Override public void apply(Matrix v, Matrix out) { Blas.gemm(false, false, 1.0, a, v, 0.0, out); }
    }

    static Matrix diagonal(double... d) {
        Matrix m = Matrix.zeros(DType.F64, d.length, d.length);
        for (int i = 0; i < d.length; i++) m.set(i, i, d[i]);
        return m;
    }

    /**
     * The network Hessian (R-operator, ReLU, cross-entropy, depth 4): Lanczos' extreme Ritz values against dsyev of the
     * dense Hessian. With m = P steps the Ritz values are all eigenvalues (to rounding, 1e-9 of the spread); with
     * m = 30 < P the extreme ones lie within their residual bound β_m|s_m| of an eigenvalue (a theorem), and the
     * largest has converged to 1e-6.
     */
    @Test
    void ritzValuesOfTheNetworkHessianMatchDenseEigenvalues() {
        SplittableRandom rng = new SplittableRandom(21);
        HessianOperatorTest.Problem pr = HessianOperatorTest.Problem.random(Activation.RELU, "cross_entropy", rng, 4);
        try (HessianOperator op = new HessianOperator(pr.net(), pr.x(), pr.t(), pr.cost(), DType.F64);
             Matrix h = DenseHessian.byProducts(op); SymmetricEigen.Result e = SymmetricEigen.dense(h, false);
             Matrix start = Matrix.zeros(DType.F64, op.dimension(), 1)) {
            double[] ev = e.values();
            double spread = ev[ev.length - 1] - ev[0];
            Hutchinson.rademacher(start, rng);
            try (Lanczos.Run full = Lanczos.run(op, start, op.dimension())) {
                List<Lanczos.Ritz> r = Lanczos.ritz(full, false);
                assertEquals(ev[ev.length - 1], r.get(r.size() - 1).value(), 1e-9 * spread);
                assertEquals(ev[0], r.get(0).value(), 1e-9 * spread);
            }
            try (Lanczos.Run part = Lanczos.run(op, start, 30)) {
                List<Lanczos.Ritz> r = Lanczos.ritz(part, false);
                for (Lanczos.Ritz z : r) {
                    double nearest = Double.POSITIVE_INFINITY;
                    for (double v : ev) nearest = Math.min(nearest, Math.abs(v - z.value()));
                    assertTrue(nearest <= z.residual() * (1 + 1e-6) + 1e-10 * spread, "Ritz " + z + " nearest eigenvalue at " + nearest);
                }
                assertEquals(ev[ev.length - 1], r.get(r.size() - 1).value(), 1e-6 * spread);
            }
        }
    }

    /**
     * Ritz vectors are eigenvectors to their residual: ‖Ay − θy‖ = β_m|s_m| (an identity of the Lanczos relation, exact
     * with full reorthogonalisation up to rounding: 12 steps on a 40 × 40 matrix of unit entries accumulate ~1e-13, so
     * 1e-9 relative is a wide margin that still fails at the first wrong term of the relation); unit norm to 1e-10 for the
     * same reason.
     */
    @Test
    void ritzVectorResidualsEqualTheBound() {
        SplittableRandom rng = new SplittableRandom(2);
        int n = 40;
        Matrix a = Matrix.zeros(DType.F64, n, n);
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) { double v = rng.nextGaussian(); a.set(i, j, v); a.set(j, i, v); }
        Explicit op = new Explicit(a);
        try (Matrix start = Matrix.zeros(DType.F64, n, 1); Matrix ay = Matrix.zeros(DType.F64, n, 1)) {
            Hutchinson.rademacher(start, rng);
            try (Lanczos.Run run = Lanczos.run(op, start, 12)) {
                for (Lanczos.Ritz z : Lanczos.ritz(run, true)) {
                    op.apply(z.vector(), ay);
                    ay.addScaled(-z.value(), z.vector());
                    assertEquals(z.residual(), ay.frobeniusNorm(), 1e-9 * Math.max(1, z.residual()));
                    assertEquals(1, z.vector().frobeniusNorm(), 1e-10);
                    z.vector().close();
                }
            }
        }
    }

    /**
     * Hutchinson on a diagonal matrix: vᵀDv = Σ d_i v_i² = Tr D exactly for every Rademacher v (five sums of five
     * dyadic-friendly numbers: rounding ≤ 1e-15; 1e-12 only absorbs summation order).
     */
    @Test
    void hutchinsonIsExactOnDiagonalMatrices() {
        Explicit op = new Explicit(diagonal(3, -1, 0.5, 2, 7));
        Hutchinson.Estimate e = Hutchinson.trace(op, 5, RandomStreams.of(1).stream("hutchinson"));
        assertEquals(11.5, e.trace(), 1e-12);
        assertEquals(0, e.standardError(), 1e-12);
    }

    /** Hutchinson on a dense matrix: within 4 standard errors of the exact trace (fails by chance with p < 1e-4). */
    @Test
    void hutchinsonIsUnbiasedOnDenseMatrices() {
        SplittableRandom rng = new SplittableRandom(9);
        int n = 30;
        Matrix a = Matrix.zeros(DType.F64, n, n);
        double trace = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) { double v = rng.nextGaussian(); a.set(i, j, v); a.set(j, i, v); if (i == j) trace += v; }
        Hutchinson.Estimate e = Hutchinson.trace(new Explicit(a), 400, RandomStreams.of(2).stream("hutchinson"));
        assertTrue(Math.abs(e.trace() - trace) <= 4 * e.standardError(), e + " vs " + trace);
    }

    /**
     * Stochastic Lanczos quadrature on a matrix with three distinct eigenvalues (−1 ×20, 0 ×50, 2 ×30): a Rademacher
     * start's measure sits on them with weights 20/100, 50/100, 30/100 exactly (v_i² = 1), Lanczos ends in 3 steps,
     * so the fraction below −0.5 is 0.2 (exactly, up to the rounding of a 3 × 3 dstev: 1e-12). The density (Gaussians of
     * width 0.05 on the grid −2..3 with step 0.0025) integrates to 1 up to the trapezoid rule's error, O(h²/σ²) ~ 1e-7 of
     * a Gaussian's mass, and the tails cut at −2 and 3, 20σ beyond the outer eigenvalues: 1e-6.
     */
    @Test
    void quadratureRecoversAKnownSpectrum() {
        double[] d = new double[100];
        for (int i = 0; i < 100; i++) d[i] = i < 20 ? -1 : i < 70 ? 0 : 2;
        Explicit op = new Explicit(diagonal(d));
        SpectralDensity.Quadrature q = SpectralDensity.estimate(op, 3, 10, RandomStreams.of(3).stream("density"));
        assertEquals(0.2, q.fractionBelow(-0.5), 1e-12);
        assertEquals(0.7, q.fractionBelow(1), 1e-12);
        double[] grid = new double[2001];
        for (int i = 0; i < grid.length; i++) grid[i] = -2 + 5.0 * i / (grid.length - 1);
        double[] phi = q.density(grid, 0.05);
        double integral = 0;
        for (int i = 1; i < grid.length; i++) integral += 0.5 * (phi[i] + phi[i - 1]) * (grid[i] - grid[i - 1]);
        assertEquals(1, integral, 1e-6);
    }

    /**
     * dstev against dsyev of the same tridiagonal matrix written out densely: both backward stable, eigenvalue errors
     * ≤ c·n·ε·‖T‖ ≈ 9 × 2.2e-16 × 3 ≈ 6e-15; 1e-12 leaves two orders for c.
     */
    @Test
    void tridiagonalEigenvaluesMatchDense() {
        SplittableRandom rng = new SplittableRandom(7);
        int n = 9;
        double[] a = new double[n], b = new double[n - 1];
        Matrix t = Matrix.zeros(DType.F64, n, n);
        for (int i = 0; i < n; i++) { a[i] = rng.nextGaussian(); t.set(i, i, a[i]); }
        for (int i = 0; i < n - 1; i++) { b[i] = rng.nextGaussian(); t.set(i + 1, i, b[i]); t.set(i, i + 1, b[i]); }
        try (SymmetricEigen.Result x = SymmetricEigen.tridiagonal(a, b, false); SymmetricEigen.Result y = SymmetricEigen.dense(t, false)) {
            for (int i = 0; i < n; i++) assertEquals(y.values()[i], x.values()[i], 1e-12);
        }
    }
}
