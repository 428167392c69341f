package org.saddlescope.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.random.RandomStreams;

/** Both forward paths (plain W·A, and the transposed AᵀWᵀ used for skinny batches) against a triple loop. */
class ForwardPathTest {

    @ParameterizedTest(name = "{0} batch {1}")
    @CsvSource({"F64, 5", "F64, 300", "F32, 7", "F32, 257"})
    void forwardMatchesTripleLoop(DType dt, int batch) {
        int[] widths = {70, 96, 64, 3};
        Network net = new Network(widths, Activation.RELU, dt);
        Init.heNormal(net, RandomStreams.of(3).stream("init"));
        Matrix x = Matrix.zeros(dt, widths[0], batch);
        SplittableRandom rng = new SplittableRandom(4);
        for (int k = 0; k < x.size(); k++) x.setFlat(k, rng.nextGaussian());
        Network.Workspace ws = net.workspace(batch);
        boolean transposed = dt == DType.F32 && batch <= Network.TRANSPOSED_FORWARD_MAX_BATCH;
        if (transposed) assertNotNull(ws.zt[1]); else assertNull(ws.zt[1]);
        assertNull(ws.zt[3]); // the 3-wide output layer always takes the plain product
        Matrix y = net.forward(x, ws);

        double[][] a = x.toRows();
        for (int l = 1; l <= net.depth(); l++) {
            double[][] w = net.weight(l).toRows();
            double[][] z = new double[widths[l]][batch];
            for (int i = 0; i < widths[l]; i++) for (int j = 0; j < batch; j++) {
                double s = 0;
                for (int p = 0; p < widths[l - 1]; p++) s += w[i][p] * a[p][j];
                z[i][j] = l < net.depth() ? Math.max(0, s) : s;
            }
            a = z;
        }
        // Sums of ≤ 96 products: float64 rounding ~1e-14 relative; float32 ~1e-6 per layer, three layers.
        double tol = dt == DType.F64 ? 1e-12 : 2e-5;
        for (int i = 0; i < 3; i++) for (int j = 0; j < batch; j++) {
            assertEquals(a[i][j], y.get(i, j), tol * (1 + Math.abs(a[i][j])), "output " + i + "," + j);
        }
    }
}
