package org.saddlescope.escape;

import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;

/**
 * The rank-one escape directions of a bias-free ReLU network of any depth L ≥ 2: W_1 = e_1aᵀ, W_ℓ = e_1e_1ᵀ for the
 * hidden layers 2..L−1, W_L = −b e_1ᵀ, with unit vectors a (inputs) and b = Gσ(Xᵀa)/‖Gσ(Xᵀa)‖ (outputs). Every
 * ‖W_ℓ‖_F = 1, so ‖θ‖² = L; the hidden pre-activations e_1σ(aᵀX) ≥ 0 pass the later ReLUs unchanged, so
 * Y = −bσ(aᵀX) and the √L-sphere speed is s = ‖Gσ(Xᵀa)‖ whatever L. Every layer is exactly rank one, the
 * nonlinearity ratio of layers ≥ 2 is 0, and the direction is stationary when a is stationary for the single-unit
 * problem ({@link UnitSearch}; the other units are zero and have zero gradient). At depth 2 the optimum is always
 * of this form (L0 is a sum over units of ‖u_i‖‖v_i‖ times the unit's own speed, and Σ‖u_i‖‖v_i‖ ≤ 1); from
 * depth 3 on, directions with several first-layer units can be faster (Example 1: 1/2 against √2 − 1).
 */
public final class RankOneDirection {
    private RankOneDirection() {}

    /** The direction for input vector a (any norm) in a network of the given widths (float64). */
    public static Network of(double[] a, int[] widths, Matrix x, Matrix g) {
        int L = widths.length - 1;
        if (L < 2) throw new IllegalArgumentException("a rank-one direction needs depth >= 2");
        if (a.length != widths[0] || x.rows() != widths[0]) throw new IllegalArgumentException("a, X and n_0 disagree");
        double na = 0;
        for (double v : a) na += v * v;
        na = Math.sqrt(na);
        Network net = new Network(widths, Activation.RELU, DType.F64);
        for (int c = 0; c < a.length; c++) net.weight(1).set(0, c, a[c] / na);
        for (int l = 2; l < L; l++) net.weight(l).set(0, 0, 1.0);
        // b = Gσ(Xᵀa)/‖Gσ(Xᵀa)‖
        try (Matrix av = Matrix.fromColumnMajor(x.dtype(), a.length, 1, a);
             Matrix z = Blas.multiply(true, x, false, av)) {
            Activation.RELU.apply(z, z);
            try (Matrix gg = g.dtype() == x.dtype() ? g.copy() : g.to(x.dtype()); Matrix b = Blas.multiply(false, gg, false, z)) {
                double nb = b.frobeniusNorm();
                if (!(nb > 0)) throw new IllegalArgumentException("σ(aᵀX) is orthogonal to every row of G: no speed");
                for (int r = 0; r < b.rows(); r++) net.weight(L).set(r, 0, -b.get(r, 0) / nb);
            }
        }
        return net;
    }
}
