package org.saddlescope.loss;

import org.saddlescope.linalg.Matrix;

/**
 * The localized loss L0(θ) = Tr[Gᵀ Y_θ] (paper, section 2), the first-order part of C(Y_θ) around the saddle
 * at the origin. As a cost of Y it is linear: value Tr[GᵀY], gradient G whatever Y.
 */
public final class LocalizedLoss implements Cost {
    private final Matrix g;
    private final double offset;

    public LocalizedLoss(Matrix g) {
        this(g, 0);
    }

    /**
     * C(0) + Tr[GᵀY] with {@code offset} = C(0): the first-order Taylor model of a cost around zero output (paper,
     * equation 1), whose value reads as a loss and falls below C(0) as the localized model escapes.
     */
    public LocalizedLoss(Matrix g, double offset) {
        this.g = g;
        this.offset = offset;
    }

    /** G = ∇C(0) of the given cost at the given targets. */
    public static LocalizedLoss of(Cost cost, Matrix targets) {
        return new LocalizedLoss(cost.gradientAtZero(targets));
    }

    public Matrix g() { return g; }

    @Override public String name() { return "localized"; }

    /** offset + Tr[GᵀY] of outputs Y (L0 = Tr[GᵀY] for the default offset 0). */
    public double value(Matrix y) {
        return offset + g.dot(y);
    }

    /** Tr[GᵀY]; the targets are ignored (G already holds them). */
    @Override
    public double value(Matrix y, Matrix targetsIgnored) {
        return value(y);
    }

    @Override
    public double gradient(Matrix y, Matrix targetsIgnored, Matrix out) {
        out.copyFrom(g);
        return offset + g.dot(y);
    }

    /** Linear in Y: the Hessian is zero. */
    @Override
    public void hessianVector(Matrix y, Matrix targetsIgnored, Matrix v, Matrix out) {
        out.fill(0);
    }
}
