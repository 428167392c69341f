package org.saddlescope.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MatrixTest {

    @ParameterizedTest
    @EnumSource(DType.class)
    void gatherColumnsAndViewsAddressElementsNotBytes(DType dt) {
        Matrix src = Matrix.zeros(dt, 5, 7);
        for (int k = 0; k < 35; k++) src.setFlat(k, k);
        Matrix dst = Matrix.zeros(dt, 5, 3);
        dst.gatherColumns(src, new int[] {9, 9, 6, 2, 4}, 2);
        double[] expected = new double[15];
        int[] cols = {6, 2, 4};
        for (int c = 0; c < 3; c++) for (int i = 0; i < 5; i++) expected[c * 5 + i] = cols[c] * 5 + i;
        assertArrayEquals(expected, dst.toDoubleArray(), 0.0);

        Matrix view = src.columns(2, 2);
        Matrix copy = Matrix.zeros(dt, 5, 2);
        copy.copyFrom(view);
        for (int k = 0; k < 10; k++) assertEquals(10 + k, copy.getFlat(k), 0.0);
        view.copyFrom(dst.columns(0, 2)); // writes through to src
        assertEquals(30.0, src.get(0, 2), 0.0);
        assertEquals(14.0, src.get(4, 3), 0.0);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void gemmMatchesTripleLoopForAllTransposes(DType dt) {
        SplittableRandom rng = new SplittableRandom(3);
        // float32 products of length-9 sums carry ~1e-6 relative rounding; float64 ~1e-15.
        double tol = dt == DType.F32 ? 1e-5 : 1e-12;
        for (boolean ta : new boolean[] {false, true}) for (boolean tb : new boolean[] {false, true}) {
            int m = 4, k = 9, n = 6;
            Matrix a = rand(dt, ta ? k : m, ta ? m : k, rng), b = rand(dt, tb ? n : k, tb ? k : n, rng);
            Matrix c = rand(dt, m, n, rng);
            double[][] c0 = c.toRows();
            Blas.gemm(ta, tb, 0.7, a, b, -1.3, c);
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (ta ? a.get(p, i) : a.get(i, p)) * (tb ? b.get(j, p) : b.get(p, j));
                assertEquals(0.7 * s - 1.3 * c0[i][j], c.get(i, j), tol * (1 + Math.abs(s)));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Blas.gemm(false, false, 1, Matrix.zeros(dt, 2, 3), Matrix.zeros(dt, 2, 3), 0, Matrix.zeros(dt, 2, 3)));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void normsAreAccurateToTheDtypesEpsilon(DType dt) {
        Matrix m = Matrix.zeros(dt, 1000, 3);
        double exact = 0;
        for (int k = 0; k < m.size(); k++) { m.setFlat(k, k + 1); exact += (k + 1.0) * (k + 1.0); }
        // Integers up to 3000 and their squares are exact in float32 and the sum (< 2^53) exact in double, so
        // float64 must be exact; float32's dsdot keeps float partial sums, so allow float32's epsilon (1.2e-7).
        assertEquals(exact, m.frobeniusNorm2(), dt == DType.F64 ? 0.0 : 1.2e-7 * exact);
    }

    static Matrix rand(DType dt, int r, int c, SplittableRandom rng) {
        Matrix m = Matrix.zeros(dt, r, c);
        for (int k = 0; k < m.size(); k++) m.setFlat(k, rng.nextGaussian());
        return m;
    }
}
