package org.saddlescope.escape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saddlescope.net.Activation;

class SphereSearchTest {

    @Test
    void restartsAreDeterministicWhateverTheThreadCount() {
        SmallNetKernel k = Example1.kernel(6);
        SphereSearch.Options o = SphereSearch.Options.defaults().withSolver(SphereSearch.Solver.PGD).withIterations(300);
        List<SphereSearch.Result> a = SphereSearch.restarts(k, 6, 42, o, 1, null);
        List<SphereSearch.Result> b = SphereSearch.restarts(k, 6, 42, o, 2, null);
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
        SphereSearch.Result best = SphereSearch.best(SphereSearch.restarts(k, 3, 1, o, 2, null));
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
        List<SphereSearch.Result> rs = SphereSearch.restarts(k, 6, 5, o, 2, null);
        double minRes = Double.POSITIVE_INFINITY;
        for (SphereSearch.Result r : rs) {
            assertEquals(r.speed() * Math.pow(3, -1.5), r.speedUnit(), 1e-15);
            if (r.speed() > 0) minRes = Math.min(minRes, r.residual());
        }
        assertTrue(minRes < 1e-7, "smallest residual " + minRes);
    }

    @Test
    void pruningOnlyRaisesTheSpeed() {
        SmallNetKernel k = Example1.kernel(8);
        SmallNetKernel.Workspace ws = k.workspace();
        for (int i = 0; i < 20; i++) {
            double[] t = SphereSearch.randomStart(k, 9, i);
            double before = -k.value(t, ws);
            if (before <= 0) continue;
            int removed = SphereSearch.pruneInactive(k, ws, t);
            double after = -k.value(t, ws);
            assertEquals(3.0, SmallNetKernel.norm2(t), 1e-12);
            assertTrue(after >= before * (1 - 1e-12), "pruning lowered s: " + before + " -> " + after);
            if (removed > 0) assertTrue(after > before);
        }
    }
}
