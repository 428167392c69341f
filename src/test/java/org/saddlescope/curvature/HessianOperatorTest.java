package org.saddlescope.curvature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.SymmetricEigen;
import org.saddlescope.loss.Cost;
import org.saddlescope.loss.CrossEntropy;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;

/** The R-operator's Hessian-vector products against independent truths: finite differences of the gradient, closed forms. */
class HessianOperatorTest {

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        long seed = 11;
        for (Activation a : new Activation[] {Activation.RELU, Activation.IDENTITY, Activation.TANH, Activation.GELU}) {
            for (String cost : new String[] {"mse", "cross_entropy"}) b.add(Arguments.of(a, cost, seed++));
        }
        return b.build();
    }

    /**
     * Whole Hessian: columns H·e_i by the R-operator against central differences of exact gradients (step 1e-5:
     * truncation O(h²) ~ 1e-10, rounding O(ε/h) ~ 1e-11 relative to the entries), float64, random shapes and depths
     * 1..4. Random Gaussian weights keep pre-activations off the ReLU kinks (a difference step of 1e-5 crosses one with
     * probability ~1e-5 per entry), so 1e-6 of the largest entry is a margin of two orders.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void denseHessianMatchesDifferencesOfTheGradient(Activation act, String costName, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int trial = 0; trial < 3; trial++) {
            Problem pr = Problem.random(act, costName, rng, 1 + rng.nextInt(4));
            try (HessianOperator op = new HessianOperator(pr.net, pr.x, pr.t, pr.cost, DType.F64, 1 + rng.nextInt(7));
                 Matrix h = DenseHessian.byProducts(op); Matrix fd = DenseHessian.byDifferences(pr.net, pr.x, pr.t, pr.cost, 1e-5)) {
                double scale = Math.max(1e-12, fd.maxAbs());
                double err = 0;
                for (int k = 0; k < h.size(); k++) err = Math.max(err, Math.abs(h.getFlat(k) - fd.getFlat(k)));
                assertTrue(err <= 1e-6 * scale, act + " " + costName + ": max |H - FD| = " + err + " of max |H| " + scale);
            }
        }
    }

    /**
     * Float32 passes against float64: products agree to float32 rounding (ε₃₂ = 6e-8 per operation; a depth-4 R-pass
     * chains ~4·2 products of sums over a few samples and units, ~1e-6 relative; 1e-4 covers the cancellation in a
     * product near a saddle and fails for any wrong term).
     */
    @Test
    void float32ProductsFollowFloat64() {
        SplittableRandom rng = new SplittableRandom(5);
        Problem pr = Problem.random(Activation.RELU, "cross_entropy", rng, 4);
        try (HessianOperator a = new HessianOperator(pr.net, pr.x, pr.t, pr.cost, DType.F64);
             HessianOperator b = new HessianOperator(pr.net, pr.x, pr.t, pr.cost, DType.F32);
             Matrix v = Matrix.zeros(DType.F64, a.dimension(), 1); Matrix ha = Matrix.zeros(DType.F64, a.dimension(), 1);
             Matrix hb = Matrix.zeros(DType.F64, a.dimension(), 1)) {
            for (int k = 0; k < v.size(); k++) v.setFlat(k, rng.nextGaussian());
            a.apply(v, ha);
            b.apply(v, hb);
            hb.addScaled(-1, ha);
            assertTrue(hb.frobeniusNorm() <= 1e-4 * ha.frobeniusNorm(), "float32 vs float64: " + hb.frobeniusNorm() / ha.frobeniusNorm());
        }
    }

    /**
     * Closed form: a depth-2 linear network at θ = 0. L(θ) = C(W_2W_1X) has vᵀHv = 2⟨G, V_2V_1X⟩ = 2 Σ_k u_kᵀ M w_k with
     * M = GXᵀ (u_k = k-th column of V_2, w_k = k-th row of V_1), so the eigenvalues are ±σ_i(M), each once per hidden
     * unit, and zero for the rest.
     */
    @Test
    void depthTwoLinearAtTheOriginHasEigenvaluesPlusMinusSingularValuesOfGXt() {
        SplittableRandom rng = new SplittableRandom(3);
        int n0 = 4, h = 3, n2 = 3, n = 7;
        Network net = new Network(new int[] {n0, h, n2}, Activation.IDENTITY, DType.F64);
        Matrix x = Problem.gaussian(n0, n, rng), t = Problem.gaussian(n2, n, rng);
        Cost cost = new SquaredError();
        try (HessianOperator op = new HessianOperator(net, x, t, cost, DType.F64); Matrix hd = DenseHessian.byProducts(op);
             SymmetricEigen.Result e = SymmetricEigen.dense(hd, false); Matrix g = cost.gradientAtZero(t)) {
            Matrix m = org.saddlescope.linalg.Blas.multiply(false, g, true, x);
            double[] sv = org.saddlescope.linalg.Svd.singularValues(m);
            double[] expected = new double[op.dimension()];
            int i = 0;
            for (int k = 0; k < h; k++) for (double s : sv) { expected[i++] = s; expected[i++] = -s; }
            java.util.Arrays.sort(expected);
            double[] got = e.values();
            // dsyev is backward stable (error ≤ c·P·ε·‖H‖ ~ 1e-14·σ_1 at P = 21) and the R-operator's Hessian at 0 is exact
            // up to rounding: 1e-12·σ_1, plus 1e-14 for the zero eigenvalues
            for (int k = 0; k < expected.length; k++) assertEquals(expected[k], got[k], 1e-12 * sv[0] + 1e-14, "eigenvalue " + k);
        }
    }

    /** Closed form: depth 1 (linear regression), H = (2/N)(XXᵀ ⊗ I_out): eigenvalues (2/N)·eig(XXᵀ), each n_out times. */
    @Test
    void linearRegressionHessianIsTwoOverNTimesXXt() {
        SplittableRandom rng = new SplittableRandom(4);
        int d = 5, out = 2, n = 9;
        Network net = new Network(new int[] {d, out}, Activation.RELU, DType.F64);
        Init.heNormal(net, RandomStreams.of(1).stream("init"));
        Matrix x = Problem.gaussian(d, n, rng), t = Problem.gaussian(out, n, rng);
        try (HessianOperator op = new HessianOperator(net, x, t, new SquaredError(), DType.F64); Matrix hd = DenseHessian.byProducts(op);
             SymmetricEigen.Result e = SymmetricEigen.dense(hd, false);
             Matrix xxt = org.saddlescope.linalg.Blas.multiply(false, x, true, x); SymmetricEigen.Result c = SymmetricEigen.dense(xxt, false)) {
            double[] expected = new double[d * out];
            for (int k = 0; k < d; k++) for (int o = 0; o < out; o++) expected[k * out + o] = 2.0 / n * c.values()[k];
            java.util.Arrays.sort(expected);
            // both sides backward-stable eigensolvers of matrices exact to rounding: 1e-12 of the largest eigenvalue
            for (int k = 0; k < expected.length; k++) assertEquals(expected[k], e.values()[k], 1e-12 * expected[expected.length - 1]);
        }
    }

    /**
     * The gradient of the operator (chunked) equals the network's own backpropagation on all samples at once: the same
     * sums in chunks of 2 instead of one pass, so only the summation order differs (~n·ε ≈ 1e-15 relative): 1e-13 on
     * the loss, 1e-12 on the gradient's norm.
     */
    @Test
    void chunkedGradientAndLossMatchOnePass() {
        SplittableRandom rng = new SplittableRandom(8);
        Problem pr = Problem.random(Activation.RELU, "cross_entropy", rng, 3);
        try (HessianOperator a = new HessianOperator(pr.net, pr.x, pr.t, pr.cost, DType.F64, 2);
             HessianOperator b = new HessianOperator(pr.net, pr.x, pr.t, pr.cost, DType.F64, 1000);
             Matrix ga = Matrix.zeros(DType.F64, a.dimension(), 1); Matrix gb = Matrix.zeros(DType.F64, a.dimension(), 1)) {
            double la = a.gradient(ga), lb = b.gradient(gb);
            assertEquals(lb, la, 1e-13 * Math.abs(lb));
            assertEquals(lb, a.loss(), 1e-13 * Math.abs(lb));
            gb.addScaled(-1, ga);
            assertTrue(gb.frobeniusNorm() <= 1e-12 * ga.frobeniusNorm());
        }
    }

    /** A random small problem: network, inputs, one-hot (cross-entropy) or Gaussian (mse) targets. */
    record Problem(Network net, Matrix x, Matrix t, Cost cost) {
        static Problem random(Activation act, String costName, SplittableRandom rng, int depth) {
            int[] widths = new int[depth + 1];
            for (int i = 0; i <= depth; i++) widths[i] = 2 + rng.nextInt(4);
            int n = 3 + rng.nextInt(6);
            Network net = new Network(widths, act, DType.F64);
            Init.heNormal(net, RandomStreams.of(rng.nextLong()).stream("init"));
            Matrix x = gaussian(widths[0], n, rng);
            Matrix t;
            if ("mse".equals(costName)) {
                t = gaussian(widths[depth], n, rng);
            } else {
                t = Matrix.zeros(DType.F64, widths[depth], n);
                for (int j = 0; j < n; j++) t.set(rng.nextInt(widths[depth]), j, 1.0);
            }
            return new Problem(net, x, t, "mse".equals(costName) ? new SquaredError() : new CrossEntropy());
        }

        static Matrix gaussian(int r, int c, SplittableRandom rng) {
            Matrix m = Matrix.zeros(DType.F64, r, c);
            for (int k = 0; k < m.size(); k++) m.setFlat(k, rng.nextGaussian());
            return m;
        }
    }
}
