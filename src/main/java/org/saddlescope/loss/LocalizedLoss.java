package org.saddlescope.loss;

import org.saddlescope.linalg.Matrix;

/**
 * The localized loss L0(θ) = Tr[Gᵀ Y_θ] (paper, section 2), the first-order part of C(Y_θ) around the saddle
 * at the origin. As a cost of Y it is linear: value Tr[GᵀY], gradient G whatever Y.
 */
public final class LocalizedLoss implements Cost {
    private final Matrix g;

    public LocalizedLoss(Matrix g) {
        this.g = g;
    }

    /** G = ∇C(0) of the given cost at the given targets. */
    public static LocalizedLoss of(Cost cost, Matrix targets) {
        return new LocalizedLoss(cost.gradientAtZero(targets));
    }

    public Matrix g() { return g; }

    @Override public String name() { return "localized"; }

    /** L0 = Tr[GᵀY] of outputs Y. */
    public double value(Matrix y) {
        return g.dot(y);
    }

    /** Tr[GᵀY]; the targets are ignored (G already holds them). */
    @Override
    public double value(Matrix y, Matrix targetsIgnored) {
        return value(y);
    }

    @Override
    public double gradient(Matrix y, Matrix targetsIgnored, Matrix out) {
        out.copyFrom(g);
        return g.dot(y);
    }

    /** Linear in Y: the Hessian is zero. */
    @Override
    public void hessianVector(Matrix y, Matrix targetsIgnored, Matrix v, Matrix out) {
        out.fill(0);
    }
}
