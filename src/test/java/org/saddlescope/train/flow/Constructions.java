package org.saddlescope.train.flow;

import java.util.SplittableRandom;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;

/** Exact constructions with known flows, shared by the flow tests. */
final class Constructions {
    private Constructions() {}

    static double[] unit(SplittableRandom rng, int n) {
        double[] v = new double[n];
        double s = 0;
        for (int i = 0; i < n; i++) { v[i] = rng.nextGaussian(); s += v[i] * v[i]; }
        s = Math.sqrt(s);
        for (int i = 0; i < n; i++) v[i] /= s;
        return v;
    }

    /** W_ℓ = a·u_ℓ u_{ℓ−1}ᵀ with u_0 = v, u_L = u and the hidden u_ℓ given. */
    static Network balancedRankOne(int[] widths, Activation act, double a, double[][] u) {
        Network net = new Network(widths, act, DType.F64);
        for (int l = 1; l < widths.length; l++) {
            Matrix w = net.weight(l);
            for (int i = 0; i < widths[l]; i++) for (int j = 0; j < widths[l - 1]; j++) w.set(i, j, a * u[l][i] * u[l - 1][j]);
        }
        return net;
    }

    /** Rows 2..d+1 of the 4×4 Hadamard matrix (d ≤ 3): X Xᵀ = N·I with N = 4 (whitened inputs). */
    static Matrix whitenedInputs(int d) {
        double[][] h = {{1, 1, 1, 1}, {1, -1, 1, -1}, {1, 1, -1, -1}, {1, -1, -1, 1}};
        double[][] rows = new double[d][];
        for (int i = 0; i < d; i++) rows[i] = h[i + 1];
        return Matrix.of(DType.F64, rows);
    }

    /** Y* = s·u vᵀ X. */
    static Matrix teacher(double s, double[] u, double[] v, Matrix x) {
        Matrix y = Matrix.zeros(DType.F64, u.length, x.cols());
        for (int j = 0; j < x.cols(); j++) {
            double p = 0;
            for (int k = 0; k < v.length; k++) p += v[k] * x.get(k, j);
            for (int i = 0; i < u.length; i++) y.set(i, j, s * u[i] * p);
        }
        return y;
    }
}
