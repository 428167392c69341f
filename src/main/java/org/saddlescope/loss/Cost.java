package org.saddlescope.loss;

import java.util.Locale;
import org.saddlescope.linalg.Matrix;

/**
 * A cost C(Y) of the outputs Y (n_L × B) against targets T of the same shape (regression targets Y* for the
 * squared error, one-hot or soft labels for cross-entropy). Normalised by the number of columns B, so a
 * minibatch cost is the mean over its samples, as in PyTorch.
 */
public interface Cost {
    String name();

    /** C(Y). */
    double value(Matrix y, Matrix targets);

    /** out := ∇_Y C(Y); returns C(Y) (computed in the same pass). */
    double gradient(Matrix y, Matrix targets, Matrix out);

    /**
     * out := ∇²C(Y)[V], the cost's Hessian at Y applied to V (same shape as Y): the second-order seed of the
     * R-operator (Pearlmutter 1994) that gives exact Hessian-vector products of the training loss.
     */
    void hessianVector(Matrix y, Matrix targets, Matrix v, Matrix out);

    /** G = ∇C(0), the matrix of the localized loss L0(θ) = Tr[Gᵀ Y_θ] (paper, equation 1). */
    default Matrix gradientAtZero(Matrix targets) {
        Matrix zero = Matrix.zeros(targets.dtype(), targets.rows(), targets.cols());
        Matrix g = Matrix.zeros(targets.dtype(), targets.rows(), targets.cols());
        gradient(zero, targets, g);
        zero.close();
        return g;
    }

    String NAMES = "mse, cross_entropy";

    static Cost parse(String spec) {
        switch (spec.trim().toLowerCase(Locale.ROOT)) {
            case "mse": case "squared": case "squared_error": return new SquaredError();
            case "ce": case "cross_entropy": case "crossentropy": case "xent": return new CrossEntropy();
            default: throw new IllegalArgumentException("unknown cost '" + spec + "' (use " + NAMES + ")");
        }
    }
}
