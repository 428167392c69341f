package org.saddlescope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.Svd;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.random.RandomStreams;

class SyntheticTest {

    @Test
    void example1HasThePapersPointsAndGradient() {
        Synthetic.Example1 e = Synthetic.example1(DType.F64);
        Dataset d = e.dataset();
        assertEquals(2, d.inputDim());
        assertEquals(8, d.size());
        double r = Math.sqrt(0.5);
        // x_j = (sin(2πj/8), cos(2πj/8)), j = 1..8, written out by hand; 1e-15: rounding of sin/cos near exact values
        double[][] expected = {{r, r}, {1, 0}, {r, -r}, {0, -1}, {-r, -r}, {-1, 0}, {-r, r}, {0, 1}};
        for (int j = 0; j < 8; j++) {
            assertEquals(expected[j][0], d.x().get(0, j), 1e-15);
            assertEquals(expected[j][1], d.x().get(1, j), 1e-15);
            assertEquals((j + 1) % 2 == 0 ? 1.0 : -1.0, e.g().get(0, j), 0.0); // G_j = (−1)^j exactly
        }
        // The targets are chosen so that the squared error's G = −(2/N)Y* is exactly the paper's G.
        Matrix g = new SquaredError().gradientAtZero(d.targets());
        assertArrayEquals(e.g().toDoubleArray(), g.toDoubleArray(), 0.0);
    }

    @Test
    void example1OtherSizesAndDtypes() {
        Synthetic.Example1 e = Synthetic.example1(6, DType.F32);
        assertEquals(DType.F32, e.dataset().dtype());
        assertEquals(6, e.dataset().size());
        for (int j = 0; j < 6; j++) {
            double a = 2 * Math.PI * (j + 1) / 6;
            assertEquals(Math.sin(a), e.dataset().x().get(0, j), 1e-7); // float32 rounding
            assertEquals(1.0, Math.hypot(e.dataset().x().get(0, j), e.dataset().x().get(1, j)), 1e-6);
        }
        assertThrows(IllegalArgumentException.class, () -> Synthetic.example1(0, DType.F64));
    }

