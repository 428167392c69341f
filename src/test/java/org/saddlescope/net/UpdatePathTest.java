package org.saddlescope.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.random.RandomStreams;

/** The update pass: mixed precision's compensated step against float64's fused GEMM. */
class UpdatePathTest {

    @Test
    void mixedDescendMatchesFloat64() {
        int[] widths = {260, 300, 5}; // 78000 weights: 19 chunks of the compensated pass, the last one partial
        int batch = 7;
        Network f64 = new Network(widths, Activation.RELU, DType.F64);
        Init.gaussian(f64, 0.05, RandomStreams.of(1).stream("init"));
        Network mixed = f64.to(Precision.MIXED);
        SplittableRandom rng = new SplittableRandom(2);
        Matrix x64 = Matrix.zeros(DType.F64, widths[0], batch), dy64 = Matrix.zeros(DType.F64, widths[2], batch);
        for (int k = 0; k < x64.size(); k++) x64.setFlat(k, rng.nextGaussian());
        for (int k = 0; k < dy64.size(); k++) dy64.setFlat(k, rng.nextGaussian());
        Matrix x32 = x64.to(DType.F32), dy32 = dy64.to(DType.F32);
        double lr = 0.01;
        Network.Workspace w64 = f64.workspace(batch), w32 = mixed.workspace(batch);
        Network before = f64.copy();
        f64.forward(x64, w64);
        f64.backpropagate(w64, dy64, (l, delta, input) -> f64.descend(l, lr, delta, input, w64, null));
        long[][] counts = new long[3][2];
        mixed.forward(x32, w32);
        mixed.backpropagate(w32, dy32, (l, delta, input) -> mixed.descend(l, lr, delta, input, w32, counts[l]));
        for (int l = 1; l <= 2; l++) {
            double[] a = f64.weight(l).toDoubleArray(), b = mixed.storedCopy(l).toDoubleArray(), w0 = before.weight(l).toDoubleArray();
            double maxUpdate = 0;
            for (int k = 0; k < a.length; k++) maxUpdate = Math.max(maxUpdate, Math.abs(a[k] - w0[k]));
            assertTrue(maxUpdate > 1e-4, "the step must move the weights");
            for (int k = 0; k < a.length; k++) {
                // The update is a float32 product (7 terms, inputs rounded to float32): ≤ ~1e-6 of the largest update.
                // Storage keeps 48 bits: 2^-47 of the weight.
                assertEquals(a[k], b[k], 1e-5 * maxUpdate + 0x1p-47 * Math.abs(a[k]), "W" + l + " entry " + k);
            }
            assertEquals(0, counts[l][1], "mixed precision loses no update here");
            assertTrue(counts[l][0] > 0.5 * a.length, "most entries had a nonzero update");
            // The float32 copy the next forward pass reads is the stored weight rounded to float32.
            float[] hi = mixed.weight(l).toFloatArray();
            for (int k = 0; k < hi.length; k++) assertEquals((float) b[k], hi[k], 0f);
        }
    }

    @Test
    void precisionConversionsKeepTheStoredWeights() {
        Network f64 = new Network(new int[] {4, 3, 2}, Activation.RELU, DType.F64);
        Init.gaussian(f64, 1e-3, RandomStreams.of(3).stream("init"));
        Network mixed = f64.to(Precision.MIXED);
        Network back = mixed.to(Precision.FLOAT64);
        for (int l = 1; l <= 2; l++) {
            double[] a = f64.weight(l).toDoubleArray(), b = back.weight(l).toDoubleArray();
            for (int k = 0; k < a.length; k++) assertEquals(a[k], b[k], 0x1p-48 * Math.abs(a[k]));
            assertArrayEquals(mixed.weight(l).toFloatArray(), f64.to(DType.F32).weight(l).toFloatArray(), "hi is the float32 rounding");
        }
        assertEquals(f64.normSquared(), mixed.normSquared(), 1e-7 * f64.normSquared()); // BLAS dot in float32 lanes
        double[] exact = f64.layerPowerSums(1), fromPairs = mixed.layerPowerSums(1);
        assertEquals(exact[0], fromPairs[0], 1e-13 * exact[0]);
        mixed.scale(2);
        assertEquals(4 * f64.normSquared(), mixed.normSquared(), 1e-6 * f64.normSquared());
        assertEquals(Precision.MIXED, mixed.copy().precision());
    }

    /**
     * Under mixed precision ‖θ‖² (the ‖θ‖ column, the learning-rate law) is the sum of the squares of the pairs' exact
     * values hi + lo, against BigDecimal: within the chunked float64 summation bound (chunk + n/chunk)·2⁻⁵³ relative
     * (Updates.powerSums), where BLAS dsdot rounds in float32 (≈ 6e-11 relative on the appendix-B network).
     */
    @Test
    void mixedNormIsTheExactSumOfThePairs() {
        Network f64 = new Network(new int[] {300, 260, 200, 5}, Activation.RELU, DType.F64);
        Init.gaussian(f64, 1e-3, RandomStreams.of(5).stream("init"));
        Network mixed = f64.to(Precision.MIXED);
        java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
        long n = 0;
        for (int l = 1; l <= mixed.depth(); l++) {
            float[] hi = mixed.weight(l).toFloatArray(), lo = mixed.low(l).toFloatArray();
            for (int k = 0; k < hi.length; k++) {
                java.math.BigDecimal x = new java.math.BigDecimal(hi[k]).add(new java.math.BigDecimal(lo[k]));
                exact = exact.add(x.multiply(x));
            }
            n += hi.length;
        }
        double e = exact.doubleValue();
        int chunk = org.saddlescope.linalg.Updates.SUM_CHUNK;
        assertEquals(e, mixed.normSquared(), (chunk + (double) n / chunk) * 0x1p-53 * e + Math.ulp(e) * mixed.depth());
    }
}
