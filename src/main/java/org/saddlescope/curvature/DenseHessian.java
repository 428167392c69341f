package org.saddlescope.curvature;

import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;

/**
 * The whole P × P Hessian of a small network, for LAPACK's dense eigensolver (dsyev) and as the reference the iterative
 * estimates are checked against: column i is H·e_i ({@link #byProducts}), or the central difference
 * (∇L(θ + εe_i) − ∇L(θ − εe_i))/2ε of exact gradients ({@link #byDifferences}, independent of the R-operator).
 */
public final class DenseHessian {
    private DenseHessian() {}

    /** H by P products with unit vectors, symmetrised ((H + Hᵀ)/2: the R-operator's rounding is not symmetric). */
    public static Matrix byProducts(SymmetricOperator a) {
        int p = a.dimension();
        Matrix h = Matrix.zeros(DType.F64, p, p);
        try (Matrix e = Matrix.zeros(DType.F64, p, 1)) {
            for (int i = 0; i < p; i++) {
                e.setFlat(i, 1);
                try (Matrix col = h.columns(i, 1)) {
                    a.apply(e, col);
                }
                e.setFlat(i, 0);
            }
        }
        symmetrise(h);
        return h;
    }

    /**
     * H by central differences of the gradient at θ (float64 passes), step eps·max(|θ_i|, rms θ) per coordinate (relative
     * to the weights' scale: near a small initialisation the deep pre-activations are tiny, and an absolute step would
     * push them across ReLU kinks); error O(eps²) where L is smooth near θ. A column whose ±step moves some
     * pre-activation across zero (a kink of σ: the gradient jumps there) is retried with the step divided by 10, up to
     * three times, and is NaN when it still crosses one: a difference across a jump is not a second derivative.
     */
    public static Matrix byDifferences(org.saddlescope.net.Network theta, Matrix x, Matrix targets, org.saddlescope.loss.Cost cost, double eps) {
        org.saddlescope.net.Network net = theta.to(DType.F64);
        Matrix flat = HessianOperator.flatten(net);
        int p = flat.rows();
        double rms = flat.frobeniusNorm() / Math.sqrt(p);
        boolean[] signs = signs(net, flat, x);
        Matrix h = Matrix.zeros(DType.F64, p, p);
        try (Matrix gp = Matrix.zeros(DType.F64, p, 1); Matrix gm = Matrix.zeros(DType.F64, p, 1)) {
            for (int i = 0; i < p; i++) {
                double t = flat.getFlat(i), step = eps * Math.max(Math.abs(t), rms);
                boolean smooth = false;
                for (int k = 0; k < 4 && !smooth; k++, step /= 10) {
                    flat.setFlat(i, t + step);
                    boolean same = java.util.Arrays.equals(signs, signs(net, flat, x));
                    gradientAt(net, flat, x, targets, cost, gp);
                    flat.setFlat(i, t - step);
                    same &= java.util.Arrays.equals(signs, signs(net, flat, x));
                    gradientAt(net, flat, x, targets, cost, gm);
                    flat.setFlat(i, t);
                    smooth = same;
                    if (!smooth) continue;
                    try (Matrix col = h.columns(i, 1)) {
                        col.copyFrom(gp);
                        col.addScaled(-1, gm);
                        col.scale(1 / (2 * step));
                    }
                }
                if (!smooth) for (int r = 0; r < p; r++) h.set(r, i, Double.NaN);
            }
        }
        flat.close();
        symmetrise(h);
        return h;
    }

    /** Signs (> 0) of every hidden pre-activation at the packed θ. */
    private static boolean[] signs(org.saddlescope.net.Network net, Matrix flat, Matrix x) {
        Matrix[] views = HessianOperator.layers(flat, net.widths());
        for (int l = 1; l <= net.depth(); l++) net.setWeight(l, views[l - 1]);
        org.saddlescope.net.Network.Workspace ws = net.workspace(x.cols());
        net.forward(x, ws);
        int n = 0;
        for (int l = 1; l < net.depth(); l++) n += ws.preactivation(l).size();
        boolean[] s = new boolean[n];
        int k = 0;
        for (int l = 1; l < net.depth(); l++) {
            Matrix z = ws.preactivation(l);
            for (int j = 0; j < z.size(); j++) s[k++] = z.getFlat(j) > 0;
        }
        return s;
    }

    private static void gradientAt(org.saddlescope.net.Network net, Matrix flat, Matrix x, Matrix targets, org.saddlescope.loss.Cost cost, Matrix g) {
        Matrix[] views = HessianOperator.layers(flat, net.widths());
        for (int l = 1; l <= net.depth(); l++) net.setWeight(l, views[l - 1]);
        try (HessianOperator op = new HessianOperator(net, x, targets, cost, DType.F64)) {
            op.gradient(g);
        }
    }

    /** h := (h + hᵀ)/2 in place; returns max |h_ij − h_ji| / max |h_ij| before (0 for an exactly symmetric h). */
    public static double symmetrise(Matrix h) {
        int p = h.rows();
        double asym = 0, max = 0;
        for (int j = 0; j < p; j++) {
            for (int i = j + 1; i < p; i++) {
                double a = h.get(i, j), b = h.get(j, i);
                asym = Math.max(asym, Math.abs(a - b));
                max = Math.max(max, Math.max(Math.abs(a), Math.abs(b)));
                double m = 0.5 * (a + b);
                h.set(i, j, m);
                h.set(j, i, m);
            }
            max = Math.max(max, Math.abs(h.get(j, j)));
        }
        return max > 0 ? asym / max : 0;
    }
}