    @Test
    void modeTeacherHasOrthonormalModesAndExactStrengths() {
        double[] s = {4, 2, 1};
        Synthetic.Teacher t = Synthetic.modes(10, 50, 20, 5, s, DType.F64, RandomStreams.of(7));
        Matrix u = t.u(), v = t.v();
        Matrix utu = Blas.multiply(true, u, false, u);
        Matrix vtv = Blas.multiply(true, v, false, v);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) {
            // two-pass Gram–Schmidt in float64: orthogonal to ~1e-15
            assertEquals(i == j ? 1.0 : 0.0, utu.get(i, j), 1e-13);
            assertEquals(i == j ? 1.0 : 0.0, vtv.get(i, j), 1e-13);
        }
        // M = U diag(s) Vᵀ has singular values exactly s and then zeros (rank k)
        Matrix us = u.copy();
        for (int i = 0; i < 3; i++) for (int r = 0; r < 5; r++) us.set(r, i, u.get(r, i) * s[i]);
        Matrix m = Blas.multiply(false, us, true, v);
        double[] sv = Svd.singularValues(m);
        // 1e-12: LAPACK's SVD of a 5×5 product U diag(s) Vᵀ (s of order one) is backward stable: errors ~ n·ε·s_1 ≈ 1e-15
        for (int i = 0; i < 3; i++) assertEquals(s[i], sv[i], 1e-12);
        for (int i = 3; i < sv.length; i++) assertEquals(0.0, sv[i], 1e-12);
        // targets are M X on train and test
        for (Dataset d : new Dataset[] {t.train(), t.test()}) {
            Matrix mx = Blas.multiply(false, m, false, d.x());
            // 1e-12: the same product M X in another order of float64 sums (terms of order one, a few dozen of them)
            assertArrayEquals(mx.toDoubleArray(), d.targets().toDoubleArray(), 1e-12);
        }
        assertEquals(20, t.test().size());
    }

    @Test
    void reluModesAreSumsOfSingleNeurons() {
        double[] s = {3, 1};
        Synthetic.Teacher t = Synthetic.reluModes(4, 30, 0, 3, s, DType.F64, RandomStreams.of(3));
        Dataset d = t.train();
        for (int j = 0; j < d.size(); j++) {
            for (int r = 0; r < 3; r++) {
                double y = 0;
                for (int i = 0; i < 2; i++) {
                    double z = 0;
                    for (int c = 0; c < 4; c++) z += t.v().get(c, i) * d.x().get(c, j);
                    y += s[i] * t.u().get(r, i) * Math.max(0, z);
                }
                assertEquals(y, d.targets().get(r, j), 1e-12);
            }
        }
        assertEquals(null, t.test());
    }

    @Test
    void modeTeacherRejectsBadStrengths() {
        assertThrows(IllegalArgumentException.class, () -> Synthetic.modes(5, 10, 0, 5, new double[] {1, 2}, DType.F64, RandomStreams.of(1)));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.modes(5, 10, 0, 2, new double[] {3, 2, 1}, DType.F64, RandomStreams.of(1)));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.modes(5, 10, 0, 5, new double[] {1, -1}, DType.F64, RandomStreams.of(1)));
    }

    @Test
    void teacherNetworkHasLimitedRankAndIsItsOwnForwardPass() {
        Synthetic.Teacher t = Synthetic.teacherNetwork(12, 40, 10, 3, 8, 2, 4, z -> Math.max(0, z), "relu", true, DType.F64, RandomStreams.of(11));
        double[] sv = Svd.singularValues(t.weight(1));
        // 1e-3: a nonzero singular value of random Gaussian factors is of order one; 1e-3 only separates it from zero
        assertTrue(sv[1] > 1e-3, "rank 2 factors give two nonzero singular values");
        for (int i = 2; i < sv.length; i++) assertEquals(0.0, sv[i], 1e-12 * sv[0]); // product of 8×2 and 2×12 factors
        // normalised: targets have RMS 1 per entry on the training set
        Matrix y = t.train().targets();
        assertEquals(1.0, y.frobeniusNorm2() / y.size(), 1e-12);
        // targets recomputed from the returned weights (normalisation folded into W_L)
        Matrix a = t.train().x();
        for (int l = 1; l <= 3; l++) {
            Matrix z = Blas.multiply(false, t.weight(l), false, a);
            if (l < 3) for (int q = 0; q < z.size(); q++) z.setFlat(q, Math.max(0, z.getFlat(q)));
            a = z;
        }
        // 1e-12: the teacher's forward pass recomputed by BLAS in another order of float64 sums (values of order one)
        assertArrayEquals(y.toDoubleArray(), a.toDoubleArray(), 1e-12);
        assertEquals(4, t.test().outputDim());
        // depth 1: a linear map of rank ≤ r straight to the outputs
        Synthetic.Teacher lin = Synthetic.teacherNetwork(6, 20, 0, 1, 99, 1, 3, z -> z, "identity", false, DType.F64, RandomStreams.of(2));
        double[] s1 = Svd.singularValues(Blas.multiply(false, lin.train().targets(), true, lin.train().x()));
        assertEquals(0.0, s1[1], 1e-12 * s1[0]);
    }

    @Test
    void sameSeedSameBitsOtherSeedOtherData() {
        double[] s = {2, 1};
        Synthetic.Teacher a = Synthetic.modes(6, 15, 5, 3, s, DType.F32, RandomStreams.of(42));
        Synthetic.Teacher b = Synthetic.modes(6, 15, 5, 3, s, DType.F32, RandomStreams.of(42));
        Synthetic.Teacher c = Synthetic.modes(6, 15, 5, 3, s, DType.F32, RandomStreams.of(43));
        assertArrayEquals(a.train().x().toFloatArray(), b.train().x().toFloatArray());
        assertArrayEquals(a.test().targets().toFloatArray(), b.test().targets().toFloatArray());
        assertNotEquals(a.train().x().getFlat(0), c.train().x().getFlat(0));
        Synthetic.Teacher n1 = Synthetic.teacherNetwork(5, 10, 0, 2, 4, 1, 2, Math::tanh, "tanh", true, DType.F64, RandomStreams.of(9));
        Synthetic.Teacher n2 = Synthetic.teacherNetwork(5, 10, 0, 2, 4, 1, 2, Math::tanh, "tanh", true, DType.F64, RandomStreams.of(9));
        assertArrayEquals(n1.train().targets().toDoubleArray(), n2.train().targets().toDoubleArray(), 0.0);
        // F32 data set is the rounding of the F64 one (same draws)
        Synthetic.Teacher d64 = Synthetic.modes(6, 15, 5, 3, s, DType.F64, RandomStreams.of(42));
        float[] f = a.train().targets().toFloatArray();
        double[] g = d64.train().targets().toDoubleArray();
        for (int q = 0; q < f.length; q++) assertEquals((float) g[q], f[q], 0.0f);
    }
}
