package org.saddlescope.escape;

import java.util.ArrayList;
import java.util.List;
import org.saddlescope.data.Dataset;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.Svd;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.theory.EscapeSpeed;

/**
 * The staircase of saddles: Alternating Gradient Flows (Kunin et al., "Alternating gradient flows: a theory of feature
 * learning in two-layer networks", 2025) generalised from two layers to deep bias-free ReLU networks. Saddle 0 is the
 * origin (Y = 0). From saddle k, with outputs Y_k and G_k = ∇C(Y_k):
 * <ol>
 * <li>escape: the optimal escape of the residual's localized loss, ρ_k = argmin on the √L sphere of Tr[G_kᵀ Y_ρ(X)],
 *     over a new path of units from the inputs to the outputs — a mode that starts from zero in every layer, whose
 *     outputs add to Y_k (the dormant units of the network, which the saddle's small weights leave in the localized
 *     regime); found by {@link EscapeSearch} and compacted to its active units;</li>
 * <li>fit: the cost minimised over every weight among the units that are now active (saddle k's and ρ_k's, the
 *     blocks between them included), from Y_k + c·Y_ρ with the best c ≥ 0 ({@link ActiveFit}): saddle k+1.</li>
 * </ol>
 * It stops after the requested saddles, or when no direction has positive speed (a minimum). Each saddle's weights are
 * all learned (they start from zero), so its layer ranks are the ranks the run's learned parts W_ℓ − W_ℓ(0) should
 * show on that plateau: numerical rank σ_i ≥ {@code rankThreshold}·σ_1. Assumptions: separate new paths (not
 * branches off active units), the fit reaching the active part's minimum (not the slower plateau a run may sit on),
 * gradient flow (not SGD noise). Float64.
 */
public final class Staircase {
    private Staircase() {}

    /** saddles: escapes to take; search: the direction search; fit iterations and tolerance; unit threshold of compaction. */
    public record Settings(int saddles, EscapeSearch.Options search, int fitIterations, double fitTolerance, double rankThreshold) {}

    /**
     * Saddle {@code index}: its loss, the network (active units only), its layer ranks, and the escape that led to it
     * (speed on the √L sphere and the unit sphere, the compacted direction; none for saddle 0).
     */
    public record Saddle(int index, double loss, Network network, int[] ranks, double escapeSpeed, double escapeSpeedUnit,
                         Network escape, double gradientNorm, int fitIterations) {}

    public static List<Saddle> run(Dataset data, Cost cost, int[] widths, Settings s, RandomStreams streams, ProgressListener progress) {
        Matrix x = data.x().to(DType.F64), t = data.targets().to(DType.F64);
        Dataset d64 = new Dataset(data.name(), x, t, data.labels(), data.numClasses());
        int L = widths.length - 1;
        List<Saddle> out = new ArrayList<>();
        double c0;
        try (Matrix zero = Matrix.zeros(DType.F64, t.rows(), t.cols())) {
            c0 = cost.value(zero, t);
        }
        out.add(new Saddle(0, c0, null, new int[L], Double.NaN, Double.NaN, null, Double.NaN, 0));
        Network current = null;
        for (int k = 0; k < s.saddles(); k++) {
            progress.progress(k, s.saddles(), "saddle " + k + ": escape direction of the residual");
            Matrix g = residualGradient(current, x, t, cost);
            EscapeSearch.Found f = EscapeSearch.run(d64, g, widths, s.search(), streams.split("staircase", k), ProgressListener.NONE);
            g.close();
            if (!(f.speed() > 1e-12)) break; // no descent direction: a minimum
            Network rho = compact(f.direction(), x);
            progress.progress(k, s.saddles(), "saddle " + k + ": fit of the active part (widths " + java.util.Arrays.toString(
                    join(current, rho).widths()) + ")");
            Network start = join(current, rho);
            scaleNewPath(start, current, rho, x, t, cost);
            ActiveFit.Result r = ActiveFit.descend(start, x, t, cost, s.fitIterations(), s.fitTolerance());
            current = r.network();
            balance(current);
            out.add(new Saddle(k + 1, r.loss(), current, ranks(current, s.rankThreshold()), f.speed(), EscapeSpeed.unitSpeed(f.speed(), L), rho,
                    r.gradientNorm(), r.iterations()));
        }
        progress.progress(s.saddles(), s.saddles(), "done");
        return out;
    }

