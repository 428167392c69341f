package org.saddlescope.loss;

import org.saddlescope.linalg.Matrix;

/** C(Y) = (1/N)‖Y − Y*‖_F² (appendix A.1), so G = ∇C(0) = −(2/N) Y*. */
public final class SquaredError implements Cost {
    @Override public String name() { return "mse"; }

    @Override
    public double value(Matrix y, Matrix t) {
        y.requireShape(t, y.rows(), y.cols());
        double s = 0;
        for (int k = 0, n = y.size(); k < n; k++) { double r = y.getFlat(k) - t.getFlat(k); s += r * r; }
        return s / y.cols();
    }

    @Override
    public double gradient(Matrix y, Matrix t, Matrix out) {
        y.requireShape(t, y.rows(), y.cols());
        double s = 0, c = 2.0 / y.cols();
        for (int k = 0, n = y.size(); k < n; k++) {
            double r = y.getFlat(k) - t.getFlat(k);
            s += r * r;
            out.setFlat(k, c * r);
        }
        return s / y.cols();
    }

    /** ∇²C = (2/N)·I: out := (2/N)·V. */
    @Override
    public void hessianVector(Matrix y, Matrix t, Matrix v, Matrix out) {
        y.requireShape(v, y.rows(), y.cols());
        double c = 2.0 / y.cols();
        for (int k = 0, n = y.size(); k < n; k++) out.setFlat(k, c * v.getFlat(k));
    }
}
