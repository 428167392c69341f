package org.saddlescope.escape;

import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.LocalizedLoss;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;

/**
 * Example 1 of the paper (section 4, appendix D.1): x_j = (sin(2πj/8), cos(2πj/8)), G_j = (−1)^j, j = 1..8,
 * depth 3. All speeds here are on the √L sphere (‖θ‖² = 3, Definition 2.1), as in the paper: with
 * ‖W_ℓ‖_F = 1 per layer the rank-one optimum is √2 − 1 and the rank-two construction gives 1/2.
 */
public final class Example1 {
    private Example1() {}

    public static final int N = 8;
    public static final int DEPTH = 3;
    public static final double RANK_ONE_SPEED = Math.sqrt(2) - 1;
    public static final double RANK_TWO_SPEED = 0.5;

    /** X (2 × 8, column-major): column j−1 is x_j. */
    public static double[] x() {
        double[] x = new double[2 * N];
        for (int j = 1; j <= N; j++) {
            x[2 * (j - 1)] = Math.sin(2 * Math.PI * j / N);
            x[2 * (j - 1) + 1] = Math.cos(2 * Math.PI * j / N);
        }
        return x;
    }

    /** G (1 × 8): G_j = (−1)^j. */
    public static double[] g() {
        double[] g = new double[N];
        for (int j = 1; j <= N; j++) g[j - 1] = (j % 2 == 0) ? 1 : -1;
        return g;
    }

    public static Matrix xMatrix() { return Matrix.fromColumnMajor(DType.F64, 2, N, x()); }
    public static Matrix gMatrix() { return Matrix.fromColumnMajor(DType.F64, 1, N, g()); }

    /** Kernel for a depth-3 ReLU network of the given hidden width on Example 1. */
    public static SmallNetKernel kernel(int width) {
        return new SmallNetKernel(new int[] {2, width, width, 1}, Activation.RELU, x(), g(), N);
    }

    /** Equation 6: s(φ) = |cos(ξ + π/4) − cos ξ + cos(ξ − π/4) − cos(ξ − π/2)|, ξ = φ mod π/4. */
    public static double equation6(double phi) {
        double q = Math.PI / 4;
        double xi = phi - q * Math.floor(phi / q);
        return Math.abs(Math.cos(xi + q) - Math.cos(xi) + Math.cos(xi - q) - Math.cos(xi - 2 * q));
    }

    /**
     * The width-one network of the proof of Example 1: W_1 = [cos φ, sin φ], W_2 = [1], W_3 = [sign]
     * (‖W_ℓ‖_F = 1, so ‖θ‖² = 3).
     */
    public static Network rankOneNetwork(double phi, double sign) {
        Network net = new Network(new int[] {2, 1, 1, 1}, Activation.RELU, DType.F64);
        net.weight(1).set(0, 0, Math.cos(phi));
        net.weight(1).set(0, 1, Math.sin(phi));
        net.weight(2).set(0, 0, 1);
        net.weight(3).set(0, 0, sign);
        return net;
    }

    /** Speed −L0 of a network on Example 1, computed by the network's own forward pass. */
    public static double speed(Network net) {
        try (Matrix x = xMatrix(); Matrix g = gMatrix(); Matrix y = net.outputs(x)) {
            return -new LocalizedLoss(g).value(y);
        }
    }

    /** Rank-one speed at angle φ computed by the network (the sign of W_3 chosen to make it positive). */
    public static double rankOneSpeed(double phi) {
        return Math.max(speed(rankOneNetwork(phi, 1)), speed(rankOneNetwork(phi, -1)));
    }

    /**
     * Equation 2's rank-two direction embedded in hidden width ≥ 4: W_1 = ½[e1; e2; −e1; −e2],
     * W_2 = ½[1 −1 1 −1] (first row), W_3 = [−1]. As printed W_3 = [1]; with G_j = (−1)^j that gives L0 = +½
     * (the network is positive exactly on x_2, x_6, where G = +1), so we flip W_3: then L0 = −½, speed ½.
     * ‖W_ℓ‖_F = 1 for every layer, ‖θ‖² = 3.
     */
    public static Network rankTwoNetwork(int width) {
        if (width < 4) throw new IllegalArgumentException("the rank-two construction needs hidden width >= 4");
        Network net = new Network(new int[] {2, width, width, 1}, Activation.RELU, DType.F64);
        Matrix w1 = net.weight(1);
        w1.set(0, 0, 0.5);
        w1.set(1, 1, 0.5);
        w1.set(2, 0, -0.5);
        w1.set(3, 1, -0.5);
        Matrix w2 = net.weight(2);
        w2.set(0, 0, 0.5);
        w2.set(0, 1, -0.5);
        w2.set(0, 2, 0.5);
        w2.set(0, 3, -0.5);
        net.weight(3).set(0, 0, -1);
        return net;
    }
}