    /** G_k = ∇C(Y_k) (G = ∇C(0) at the origin). */
    static Matrix residualGradient(Network current, Matrix x, Matrix t, Cost cost) {
        Matrix g = Matrix.zeros(DType.F64, t.rows(), t.cols());
        if (current == null) {
            try (Matrix zero = Matrix.zeros(DType.F64, t.rows(), t.cols())) {
                cost.gradient(zero, t, g);
            }
        } else {
            try (Matrix y = current.outputs(x)) {
                cost.gradient(y, t, g);
            }
        }
        return g;
    }

    /**
     * The direction with only its units that matter: a hidden unit is dropped when it is dead on every sample or its
     * ‖in‖·‖out‖ is below 1e-3 of the largest unit's (it adds at most that share of L0); then rescaled to ‖θ‖² = L.
     */
    static Network compact(Network dir, Matrix x) {
        Network net = dir.to(DType.F64);
        int L = net.depth();
        Network.Workspace ws = net.workspace(x.cols());
        net.forward(x, ws);
        List<int[]> keep = new ArrayList<>();
        keep.add(range(net.width(0)));
        for (int l = 1; l < L; l++) {
            Matrix in = net.weight(l), outW = net.weight(l + 1), z = ws.preactivation(l);
            int n = in.rows();
            double[] score = new double[n];
            double max = 0;
            for (int i = 0; i < n; i++) {
                double a = 0, b = 0;
                for (int c = 0; c < in.cols(); c++) a += in.get(i, c) * in.get(i, c);
                for (int r = 0; r < outW.rows(); r++) b += outW.get(r, i) * outW.get(r, i);
                boolean alive = false;
                for (int j = 0; j < z.cols() && !alive; j++) alive = z.get(i, j) > 0;
                score[i] = alive ? Math.sqrt(a * b) : 0;
                max = Math.max(max, score[i]);
            }
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < n; i++) if (score[i] > 1e-3 * max) kept.add(i);
            if (kept.isEmpty()) kept.add(0);
            keep.add(kept.stream().mapToInt(Integer::intValue).toArray());
        }
        keep.add(range(net.width(L)));
        Network c = select(net, keep);
        c.scale(Math.sqrt(L / c.normSquared()));
        return c;
    }

    private static Network select(Network net, List<int[]> keep) {
        int L = net.depth();
        int[] w = new int[L + 1];
        for (int l = 0; l <= L; l++) w[l] = keep.get(l).length;
        Network c = new Network(w, net.activation(), DType.F64);
        for (int l = 1; l <= L; l++) {
            int[] rows = keep.get(l), cols = keep.get(l - 1);
            for (int a = 0; a < rows.length; a++) for (int b = 0; b < cols.length; b++) c.weight(l).set(a, b, net.weight(l).get(rows[a], cols[b]));
        }
        return c;
    }

    /**
     * The union of two paths of units (block-diagonal hidden layers; the inputs shared, the outputs summed): its
     * outputs are Y_a + Y_b exactly. {@code a} null: b alone.
     */
    static Network join(Network a, Network b) {
        if (a == null) return b.copy();
        int L = a.depth();
        int[] wa = a.widths(), wb = b.widths(), w = new int[L + 1];
        for (int l = 0; l <= L; l++) w[l] = l == 0 || l == L ? wa[l] : wa[l] + wb[l];
        Network j = new Network(w, a.activation(), DType.F64);
        for (int l = 1; l <= L; l++) {
            int ro = l == L ? 0 : wa[l], co = l == 1 ? 0 : wa[l - 1];
            copyBlock(a.weight(l), j.weight(l), 0, 0);
            copyBlock(b.weight(l), j.weight(l), ro, co);
        }
        return j;
    }

    private static void copyBlock(Matrix src, Matrix dst, int r0, int c0) {
        for (int c = 0; c < src.cols(); c++) for (int r = 0; r < src.rows(); r++) dst.set(r0 + r, c0 + c, src.get(r, c));
    }

    /**
     * Scales the new path's units in {@code joined} by α (every layer, so α^L on its outputs) with c = α^L the minimiser of
     * C(Y_k + c·Y_ρ) over c ≥ 0: golden-section search on a bracket grown until the cost rises.
     */
    static void scaleNewPath(Network joined, Network current, Network rho, Matrix x, Matrix t, Cost cost) {
        int L = joined.depth();
        double c;
        try (Matrix yk = current == null ? Matrix.zeros(DType.F64, t.rows(), t.cols()) : current.outputs(x); Matrix yr = rho.outputs(x);
             Matrix y = Matrix.zeros(DType.F64, t.rows(), t.cols())) {
            java.util.function.DoubleUnaryOperator f = cc -> {
                y.copyFrom(yk);
                y.addScaled(cc, yr);
                return cost.value(y, t);
            };
            double hi = 1e-3;
            while (f.applyAsDouble(2 * hi) < f.applyAsDouble(hi) && hi < 1e12) hi *= 2;
            hi *= 2;
            double lo = 0, gr = (Math.sqrt(5) - 1) / 2;
            for (int i = 0; i < 100; i++) {
                double m1 = hi - gr * (hi - lo), m2 = lo + gr * (hi - lo);
                if (f.applyAsDouble(m1) <= f.applyAsDouble(m2)) hi = m2; else lo = m1;
            }
            c = 0.5 * (lo + hi);
        }
        double alpha = Math.pow(c, 1.0 / L);
        int[] wa = current == null ? null : current.widths();
        for (int l = 1; l <= L; l++) {
            Matrix w = joined.weight(l);
            int r0 = current == null || l == L ? 0 : wa[l], c0 = current == null || l == 1 ? 0 : wa[l - 1];
            for (int col = c0; col < w.cols(); col++) for (int r = r0; r < w.rows(); r++) {
                if (current != null && l == L && col < wa[L - 1]) continue;
                if (current != null && l == 1 && r < wa[1]) continue;
                w.set(r, col, alpha * w.get(r, col));
            }
        }
    }

    /**
     * Every hidden unit rescaled so that its incoming and outgoing weights have equal norms (in by c, out by 1/c: the
     * function is unchanged for a positively homogeneous σ), layer after layer until they agree to 1e-12. Gradient flow
     * conserves ‖in_i‖² − ‖out_i‖² for every unit (the imbalance identity, unit by unit), which is ≈ 0 from a small
     * initialisation: balanced units are the representative of the function that training reaches, and the one whose
     * layer ranks mean something (a quasi-Newton fit drifts along the rescalings, which change no loss).
     */
    static void balance(Network net) {
        int L = net.depth();
        for (int sweep = 0; sweep < 200; sweep++) {
            double worst = 0;
            for (int l = 1; l < L; l++) {
                Matrix in = net.weight(l), out = net.weight(l + 1);
                for (int i = 0; i < in.rows(); i++) {
                    double a = 0, b = 0;
                    for (int c = 0; c < in.cols(); c++) a += in.get(i, c) * in.get(i, c);
                    for (int r = 0; r < out.rows(); r++) b += out.get(r, i) * out.get(r, i);
                    if (!(a > 0) || !(b > 0)) continue;
                    double f = Math.pow(b / a, 0.25);
                    worst = Math.max(worst, Math.abs(Math.log(f)));
                    for (int c = 0; c < in.cols(); c++) in.set(i, c, in.get(i, c) * f);
                    for (int r = 0; r < out.rows(); r++) out.set(r, i, out.get(r, i) / f);
                }
            }
            if (worst < 1e-12) return;
        }
    }

    /** Numerical rank of every W_ℓ: singular values ≥ threshold·σ_1. */
    public static int[] ranks(Network net, double threshold) {
        int[] r = new int[net.depth()];
        for (int l = 1; l <= net.depth(); l++) {
            double[] s = Svd.singularValues(net.weight(l));
            int k = 0;
            for (double v : s) if (s.length > 0 && v >= threshold * s[0] && v > 0) k++;
            r[l - 1] = k;
        }
        return r;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

}
