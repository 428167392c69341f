package org.saddlescope.linalg;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saddlescope.random.RandomStreams;

class TopSingularValuesTest {

    static Matrix gaussian(DType dt, int m, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Matrix a = Matrix.zeros(dt, m, n);
        for (int t = 0; t < a.size(); t++) a.setFlat(t, r.nextGaussian());
        return a;
    }

    /** Q (m×r) with orthonormal columns from a Gaussian matrix. */
    static Matrix orthonormal(int m, int r, long seed) {
        Matrix q = gaussian(DType.F64, m, r, seed);
        Svd.orthonormalize(q);
        return q;
    }

    /** U diag(s) Vᵀ with random orthonormal U, V: the exact singular values are s. */
    static Matrix withSpectrum(DType dt, int m, int n, double[] s, long seed) {
        int r = s.length;
        Matrix u = orthonormal(m, r, seed);
        Matrix v = orthonormal(n, r, seed + 1);
        for (int j = 0; j < r; j++) for (int i = 0; i < m; i++) u.set(i, j, u.get(i, j) * s[j]);
        Matrix a = Blas.multiply(false, u, true, v);
        u.close(); v.close();
        Matrix out = a.to(dt);
        a.close();
        return out;
    }

    /** Spectrum like a layer after an escape: a few dominant values over a flat noise bulk. */
    static double[] layerLike(int r) {
        double[] s = new double[r];
        for (int i = 0; i < r; i++) s[i] = i < 3 ? 3.0 / (i + 1) : 0.05 * (1 - 0.5 * i / r);
        return s;
    }

    @Test
    void matchesFullSvdOnLayerLikeSpectrumFloat64() {
        double[] s = layerLike(100);
        Matrix a = withSpectrum(DType.F64, 160, 100, s, 11);
        TopSingularValues t = new TopSingularValues(10, 10, 20, 1e-10, RandomStreams.of(5).stream("sketch"));
        double[] got = t.compute(a);
        double[] exact = Svd.singularValues(a);
        assertEquals(10, got.length);
        // The three dominant values are separated from the bulk by a factor ≥ 20, so each iteration shrinks
        // their error by ≥ 400: they converge to rounding (1e-10 relative to σ_1 is the stopping tolerance).
        for (int i = 0; i < 3; i++) assertEquals(exact[i], got[i], 1e-8 * exact[0], "σ_" + (i + 1));
        // The bulk values 4..10 sit in a near-flat band (gaps ~1e-3 relative), where subspace iteration converges
        // slowly; Ritz values are lower bounds (Cauchy interlacing) and with 20 iterations are within 2% of σ_1·0.05.
        for (int i = 3; i < 10; i++) {
            assertTrue(got[i] <= exact[i] * (1 + 1e-12), "Ritz value above the true σ_" + (i + 1));
            assertEquals(exact[i], got[i], 0.02 * exact[i], "σ_" + (i + 1));
        }
        t.close(); a.close();
    }

    @Test
    void ritzValuesNeverExceedTheTrueValuesOnAFlatGaussianSpectrum() {
        // Hardest case (init-like layer): flat Marchenko–Pastur bulk, tiny gaps. Interlacing still holds.
        Matrix a = gaussian(DType.F64, 200, 150, 3);
        TopSingularValues t = new TopSingularValues(10, 10, 3, 1e-4, RandomStreams.of(9).stream("sketch"));
        double[] got = t.compute(a);
        double[] exact = Svd.singularValues(a);
        for (int i = 0; i < 10; i++) {
            assertTrue(got[i] <= exact[i] * (1 + 1e-12), "σ_" + (i + 1) + " overestimated");
            // Top of the MP bulk: σ_1 is reached to a few percent even after 3 iterations (gap ratio > 0.9 there).
            assertTrue(got[i] >= 0.9 * exact[i], "σ_" + (i + 1) + " far below: " + got[i] + " vs " + exact[i]);
        }
        t.close(); a.close();
    }

    @Test
    void warmStartTracksASlowlyChangingMatrixWithFewIterations() {
        double[] s = layerLike(100);
        Matrix a = withSpectrum(DType.F64, 160, 100, s, 21);
        Matrix drift = gaussian(DType.F64, 160, 100, 22);
        TopSingularValues t = new TopSingularValues(3, 10, 8, 1e-6, RandomStreams.of(1).stream("sketch"));
        t.compute(a);
        int coldIterations = t.lastIterations();
        for (int call = 0; call < 5; call++) {
            a.addScaled(1e-3, drift); // a small training-like move between snapshots
            double[] got = t.compute(a);
            double[] exact = Svd.singularValues(a);
            // The dominant three are separated from the bulk by ≥ 20×: 1e-6 stopping tolerance ⇒ error ≲ 1e-6·σ_1.
            for (int i = 0; i < 3; i++) assertEquals(exact[i], got[i], 1e-5 * exact[0]);
            assertTrue(t.lastIterations() <= Math.max(2, coldIterations - 1),
                    "warm start should need fewer iterations than the cold start (" + coldIterations + "), used " + t.lastIterations());
        }
        t.close(); a.close(); drift.close();
    }

    @Test
    void float32LayerAgreesWithFloat64FullSvd() {
        double[] s = layerLike(100);
        Matrix a32 = withSpectrum(DType.F32, 160, 100, s, 31);
        Matrix a64 = a32.to(DType.F64);
        TopSingularValues t = new TopSingularValues(3, 10, 10, 1e-6, RandomStreams.of(2).stream("sketch"));
        double[] got = t.compute(a32);
        double[] exact = Svd.singularValues(a64);
        // float32 GEMMs over 160 terms: relative rounding ≲ 160·6e-8 ≈ 1e-5; allow 1e-4 of σ_1.
        for (int i = 0; i < 3; i++) assertEquals(exact[i], got[i], 1e-4 * exact[0]);
        t.close(); a32.close(); a64.close();
    }

    @Test
    void smallMatricesUseTheFullSvdExactly() {
        Matrix a = gaussian(DType.F64, 10, 40, 4); // like the output layer 10×n_{L-1}
        TopSingularValues t = new TopSingularValues(10, RandomStreams.of(7).stream("sketch"));
        double[] got = t.compute(a);
        assertTrue(t.lastExact());
        assertArrayEquals(Svd.singularValues(a), got, 0.0);
        t.close(); a.close();
    }

    @Test
    void oneShotTopKAgreesWithTheFullSvd() {
        // 300×200 with a decaying spectrum s_i = 0.9^i, large enough for the iterative path (not the exact one).
        SplittableRandom rng = new SplittableRandom(5);
        Matrix u = Matrix.zeros(DType.F64, 300, 200), v = Matrix.zeros(DType.F64, 200, 200);
        for (int k = 0; k < u.size(); k++) u.setFlat(k, rng.nextGaussian());
        for (int k = 0; k < v.size(); k++) v.setFlat(k, rng.nextGaussian());
        for (int j = 0; j < 200; j++) for (int i = 0; i < 300; i++) u.set(i, j, u.get(i, j) * Math.pow(0.9, j));
        Matrix a = Blas.multiply(false, u, true, v);
        double[] exact = Svd.singularValues(a);
        double[] top = TopSingularValues.once(a, 5, RandomStreams.of(1).stream("sketch"));
        assertEquals(5, top.length);
        // Convergence is declared at 1e-4·σ1 between iterations; allow 1e-3·σ1.
        for (int i = 0; i < 5; i++) assertEquals(exact[i], top[i], 1e-3 * exact[0], "s_" + (i + 1));
    }
}
