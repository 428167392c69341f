package org.saddlescope.escape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saddlescope.net.Activation;
import org.saddlescope.random.RandomStreams;

class SphereSearchTest {

    @Test
    void restartsAreDeterministicWhateverTheThreadCount() {
        SmallNetKernel k = Example1.kernel(6);
        SphereSearch.Options o = SphereSearch.Options.defaults().withSolver(SphereSearch.Solver.PGD).withIterations(300);
        List<SphereSearch.Result> a = SphereSearch.restarts(k, 6, RandomStreams.of(42), o, 1, null);
        List<SphereSearch.Result> b = SphereSearch.restarts(k, 6, RandomStreams.of(42), o, 2, null);
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(a.get(i).theta(), b.get(i).theta(), "restart " + i);
            assertEquals(a.get(i).speed(), b.get(i).speed(), 0.0);
        }
    }

    @Test
    void linearNetworkReachesTheClosedFormSpeed() {
        // Identity activation, depth 3: L0 = ⟨W3W2W1, G Xᵀ⟩ and, with ∏‖W_ℓ‖_F ≤ 1 on ‖θ‖² = 3 (Lemma A.4),
        // the optimum is s* = σ_1(G Xᵀ), attained by balanced rank-one layers: an exact target, and a smooth optimum.
        SplittableRandom rng = new SplittableRandom(11);
        int n = 7;
        double[] x = SmallNetKernelTest.gauss(rng, 3 * n), g = SmallNetKernelTest.gauss(rng, 2 * n);
        SmallNetKernel k = new SmallNetKernel(new int[] {3, 4, 4, 2}, Activation.IDENTITY, x, g, n);
        double[][] gx = new double[2][3];
        for (int r = 0; r < 2; r++) for (int c = 0; c < 3; c++) for (int j = 0; j < n; j++) gx[r][c] += g[r + 2 * j] * x[c + 3 * j];
        double sigma1 = new org.apache.commons.math3.linear.SingularValueDecomposition(
                org.apache.commons.math3.linear.MatrixUtils.createRealMatrix(gx)).getSingularValues()[0];
        SphereSearch.Options o = SphereSearch.Options.defaults().withIterations(4000).withTolerance(1e-10).withPolish(false);
        SphereSearch.Result best = SphereSearch.best(SphereSearch.restarts(k, 3, RandomStreams.of(1), o, 2, null));
        assertEquals(sigma1, best.speed(), 1e-9 * sigma1); // residual 1e-10 bounds the speed error at second order
        assertTrue(best.residual() < 1e-7, "residual " + best.residual()); // linear convergence along flat (rotation) directions is slow
    }

    @Test
    void convergedDirectionIsStationaryOnDataWithoutTies() {
        // Leaky ReLU (slope 0.3) on Gaussian data (no ties, no sample on a kink by accident): the restart that
        // converges satisfies ∇L0(ρ) = −sρ to solver accuracy. (Plain ReLU optima sit on kinks generically:
        // there the kink-aware residual is the meaningful one, see Example1Test.)
        SplittableRandom rng = new SplittableRandom(3);
        int n = 10;
        double[] x = SmallNetKernelTest.gauss(rng, 3 * n), g = SmallNetKernelTest.gauss(rng, n);
        SmallNetKernel k = new SmallNetKernel(new int[] {3, 4, 4, 1}, Activation.leakyRelu(0.3), x, g, n);
        SphereSearch.Options o = SphereSearch.Options.defaults().withIterations(8000).withTolerance(1e-9).withPolish(false);
        List<SphereSearch.Result> rs = SphereSearch.restarts(k, 6, RandomStreams.of(5), o, 2, null);
        double minRes = Double.POSITIVE_INFINITY;
        for (SphereSearch.Result r : rs) {
            // 1e-15: s_unit = s·L^(−L/2), the same two float64 operations in another order
            assertEquals(r.speed() * Math.pow(3, -1.5), r.speedUnit(), 1e-15);
            if (r.speed() > 0) minRes = Math.min(minRes, r.residual());
        }
        // 1e-7: the solver's tolerance here is 1e-9; a leaky-ReLU kink can stall a start above it, so only the best of
        // six starts is asserted, within a factor 100 of the tolerance
        assertTrue(minRes < 1e-7, "smallest residual " + minRes);
    }

    @Test
    void pruningOnlyRaisesTheSpeed() {
        SmallNetKernel k = Example1.kernel(8);
        SmallNetKernel.Workspace ws = k.workspace();
        for (int i = 0; i < 20; i++) {
            double[] t = SphereSearch.randomStart(k, RandomStreams.of(9), i);
            double before = -k.value(t, ws);
            if (before <= 0) continue;
            int removed = SphereSearch.pruneInactive(k, ws, t);
            double after = -k.value(t, ws);
            // 1e-12: a projection onto the sphere ‖θ‖² = 3, exact but for the rounding of a sum of squares
            assertEquals(3.0, SmallNetKernel.norm2(t), 1e-12);
            assertTrue(after >= before * (1 - 1e-12), "pruning lowered s: " + before + " -> " + after);
            if (removed > 0) assertTrue(after > before);
        }
    }

    @Test
    void powerMethodReachesTheLinearOptimumInFewSweepsWithOwnIterates() {
        // Deep linear network: the layer-wise power method is the alternating power method for the top singular
        // pair of −G Xᵀ and reaches s* = σ_1(G Xᵀ) to rounding; its iterates are not PGD's (the shifted power
        // iteration it replaces was PGD with lr = 1/α, and plotted PGD's iterates twice).
        SplittableRandom rng = new SplittableRandom(11);
        int n = 7;
        double[] x = SmallNetKernelTest.gauss(rng, 3 * n), g = SmallNetKernelTest.gauss(rng, 2 * n);
        SmallNetKernel k = new SmallNetKernel(new int[] {3, 4, 4, 2}, Activation.IDENTITY, x, g, n);
        double sigma1 = topSingularValueOfGXt(x, g, n);
        SphereSearch.Options o = SphereSearch.Options.defaults().withSolver(SphereSearch.Solver.POWER).withIterations(200)
                .withTolerance(1e-10).withPolish(false).withPrune(false);
        SphereSearch.Result p = SphereSearch.solve(k, k.workspace(), SphereSearch.randomStart(k, RandomStreams.of(1), 0), o, 0);
        assertEquals(sigma1, p.speed(), 1e-12 * sigma1); // residual < 1e-10 bounds the speed error at second order
        assertTrue(p.iterations() < 200, "sweeps " + p.iterations());
        assertEquals(3.0, SmallNetKernel.norm2(p.theta()), 1e-12);
        double[] a = SphereSearch.randomStart(k, RandomStreams.of(1), 0), b = a.clone();
        SmallNetKernel.Workspace ws = k.workspace();
        SphereSearch.power(k, ws, a, new double[a.length], o.withIterations(1), null);
        double[] grad = new double[b.length];
        k.valueAndGradient(b, grad, ws);
        SphereSearch.projectedStep(b, grad, o.lr(), 3);
        double d = 0;
        for (int i = 0; i < a.length; i++) d += (a[i] - b[i]) * (a[i] - b[i]);
        assertTrue(Math.sqrt(d) > 0.1, "one power sweep and one PGD step differ by " + Math.sqrt(d));
    }

    @Test
    void riemannianGradientCrossesKinksWithoutThePolish() {
        // Example 1, width 16, no pruning and no polish: before kinks were stepped across, RGD stalled at 0.22–0.34 in
        // 20 of 20 starts (below the rank-one √2 − 1); fixed-step PGD passes √2 − 1 in about 4 of 5.
        SmallNetKernel k = Example1.kernel(16);
        SphereSearch.Options o = SphereSearch.Options.defaults().withIterations(3000).withTolerance(1e-12)
                .withPolish(false).withPrune(false);
        List<SphereSearch.Result> rs = SphereSearch.restarts(k, 12, RandomStreams.of(0), o, 2, null);
        int above = 0;
        for (SphereSearch.Result r : rs) if (r.speed() > Example1.RANK_ONE_SPEED + 1e-9) above++;
        assertTrue(above >= 6, above + " of 12 starts above the rank-one speed");
    }

    static double topSingularValueOfGXt(double[] x, double[] g, int n) {
        int dIn = x.length / n, dOut = g.length / n;
        double[][] gx = new double[dOut][dIn];
        for (int r = 0; r < dOut; r++) for (int c = 0; c < dIn; c++) for (int j = 0; j < n; j++) gx[r][c] += g[r + dOut * j] * x[c + dIn * j];
        return new org.apache.commons.math3.linear.SingularValueDecomposition(
                org.apache.commons.math3.linear.MatrixUtils.createRealMatrix(gx)).getSingularValues()[0];
    }
}
