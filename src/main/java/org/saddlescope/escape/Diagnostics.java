package org.saddlescope.escape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.Svd;
import org.saddlescope.loss.LocalizedLoss;
import org.saddlescope.net.Network;
import org.saddlescope.theory.EscapeSpeed;
import org.saddlescope.theory.Proposition34;
import org.saddlescope.theory.RankMeasures;
import org.saddlescope.theory.Theorem31;

/**
 * Rank structure of an escape direction and the paper's bounds on it (Theorem 3.1, Proposition 3.4).
 * The direction is taken as given: the best direction a search found is NOT certified optimal, while
 * Theorem 3.1 is a statement about the optimum s*; we plug in the speed found, which is ≤ s* and so gives a
 * larger c and a weaker (still valid, if our direction were optimal) bound. Proposition 3.4 holds for any θ
 * with ‖θ‖² ≤ L and speed ≥ s0, so its check is rigorous for the direction at hand.
 */
public final class Diagnostics {
    private Diagnostics() {}

    /**
     * One layer ℓ. Z_ℓ^σ for ℓ < L; for ℓ = L (no activation) the Z columns describe Z_L and the nonlinearity
     * ratio is NaN. bound = Theorem 3.1's bound (NaN = vacuous, ℓ ≤ c²); belowBound is null where vacuous.
     */
    public record Layer(int layer, double normW, double[] topW, double tailW, int rankW,
                        double[] topZ, double tailZ, int rankZ, double nonlinearity,
                        double bound, Boolean belowBound) {}

    /** Proposition 3.4 for one p: how many of the layers ℓ = 0..L−1 (Z_0^σ = X, as in the proof of A.5) have a tail ratio of Z_ℓ^σ ≤ threshold. */
    public record Prop34(double p, double threshold, int count, double guarantee, boolean holds) {}

    public record Report(double speed, double speedUnit, double residual, double normX, double normG,
                         double normTheta2, double c, double cSquared, List<Layer> layers, List<Prop34> prop34,
                         String note) {}

    public static final double[] DEFAULT_P = {0.25, 0.5, 0.75};

    /** Diagnostics of the direction net (any ‖θ‖²: it is rescaled to ‖θ‖² = L first, on a copy). */
    public static Report analyse(Network direction, Matrix x, Matrix g, int topK) {
        Network net = direction.copy();
        int L = net.depth();
        net.scale(Math.sqrt(L / net.normSquared()));
        Network.Workspace ws = net.workspace(x.cols());
        double s = -new LocalizedLoss(g).value(net.forward(x, ws));
        Matrix[] grads = net.zerosLike();
        try (Matrix dY = g.copy()) {
            net.backward(ws, dY, grads);
        }
        // ‖∇L0 + sθ‖/s
        double r2 = 0;
        for (int l = 1; l <= L; l++) {
            Matrix w = net.weight(l), gr = grads[l - 1];
            for (int q = 0, n = w.size(); q < n; q++) {
                double e = gr.getFlat(q) + s * w.getFlat(q);
                r2 += e * e;
            }
        }
        double residual = Math.sqrt(r2) / Math.abs(s);
        double normX = Math.sqrt(x.frobeniusNorm2()), normG = Math.sqrt(g.frobeniusNorm2());
        double c = s > 0 ? Theorem31.c(normX, normG, s) : Double.NaN;

        List<Layer> layers = new ArrayList<>();
        double[] tailZs = new double[L]; // tail ratio of Z_ℓ^σ, ℓ = 0..L-1
        tailZs[0] = RankMeasures.tailRatio(Svd.singularValues(x));
        for (int l = 1; l <= L; l++) {
            Matrix w = net.weight(l);
            double[] sw = Svd.singularValues(w);
            Matrix z = ws.preactivation(l);
            Matrix a = l < L ? ws.activation(l) : z;
            double[] sz = Svd.singularValues(a);
            double tailZ = RankMeasures.tailRatio(sz);
            if (l < L) tailZs[l] = tailZ;
            double nonlin = l < L ? RankMeasures.nonlinearityRatio(z, a) : Double.NaN;
            double tailW = RankMeasures.tailRatio(sw);
            double bound = s > 0 ? Theorem31.bound(c, l) : Double.NaN;
            Boolean below = null;
            if (!Double.isNaN(bound)) below = tailW <= bound && tailZ <= bound && (l == L || nonlin <= bound);
            layers.add(new Layer(l, Math.sqrt(w.frobeniusNorm2()), top(sw, topK), tailW,
                    RankMeasures.numericalRank(sw, w.rows(), w.cols()), top(sz, topK), tailZ,
                    RankMeasures.numericalRank(sz, a.rows(), a.cols()), nonlin, bound, below));
        }
        List<Prop34> p34 = new ArrayList<>();
        if (s > 0) {
            for (double p : DEFAULT_P) {
                double thr = Proposition34.threshold(normX, normG, s, p, L);
                int count = 0;
                for (double t : tailZs) if (t <= thr) count++;
                double gtee = Proposition34.guarantee(p, L);
                p34.add(new Prop34(p, thr, count, gtee, count >= gtee));
            }
        }
        for (Matrix m : grads) m.close();
        String note = "Speeds on the sqrt(L)-sphere (Definition 2.1). The best direction found is not certified optimal;"
                + " Theorem 3.1 concerns the optimal direction, so its check here is indicative only.";
        return new Report(s, EscapeSpeed.unitSpeed(s, L), residual, normX, normG, net.normSquared(), c, c * c,
                layers, p34, note);
    }

    private static double[] top(double[] s, int k) {
        return Arrays.copyOf(s, Math.min(k, s.length));
    }
}
