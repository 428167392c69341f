package org.saddlescope.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.data.Npz;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.train.ProgressListener;

/**
 * A small analogue of the appendix-B plateau: depth 6, width 32, σ0 = 0.01, lr = 0.02/‖θ‖⁴, full-batch GD. Each
 * step moves a weight by ~1e-8 of itself, below half a float32 ulp (3e-8–6e-8 relative), so float32 storage
 * rounds most updates away while mixed precision keeps them.
 */
class MixedPrecisionTest {

    static TrainConfig analogue(String dtype) {
        TrainConfig c = new TrainConfig();
        c.dataset = "teacher:n=128,d=16,out=4,rank=1";
        c.hidden = new ArrayList<>(List.of(32, 32, 32, 32, 32));
        c.init_scale = 0.01;
        c.lr = 0.02;
        c.lr_power = 4;
        c.steps = 3000;
        c.log_every = 1000;
        c.eval_every = 1000;
        c.top_k = 0;
        c.dtype = dtype;
        return c;
    }

    /** ‖θ‖ − ‖θ0‖, then ‖W_ℓ‖² − ‖W_ℓ(0)‖² for every layer, from the run's npz files, in float64. */
    static double[] growth(Path run) {
        Map<String, Matrix> w0 = Npz.read(run.resolve("weights/initial.npz"), DType.F64);
        Map<String, Matrix> w1 = Npz.read(run.resolve("weights/final.npz"), DType.F64);
        int L = w0.size();
        double[] g = new double[L + 1];
        double n0 = 0, n1 = 0;
        for (int l = 1; l <= L; l++) {
            double a = w0.get("W" + l).frobeniusNorm2(), b = w1.get("W" + l).frobeniusNorm2();
            g[l] = b - a;
            n0 += a;
            n1 += b;
        }
        g[0] = Math.sqrt(n1) - Math.sqrt(n0);
        return g;
    }

    @Test
    void mixedFollowsFloat64WhereFloat32LosesUpdates(@TempDir Path tmp) {
        double[][] g = new double[3][];
        String[] dtypes = {"float64", "mixed", "float32"};
        for (int i = 0; i < 3; i++) {
            TrainRun.start(analogue(dtypes[i]), tmp.resolve(dtypes[i]), 1, ProgressListener.NONE);
            g[i] = growth(tmp.resolve(dtypes[i]));
        }
        double worst32 = 0;
        for (int k = 0; k < g[0].length; k++) {
            assertTrue(g[0][k] > 0, "the analogue's norms grow in float64");
            // Mixed differs from float64 only by float32 rounding in the products (~1e-7 relative a step, random in
            // sign): measured ≤ 5e-8 after 3000 steps, so 1e-5 leaves a margin of 200.
            assertEquals(g[0][k], g[1][k], 1e-5 * g[0][k], (k == 0 ? "norm" : "layer " + k) + " mixed vs float64");
            worst32 = Math.max(worst32, Math.abs(g[2][k] - g[0][k]) / g[0][k]);
        }
        // The effect this analogue exists for: float32 storage is off (measured: 71% on layer 2). If it is not, the
        // analogue no longer loses updates and the assertions above prove nothing.
        assertTrue(worst32 > 0.2, "float32's worst relative error is only " + worst32);
        // A mixed run's weight files hold float64 (high + low parts), not the float32 copy.
        assertEquals(DType.F64, Npz.read(tmp.resolve("mixed/weights/final.npz")).get("W1").dtype());
    }
}
