package org.saddlescope.escape;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Network;

/**
 * Would one more hidden unit make an escape direction faster? A generalised-gradient test (one-sided derivatives at
 * the ReLU kinks). For ρ stationary on the √L sphere with speed s, add to hidden layer ℓ a unit with in-weights εa and
 * out-weights εb (‖a‖ = ‖b‖ = 1). Its output εb·σ(εaᵀZ_{ℓ−1}^σ) = ε²·b rᵀ (r = σ(Z_{ℓ−1}^σᵀa) ≥ 0) enters Z_{ℓ+1}, and
 * rescaling to the sphere multiplies L0 = −s by 1 − ε²: in all L0 changes by ε²(D(a, b) + s), where D is the one-sided
 * directional derivative of L0 along that output. Where ℓ + 1 = L (no activation) D = ⟨G, b rᵀ⟩. Where ℓ + 1 &lt; L, with
 * g = ∂L0/∂Z_{ℓ+1}^σ: an entry of Z_{ℓ+1} &gt; 0 passes the change, one &lt; 0 blocks it, and one exactly at the kink
 * (|z| ≤ 1e-9 of the layer's largest) passes only its positive part σ(0 + εd) = ε·max(d, 0). With m = (g ⊙ 1[z &gt; 0]) r and
 * k = (g ⊙ 1[z = 0]) r (both per unit of layer ℓ+1), D = Σ_i b_i m_i + max(b_i, 0) k_i, whose minimum over ‖b‖ = 1 is
 * −‖c‖ with c_i = max(m_i, −(m_i + k_i), 0). A unit helps iff max_a ‖c(a)‖ = gain·s has gain &gt; 1. Taking σ'(0) = 0 at
 * the kinks instead (the convention of autograd) drops k and can report gains a kinked optimum does not have (Example
 * 1: 2.8). Kinks deeper than ℓ + 1 keep that convention; so a gain above 1 is confirmed by adding the unit with
 * ε = 1e-3 and measuring the speed on the sphere. Candidates for a: the layer's own units, and the best unit by
 * {@link UnitSearch} for both conventions at layer ℓ+1 (kinks closed, kinks open). Not a certificate.
 */
public final class NewUnitTest {
    private NewUnitTest() {}

    /** Kink tolerance: a pre-activation within this fraction of its layer's largest |z| counts as exactly at 0. */
    static final double KINK = 1e-9;

    /**
     * gain = best ‖c‖/s for hidden layer ℓ (one-sided); gainClosed: with σ'(0) = 0 (the old test); kinks: entries of
     * Z_{ℓ+1} at the kink; measured: 1 + ΔL0 of the unit added with ε = 1e-3 over ε²·s (NaN unless gain &gt; 1 + 1e-4);
     * a: the best input weights (null when no unit lowers L0 at all); aClosed: the best unit with σ'(0) = 0.
     */
    public record Layer(int layer, double best, double gain, double gainClosed, int kinks, double measured, double[] a, double[] aClosed) {}

    /** Every hidden layer ℓ = 1..L−1 of the direction (rescaled to ‖θ‖² = L on a float64 copy), on data x with G. */
    public static List<Layer> run(Network direction, Matrix x, Matrix g, int randomStarts, SplittableRandom rng, int iterations) {
        Network net = direction.to(DType.F64);
        int L = net.depth();
        net.scale(Math.sqrt(L / net.normSquared()));
        try (Matrix x64 = x.to(DType.F64); Matrix g64 = g.to(DType.F64)) {
            Network.Workspace ws = net.workspace(x64.cols());
            Matrix y = net.forward(x64, ws);
            double s = -g64.dot(y);
            Matrix[] up = upstream(net, ws, g64);
            List<Layer> out = new ArrayList<>();
            try {
                for (int l = 1; l < L; l++) out.add(layer(net, ws, x64, g64, up, l, s, randomStarts, rng, iterations));
            } finally {
                for (Matrix m : up) if (m != null) m.close();
            }
            return out;
        }
    }

    /**
     * up[ℓ] = ∂L0/∂Z_ℓ^σ for ℓ = 1..L−1 (σ'(0) = 0 below it), up[L] = G: the gradient with respect to each layer's
     * output before the kinks of that layer are applied.
     */
    private static Matrix[] upstream(Network net, Network.Workspace ws, Matrix g) {
        int L = net.depth();
        Matrix[] up = new Matrix[L + 1];
        up[L] = g.copy();
        Matrix delta = g.copy();
        for (int l = L - 1; l >= 1; l--) {
            up[l] = Blas.multiply(true, net.weight(l + 1), false, delta);
            delta.close();
            delta = up[l].copy();
            net.activation().multiplyByDerivative(ws.preactivation(l), delta);
        }
        delta.close();
        return up;
    }

