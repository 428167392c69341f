package org.saddlescope.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.loss.CrossEntropy;
import org.saddlescope.loss.LocalizedLoss;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.random.RandomStreams;

/** Backpropagation against central finite differences, float64, over random shapes. */
class GradientCheckTest {

    static Stream<Arguments> cases() {
        Activation[] acts = {Activation.RELU, Activation.IDENTITY, Activation.leakyRelu(0.2), Activation.TANH,
                Activation.SIGMOID, Activation.SOFTPLUS, Activation.GELU, Activation.SILU};
        Stream.Builder<Arguments> b = Stream.builder();
        long seed = 1;
        for (Activation a : acts) for (String cost : new String[] {"mse", "cross_entropy", "localized"}) b.add(Arguments.of(a, cost, seed++));
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void backpropMatchesCentralDifferences(Activation act, String costName, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int trial = 0; trial < 3; trial++) {
            int depth = 1 + rng.nextInt(4);
            int[] widths = new int[depth + 1];
            for (int i = 0; i <= depth; i++) widths[i] = 1 + rng.nextInt(5);
            widths[depth] = Math.max(2, widths[depth]);
            int n = 1 + rng.nextInt(6);
            Network net = new Network(widths, act, DType.F64);
            Init.heNormal(net, RandomStreams.of(rng.nextLong()).stream("init"));
            Matrix x = random(widths[0], n, rng);
            Matrix t = Matrix.zeros(DType.F64, widths[depth], n);
            for (int j = 0; j < n; j++) t.set(rng.nextInt(widths[depth]), j, 1.0);
            Cost cost = "mse".equals(costName) ? new SquaredError()
                    : "cross_entropy".equals(costName) ? new CrossEntropy()
                    : new LocalizedLoss(random(widths[depth], n, rng));
            check(net, x, t, cost);
        }
    }

    private static void check(Network net, Matrix x, Matrix t, Cost cost) {
        Network.Workspace ws = net.workspace(x.cols());
        Matrix y = net.forward(x, ws);
        Matrix dy = Matrix.zeros(DType.F64, y.rows(), y.cols());
        cost.gradient(y, t, dy);
        Matrix[] grads = net.zerosLike();
        net.backward(ws, dy, grads);
        // h = 1e-6: central-difference truncation error O(h²·f''') ~ 1e-12 and rounding O(ε/h) ~ 1e-10,
        // so 1e-6 relative (plus 1e-8 absolute) leaves two orders of margin; ReLU kinks are avoided by
        // skipping coordinates whose perturbation flips the sign of some pre-activation.
        double h = 1e-6;
        for (int l = 1; l <= net.depth(); l++) {
            Matrix w = net.weight(l);
            for (int k = 0; k < w.size(); k++) {
                double old = w.getFlat(k);
                w.setFlat(k, old + h);
                double fp = cost.value(net.outputs(x), t);
                boolean kinkP = crossesKink(net, x);
                w.setFlat(k, old - h);
                double fm = cost.value(net.outputs(x), t);
                w.setFlat(k, old);
                if (kinkP && net.activation().name().contains("relu")) continue;
                double fd = (fp - fm) / (2 * h);
                double an = grads[l - 1].getFlat(k);
                assertEquals(fd, an, 1e-6 * Math.max(1, Math.abs(fd)) + 1e-8,
                        "layer " + l + " entry " + k + " " + net.activation() + " " + cost.name());
            }
        }
    }

    /** True if some pre-activation is within 1e-5 of zero (a ReLU kink that finite differences would straddle). */
    private static boolean crossesKink(Network net, Matrix x) {
        Network.Workspace ws = net.workspace(x.cols());
        net.forward(x, ws);
        for (int l = 1; l < net.depth(); l++) {
            Matrix z = ws.preactivation(l);
            for (int k = 0; k < z.size(); k++) if (Math.abs(z.getFlat(k)) < 1e-5) return true;
        }
        return false;
    }

    static Matrix random(int r, int c, SplittableRandom rng) {
        Matrix m = Matrix.zeros(DType.F64, r, c);
        for (int k = 0; k < m.size(); k++) m.setFlat(k, rng.nextGaussian());
        return m;
    }

    @ParameterizedTest(name = "depth {0}")
    @MethodSource("depths")
    void reluLocalizedLossIsLHomogeneous(int depth) {
        // L0(λθ) = λ^L L0(θ) (appendix A.1) for ReLU; relative 1e-12 is a few ulps of the accumulated sums.
        SplittableRandom rng = new SplittableRandom(depth);
        int[] widths = new int[depth + 1];
        for (int i = 0; i <= depth; i++) widths[i] = 2 + rng.nextInt(6);
        Network net = new Network(widths, Activation.RELU, DType.F64);
        Init.heNormal(net, RandomStreams.of(7).stream("init"));
        Matrix x = random(widths[0], 9, rng);
        LocalizedLoss l0 = new LocalizedLoss(random(widths[depth], 9, rng));
        double base = l0.value(net.outputs(x), null);
        for (double lambda : new double[] {0.1, 0.5, 2.0, 3.7}) {
            Network scaled = net.copy();
            scaled.scale(lambda);
            double v = l0.value(scaled.outputs(x), null);
            assertEquals(Math.pow(lambda, depth) * base, v, 1e-12 * Math.abs(Math.pow(lambda, depth) * base) + 1e-300);
        }
        assertTrue(base != 0);
    }

    static Stream<Integer> depths() {
        return Stream.of(1, 2, 3, 5, 8);
    }
}
