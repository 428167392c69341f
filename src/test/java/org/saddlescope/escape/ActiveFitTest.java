package org.saddlescope.escape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.SymmetricEigen;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;

/** The staircase's fit against the closed form of least squares. */
class ActiveFitTest {

    /**
     * A depth-2 linear network wide enough to be any 2×3 map minimises (1/N)‖WX − Y*‖² at the least-squares W = Y*Xᵀ(XXᵀ)⁻¹:
     * the residual loss is (1/N)(‖Y*‖² − tr(Y*Xᵀ(XXᵀ)⁻¹XY*ᵀ)). Both fits reach it to 1e-8 relative (their stopping rule:
     * relative decrease below 1e-14 over 50 steps); gradient descent also keeps each hidden unit's ‖in‖² − ‖out‖² where it
     * started (conserved by the flow; gradient descent changes it by O(η²‖∇‖²) a step: with steps capped at 2% of ‖θ‖
     * the drift stays below 1e-3 of ‖θ‖²; without the cap it was 1.3%).
     */
    @Test
    void bothFitsReachTheLeastSquaresLoss() {
        SplittableRandom rng = new SplittableRandom(12);
        int n = 20;
        Matrix x = gaussian(3, n, rng), y = gaussian(2, n, rng);
        double expected;
        try (Matrix xxt = Blas.multiply(false, x, true, x); SymmetricEigen.Result e = SymmetricEigen.dense(xxt, true);
             Matrix yxt = Blas.multiply(false, y, true, x)) {
            // tr(Y Xᵀ (XXᵀ)⁻¹ X Yᵀ) = Σ_i ‖Y Xᵀ v_i‖² / λ_i over the eigenpairs of XXᵀ
            double t = 0;
            for (int i = 0; i < 3; i++) {
                try (Matrix v = e.vectors().columns(i, 1); Matrix p = Blas.multiply(false, yxt, false, v)) {
                    t += p.frobeniusNorm2() / e.values()[i];
                }
            }
            expected = (y.frobeniusNorm2() - t) / n;
        }
        Network start = new Network(new int[] {3, 3, 2}, Activation.IDENTITY, DType.F64);
        Init.gaussian(start, 0.1, RandomStreams.of(3).stream("init"));
        ActiveFit.Result gd = ActiveFit.descend(start, x, y, new SquaredError(), 200_000, 1e-14);
        ActiveFit.Result lb = ActiveFit.minimise(start, x, y, new SquaredError(), 20_000, 1e-14);
        assertEquals(expected, gd.loss(), 1e-8 * expected, "gradient descent");
        assertEquals(expected, lb.loss(), 1e-8 * expected, "L-BFGS");
        for (int i = 0; i < 3; i++) {
            double before = rowNorm2(start.weight(1), i) - colNorm2(start.weight(2), i);
            double after = rowNorm2(gd.network().weight(1), i) - colNorm2(gd.network().weight(2), i);
            assertTrue(Math.abs(after - before) <= 1e-3 * gd.network().normSquared(), "unit " + i + ": " + before + " -> " + after);
        }
    }

    private static double rowNorm2(Matrix w, int i) {
        double s = 0;
        for (int c = 0; c < w.cols(); c++) s += w.get(i, c) * w.get(i, c);
        return s;
    }

    private static double colNorm2(Matrix w, int j) {
        double s = 0;
        for (int r = 0; r < w.rows(); r++) s += w.get(r, j) * w.get(r, j);
        return s;
    }

    private static Matrix gaussian(int r, int c, SplittableRandom rng) {
        Matrix m = Matrix.zeros(DType.F64, r, c);
        for (int k = 0; k < m.size(); k++) m.setFlat(k, rng.nextGaussian());
        return m;
    }
}
