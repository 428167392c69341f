package org.saddlescope.escape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.saddlescope.data.Dataset;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;

/** The staircase against a closed form: modes carried by separate samples. */
class StaircaseTest {

    /**
     * X = I_4 (each sample its own input coordinate), Y* = [s_1 u_1, ..., s_4 u_4] with orthonormal u_k and s = 3, 2, 1, 1/2,
     * mean squared error. From the saddle that fits samples 1..k, G = −(2/N)(Y* − Y) is nonzero on samples k+1.. only; a
     * unit reading input coordinates with weights c gives speed (2/N)√(Σ_j s_j² max(c_j, 0)²) ≤ (2/N)·s_{k+1}, so the best
     * escape reads sample k+1 alone and writes u_{k+1}, and the fit of the active units fits it exactly (output along u_j on
     * another sample only adds loss: the u are orthogonal). Saddle k: loss (1/N)Σ_{i>k} s_i² (N = 4), every layer of rank k,
     * escape speed into it (2/N)·s_k·(√L-sphere of a rank-one unit path, whatever the depth, RankOneDirection).
     * Tolerances: 1e-6 relative on the losses (the fit stops at a relative decrease of 1e-10 per 50 steps of gradient
     * descent), 1e-6 on the speeds (kernel search with kink polish).
     */
    @Test
    void separatedModesGiveTheClosedFormSaddles() {
        double[] s = {3, 2, 1, 0.5};
        int n = 4;
        Matrix x = Matrix.zeros(DType.F64, n, n), y = Matrix.zeros(DType.F64, n, n);
        for (int k = 0; k < n; k++) {
            x.set(k, k, 1);
            y.set((k + 1) % n, k, s[k]); // u_k = e_{k+1 mod n}: orthonormal, not aligned with the inputs
        }
        Dataset data = new Dataset("separated", x, y, null, 0);
        EscapeSearch.Options search = new EscapeSearch.Options(4, 16, 0, 400, 0, 16);
        List<Staircase.Saddle> stair = Staircase.run(data, new SquaredError(), new int[] {n, 4, 4, n},
                new Staircase.Settings(3, search, 20_000, 1e-12, 0.1), RandomStreams.of(1), ProgressListener.NONE);
        assertEquals(4, stair.size());
        for (int k = 0; k <= 3; k++) {
            double expected = 0;
            for (int i = k; i < n; i++) expected += s[i] * s[i] / n;
            assertEquals(expected, stair.get(k).loss(), 1e-6 * expected, "saddle " + k);
            if (k == 0) continue;
            assertArrayEquals(new int[] {k, k, k}, stair.get(k).ranks(), "ranks at saddle " + k);
            assertEquals(2.0 / n * s[k - 1], stair.get(k).escapeSpeed(), 1e-6, "escape speed into saddle " + k);
        }
    }
}
