package org.saddlescope.escape;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Network;

/**
 * Would one more hidden unit make an escape direction faster? For ρ stationary on the √L sphere with speed s, add to
 * hidden layer ℓ a unit with in-weights εa and out-weights εb: L0 changes by ε²⟨δ_{ℓ+1}, bσ(aᵀZ_{ℓ−1}^σ)⟩ to first
 * order in the new unit (δ_{ℓ+1} = ∂L0/∂Z_{ℓ+1}), and rescaling to the sphere by (L/(L + ε²(‖a‖² + ‖b‖²)))^(1/2)
 * multiplies L0 = −s by 1 − ε²(‖a‖² + ‖b‖²)/2: in all, ε²(⟨δ_{ℓ+1}, bσ(aᵀZ)⟩ + s(‖a‖² + ‖b‖²)/2). Over ‖a‖ = ‖b‖ = 1
 * its minimum is ε²(s − max_a ‖δ_{ℓ+1}σ(Z_{ℓ−1}^σᵀa)‖): a unit helps iff the best single unit ({@link UnitSearch})
 * has gain = max/s above 1. A unit already in the direction has gain exactly 1 (stationarity of its outgoing
 * weights), so the gain is ≥ 1 at any stationary point. Gain 1 in every layer: padding the direction with zero
 * units to a wider network gives a direction that no single added unit improves (a local, second-order statement;
 * the search over a is not certified global).
 */
public final class NewUnitTest {
    private NewUnitTest() {}

    /** gain = best/s for hidden layer ℓ; residual of the best unit; a = its input weights. */
    public record Layer(int layer, double best, double gain, double residual, double[] a) {}

    /** Every hidden layer ℓ = 1..L−1 of the direction (rescaled to ‖θ‖² = L on a copy), on data x with G. */
    public static List<Layer> run(Network direction, Matrix x, Matrix g, int randomStarts, SplittableRandom rng, int iterations) {
        Network net = direction.to(x.dtype());
        int L = net.depth();
        net.scale(Math.sqrt(L / net.normSquared()));
        Network.Workspace ws = net.workspace(x.cols());
        Matrix y = net.forward(x, ws);
        double s;
        try (Matrix gg = g.to(x.dtype())) {
            s = -gg.dot(y);
        }
        // δ_L = G, δ_ℓ = (W_{ℓ+1}ᵀδ_{ℓ+1}) ⊙ σ'(Z_ℓ)
        Matrix[] delta = new Matrix[L + 1];
        delta[L] = g.to(x.dtype());
        for (int l = L - 1; l >= 1; l--) {
            delta[l] = Blas.multiply(true, net.weight(l + 1), false, delta[l + 1]);
            net.activation().multiplyByDerivative(ws.preactivation(l), delta[l]);
        }
        List<Layer> out = new ArrayList<>();
        try {
            for (int l = 1; l < L; l++) {
                Matrix h = l == 1 ? x : ws.activation(l - 1);
                List<double[]> starts = new ArrayList<>();
                Matrix w = net.weight(l);
                for (int i = 0; i < w.rows(); i++) {
                    double[] row = new double[w.cols()];
                    double n2 = 0;
                    for (int c = 0; c < row.length; c++) { row[c] = w.get(i, c); n2 += row[c] * row[c]; }
                    if (n2 > 0) starts.add(row);
                }
                UnitSearch.Unit u = UnitSearch.best(h, delta[l + 1], starts, randomStarts, rng, iterations, 1e-10);
                out.add(u == null ? new Layer(l, 0, 0, Double.NaN, null) : new Layer(l, u.value(), u.value() / s, u.residual(), u.a()));
            }
        } finally {
            for (Matrix m : delta) if (m != null) m.close();
        }
        return out;
    }
}
