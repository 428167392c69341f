package org.saddlescope.escape;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;

/** The fused kernel against net.Network's forward/backward (BLAS path, an independent implementation). */
class SmallNetKernelTest {

    @ParameterizedTest
    @ValueSource(strings = {"relu", "leaky_relu:0.2", "identity"})
    void valueAndGradientMatchNetwork(String actName) {
        Activation act = Activation.parse(actName);
        SplittableRandom rng = new SplittableRandom(actName.hashCode());
        for (int trial = 0; trial < 20; trial++) {
            int depth = 1 + rng.nextInt(5);
            int[] widths = new int[depth + 1];
            for (int i = 0; i <= depth; i++) widths[i] = 1 + rng.nextInt(9);
            int n = 1 + rng.nextInt(12);
            double[] x = gauss(rng, widths[0] * n), g = gauss(rng, widths[depth] * n);
            SmallNetKernel k = new SmallNetKernel(widths, act, x, g, n);
            double[] theta = gauss(rng, k.size());
            if (trial % 3 == 0) for (int i = 0; i < theta.length; i += 3) theta[i] = 0; // exercise skipped zeros
            double[] grad = new double[k.size()];
            double v = k.valueAndGradient(theta, grad, k.workspace());

            Network net = k.toNetwork(theta, act, DType.F64);
            Matrix xm = Matrix.fromColumnMajor(DType.F64, widths[0], n, x);
            Matrix gm = Matrix.fromColumnMajor(DType.F64, widths[depth], n, g);
            Network.Workspace ws = net.workspace(n);
            double ref = gm.dot(net.forward(xm, ws));
            Matrix[] grads = net.zerosLike();
            net.backward(ws, gm, grads);
            // Same sums in a different order: agreement to a few ulps of the magnitudes involved.
            double scale = 1 + Math.abs(ref);
            assertEquals(ref, v, 1e-12 * scale, "L0 trial " + trial);
            for (int l = 1; l <= depth; l++) {
                double[] gr = grads[l - 1].toDoubleArray();
                double gs = 1;
                for (double e : gr) gs = Math.max(gs, Math.abs(e));
                for (int q = 0; q < gr.length; q++) {
                    assertEquals(gr[q], grad[k.offset(l) + q], 1e-12 * gs, "grad layer " + l + " entry " + q);
                }
            }
        }
    }

    static double[] gauss(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
        return v;
    }
}
