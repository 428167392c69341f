package org.saddlescope.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The branch-free kernels against their one-line definitions, element by element, on random shapes of both dtypes. */
class ElementwiseTest {

    @ParameterizedTest
    @EnumSource(DType.class)
    void leakyReluAndItsDerivativeMatchTheDefinitionExactly(DType dt) {
        SplittableRandom rng = new SplittableRandom(17);
        for (int trial = 0; trial < 20; trial++) {
            int rows = 1 + rng.nextInt(70), cols = 1 + rng.nextInt(150); // sizes across the 4096-element chunks
            double slope = trial % 3 == 0 ? 0.0 : rng.nextDouble();
            Matrix z = Matrix.zeros(dt, rows, cols), delta = Matrix.zeros(dt, rows, cols);
            for (int k = 0; k < z.size(); k++) {
                double v = rng.nextGaussian();
                z.setFlat(k, k % 11 == 0 ? 0.0 : k % 13 == 0 ? -0.0 : v); // exact zeros of both signs: σ'(0) = slope
                delta.setFlat(k, rng.nextGaussian());
            }
            Matrix out = Matrix.zeros(dt, rows, cols), d = delta.copy();
            Elementwise.leakyRelu(z, out, slope);
            Elementwise.multiplyByLeakyReluDerivative(z, d, slope);
            for (int k = 0; k < z.size(); k++) {
                double zk = z.getFlat(k);
                // definitions in the matrix's own arithmetic: exact equality, no tolerance needed
                double value = dt == DType.F32 ? (zk > 0 ? zk : (float) slope * (float) zk) : (zk > 0 ? zk : slope * zk);
                double deriv = zk > 0 ? 1 : (dt == DType.F32 ? (float) slope : slope);
                double prod = dt == DType.F32 ? (float) ((float) delta.getFlat(k) * (float) deriv) : delta.getFlat(k) * deriv;
                assertEquals(value, out.getFlat(k), 0.0, "σ(" + zk + ")");
                assertEquals(prod, d.getFlat(k), 0.0, "δσ'(" + zk + ")");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void lookupBytesReadsStridedRecords(DType dt) {
        int d = 3, n = 4, stride = 5, offset = 2;
        byte[] b = new byte[offset + stride * n];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 37);
        double[] table = new double[256];
        for (int v = 0; v < 256; v++) table[v] = v / 255.0;
        Matrix x = Matrix.zeros(dt, d, n);
        Elementwise.lookupBytes(b, offset, stride, n, table, x);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < d; i++) {
                double want = table[b[offset + j * stride + i] & 0xff];
                assertEquals(dt == DType.F32 ? (float) want : want, x.get(i, j), 0.0);
            }
        }
    }
}
