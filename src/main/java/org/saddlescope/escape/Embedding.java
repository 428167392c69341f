package org.saddlescope.escape;

import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Network;

/**
 * A direction found at moderate hidden widths, padded with zero units into a wider network of the same depth:
 * W_ℓ goes into the top-left block of the wider W_ℓ, the rest is zero. Exact for a bias-free network whose σ has
 * σ(0) = 0 (ReLU, leaky ReLU, identity, tanh...): a padded unit has zero pre-activation, so σ(0) = 0 adds nothing
 * downstream, its weights add nothing to ‖θ‖, and its gradient is zero (its incoming gradient is δ·0 of a zero
 * column, its outgoing one δ·σ(0)). So Y_θ, L0, ‖θ‖, the speed and the stationarity residual are all unchanged.
 * What padding does not say is whether the wider network has a faster direction: see {@link NewUnitTest}.
 */
public final class Embedding {
    private Embedding() {}

    /** The padded network (same activation and dtype); widths must agree at the input and output and not shrink. */
    public static Network pad(Network small, int[] widths) {
        int[] w = small.widths();
        if (w.length != widths.length) throw new IllegalArgumentException("depths differ: " + (w.length - 1) + " vs " + (widths.length - 1));
        if (w[0] != widths[0] || w[w.length - 1] != widths[widths.length - 1]) throw new IllegalArgumentException("input or output widths differ");
        for (int l = 0; l < w.length; l++) {
            if (widths[l] < w[l]) throw new IllegalArgumentException("layer " + l + " would shrink from " + w[l] + " to " + widths[l]);
        }
        if (small.activation().value(0.0) != 0.0) throw new IllegalArgumentException("padding is exact only for σ(0) = 0");
        Network big = new Network(widths, small.activation(), small.dtype());
        for (int l = 1; l < w.length; l++) {
            Matrix src = small.weight(l), dst = big.weight(l);
            for (int c = 0; c < src.cols(); c++) for (int r = 0; r < src.rows(); r++) dst.set(r, c, src.get(r, c));
        }
        return big;
    }
}
