package org.saddlescope.curvature;

import org.saddlescope.linalg.Matrix;

/** A symmetric linear map of R^P given by its products (the Hessian of a training loss, or an explicit matrix in tests). */
public interface SymmetricOperator {
    /** P, the dimension. */
    int dimension();

    /** out := A·v for float64 column vectors v, out of shape P × 1. */
    void apply(Matrix v, Matrix out);
}