    private static Layer layer(Network net, Network.Workspace ws, Matrix x, Matrix g, Matrix[] up, int l, double s, int randomStarts,
                               SplittableRandom rng, int iterations) {
        int L = net.depth();
        Matrix h = l == 1 ? x : ws.activation(l - 1);
        Matrix open, closed;
        int kinks = 0;
        if (l + 1 == L) {
            open = up[L].copy();
            closed = up[L].copy();
        } else if (net.activation().value(-1.0) != 0.0) { // not ReLU: no kink at 0 to take one-sidedly
            open = up[l + 1].copy();
            net.activation().multiplyByDerivative(ws.preactivation(l + 1), open);
            closed = open.copy();
        } else {
            Matrix z = ws.preactivation(l + 1);
            double zmax = z.maxAbs();
            open = up[l + 1].copy();
            closed = up[l + 1].copy();
            for (int k = 0; k < z.size(); k++) {
                double v = z.getFlat(k);
                boolean atKink = Math.abs(v) <= KINK * zmax;
                if (atKink) kinks++;
                if (v <= 0 && !atKink) open.setFlat(k, 0);
                if (v <= 0 || atKink) closed.setFlat(k, 0);
            }
        }
        try (open; closed) {
            List<double[]> starts = rows(net.weight(l));
            List<double[]> cands = new ArrayList<>(starts);
            UnitSearch.Unit uc = UnitSearch.best(h, closed, starts, randomStarts, rng, iterations, 1e-10);
            UnitSearch.Unit uo = UnitSearch.best(h, open, starts, randomStarts, rng, iterations, 1e-10);
            if (uc != null) cands.add(uc.a());
            if (uo != null) cands.add(uo.a());
            double best = 0, bestClosed = uc == null ? 0 : uc.value();
            double[] bestA = null, bestB = null;
            for (double[] a : cands) {
                double[][] cb = oneSided(h, closed, open, a);
                double v = norm(cb[0]);
                if (v > best) { best = v; bestA = a; bestB = cb[1]; }
            }
            double gain = s > 0 ? best / s : Double.NaN;
            double measured = gain > 1 + 1e-4 ? measure(net, x, g, l, bestA, bestB, s) : Double.NaN;
            return new Layer(l, best, gain, s > 0 ? bestClosed / s : Double.NaN, kinks, measured, bestA, uc == null ? null : uc.a());
        }
    }

    /** c (the per-unit best decrease) and the unit b achieving −‖c‖, for input weights a (normalised here). */
    static double[][] oneSided(Matrix h, Matrix closed, Matrix open, double[] a0) {
        double[] a = a0.clone();
        double na = norm(a);
        for (int i = 0; i < a.length; i++) a[i] /= na;
        try (Matrix av = Matrix.fromColumnMajor(h.dtype(), a.length, 1, a); Matrix r = Blas.multiply(true, h, false, av)) {
            for (int j = 0; j < r.size(); j++) r.setFlat(j, Math.max(0, r.getFlat(j)));
            try (Matrix m = Blas.multiply(false, closed, false, r); Matrix mk = Blas.multiply(false, open, false, r)) {
                int n = m.rows();
                double[] c = new double[n], b = new double[n];
                for (int i = 0; i < n; i++) {
                    double neg = Math.max(m.getFlat(i), 0), pos = Math.max(-mk.getFlat(i), 0); // b_i < 0 uses m, b_i > 0 uses m + k
                    c[i] = Math.max(neg, pos);
                    b[i] = pos >= neg ? c[i] : -c[i];
                }
                double nb = norm(b);
                if (nb > 0) for (int i = 0; i < n; i++) b[i] /= nb;
                return new double[][] {c, b, a};
            }
        }
    }

    /**
     * The unit (a, b) added to layer ℓ with ε = 1e-3 (every weight then rescaled to ‖θ‖² = L): 1 + (s_new − s)/(ε²s), which
     * is the gain when the one-sided model is right (s_new − s = ε²(gain − 1)s to first order in ε²).
     */
    static double measure(Network net, Matrix x, Matrix g, int l, double[] a, double[] b, double s) {
        double eps = 1e-3;
        int[] w = net.widths();
        w[l]++;
        Network big = Embedding.pad(net, w);
        double na = norm(a);
        for (int c = 0; c < a.length; c++) big.weight(l).set(w[l] - 1, c, eps * a[c] / na);
        for (int r = 0; r < b.length; r++) big.weight(l + 1).set(r, w[l] - 1, eps * b[r]);
        int L = big.depth();
        big.scale(Math.sqrt(L / big.normSquared()));
        try (Matrix y = big.outputs(x)) {
            double sNew = -g.dot(y);
            return 1 + (sNew - s) / (eps * eps * s);
        }
    }

    private static List<double[]> rows(Matrix w) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < w.rows(); i++) {
            double[] row = new double[w.cols()];
            double n2 = 0;
            for (int c = 0; c < w.cols(); c++) { row[c] = w.get(i, c); n2 += row[c] * row[c]; }
            if (n2 > 0) out.add(row);
        }
        return out;
    }

    static double norm(double[] v) {
        double s = 0;
        for (double d : v) s += d * d;
        return Math.sqrt(s);
    }
}
