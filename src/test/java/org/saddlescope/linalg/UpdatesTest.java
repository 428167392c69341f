package org.saddlescope.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The update kernels against exact arithmetic (BigDecimal) and constructed cases with known answers. */
class UpdatesTest {

    /** Weights of 1 and updates of 1e-9: float32 storage keeps none (half an ulp of 1 is 6e-8), the pair keeps all. */
    @Test
    void updatesBelowHalfAnUlpAreLostInFloat32AndKeptByThePair() {
        int n = 5000; // more than one chunk
        Matrix u = Matrix.zeros(DType.F32, n, 1);
        u.fill(1e-9);
        Matrix w = Matrix.zeros(DType.F32, n, 1), hi = Matrix.zeros(DType.F32, n, 1), lo = Matrix.zeros(DType.F32, n, 1);
        w.fill(1);
        hi.fill(1);
        Matrix before = Matrix.zeros(DType.F32, n, 1);
        for (int step = 0; step < 1000; step++) {
            long[] plain = new long[2], pair = new long[2];
            before.copyFrom(w);
            Blas.axpy(1.0, u, w);
            Updates.countUnchanged(u, before, w, plain);
            Updates.addCompensated(u, hi, lo, 0, n, pair);
            assertArrayEquals(new long[] {n, n}, plain, "float32: every update lost");
            assertArrayEquals(new long[] {n, 0}, pair, "pair: none lost");
        }
        double exact = 1 + 1000 * (double) (float) 1e-9;
        for (int k = 0; k < n; k++) {
            assertEquals(1.0, w.getFlat(k), 0.0);
            // 1000 additions, each off by at most ~2^-48 of the weight: 1000 · 3.6e-15 ≈ 4e-12 at worst.
            assertEquals(exact, hi.getFlat(k) + lo.getFlat(k), 4e-12);
            assertEquals((float) exact, hi.getFlat(k), 0.0, "the float32 copy is the pair rounded to float32");
        }
    }

    /** Over random weights and updates of all sizes, the pair tracks the exact sum to ~2⁻⁴⁸ relative per addition. */
    @Test
    void compensatedSumTracksTheExactSum() {
        SplittableRandom rng = new SplittableRandom(7);
        int n = 3000, steps = 200;
        Matrix hi = Matrix.zeros(DType.F32, n, 1), lo = Matrix.zeros(DType.F32, n, 1), u = Matrix.zeros(DType.F32, n, 1);
        BigDecimal[] exact = new BigDecimal[n];
        double[] scale = new double[n];
        for (int k = 0; k < n; k++) {
            float w0 = (float) (rng.nextGaussian() * Math.pow(10, -rng.nextInt(6)));
            hi.setFlat(k, w0);
            exact[k] = new BigDecimal(w0);
            scale[k] = Math.abs(w0);
        }
        for (int s = 0; s < steps; s++) {
            for (int k = 0; k < n; k++) {
                // Updates from 1e-12 to 1 times the weight, either sign: absorbed, partly kept, or dominant.
                float d = (float) (scale[k] * rng.nextGaussian() * Math.pow(10, -rng.nextInt(13)));
                u.setFlat(k, d);
                exact[k] = exact[k].add(new BigDecimal(d));
            }
            Updates.addCompensated(u, hi, lo, 0, n, null);
        }
        for (int k = 0; k < n; k++) {
            double ex = exact[k].doubleValue();
            double pair = (double) hi.getFlat(k) + lo.getFlat(k);
            double mag = Math.max(Math.abs(ex), scale[k]);
            // Each addition errs by at most ~2^-47 of the running magnitude; 200 additions, magnitudes within a
            // few times |w0| (updates ≤ ~4|w0|): 200 · 2^-47 · 10 ≈ 1.4e-11 relative.
            assertEquals(ex, pair, 1.5e-11 * mag, "entry " + k);
            assertEquals((float) pair, hi.getFlat(k), 0.0, "hi is the pair rounded to float32");
            assertTrue(Math.abs(lo.getFlat(k)) <= Math.ulp((float) hi.getFlat(k)), "|lo| ≤ ulp(hi): " + hi.getFlat(k) + " " + lo.getFlat(k) + " " + ex);
        }
    }

    @Test
    void splitAndJoinRoundTripAndPowerSumsAreExactForFloatSquares() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 4100;
        Matrix v = Matrix.zeros(DType.F64, n, 1);
        for (int k = 0; k < n; k++) v.setFlat(k, rng.nextGaussian() * 1e-3);
        Matrix hi = Matrix.zeros(DType.F32, n, 1), lo = Matrix.zeros(DType.F32, n, 1), back = Matrix.zeros(DType.F64, n, 1);
        Updates.split(v, hi, lo);
        Updates.join(hi, lo, back);
        for (int k = 0; k < n; k++) {
            // hi + lo keeps 48 bits of v: |v − (hi + lo)| ≤ 2^-48 |v|.
            assertEquals(v.getFlat(k), back.getFlat(k), 0x1p-47 * Math.abs(v.getFlat(k)));
            assertEquals((float) v.getFlat(k), hi.getFlat(k), 0.0);
        }
        double[] ps = Updates.powerSums(hi, null);
        BigDecimal s2 = BigDecimal.ZERO, s4 = BigDecimal.ZERO;
        for (int k = 0; k < n; k++) {
            BigDecimal x = new BigDecimal(hi.getFlat(k));
            s2 = s2.add(x.pow(2));
            s4 = s4.add(x.pow(4));
        }
        // float64 summation of n exact squares: relative error ≤ n · 2^-53 ≈ 5e-13.
        assertEquals(s2.doubleValue(), ps[0], 5e-13 * s2.doubleValue());
        assertEquals(s4.doubleValue(), ps[1], 1e-12 * s4.doubleValue());
    }

    @Test
    void countsUnchangedEntriesAmongNonzeroUpdates() {
        Matrix u = Matrix.of(DType.F32, new double[][] {{0, 1e-9, 1, 1e-9}});
        Matrix before = Matrix.of(DType.F32, new double[][] {{1, 1, 1, 1e-9}});
        Matrix after = before.copy();
        long[] count = new long[2];
        Blas.axpy(1.0, u, after);
        Updates.countUnchanged(u, before, after, count);
        // entry 0: no update; 1: lost (1 + 1e-9 = 1); 2: kept; 3: kept (1e-9 + 1e-9).
        assertArrayEquals(new long[] {3, 1}, count);
    }
}
