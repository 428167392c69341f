package org.saddlescope.escape;

import java.util.ArrayList;
import java.util.List;
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Subsets;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.theory.EscapeSpeed;

/**
 * The best escape direction found for the localized loss L0(θ) = Tr[GᵀY_θ(X)] of a bias-free ReLU network on the
 * √L sphere (Definition 2.1), for any G (the origin's G = ∇C(0), or a later saddle's G_k = ∇C(Y_k) in the
 * {@link Staircase}): the best rank-one direction from the single-unit problem ({@link UnitSearch},
 * {@link RankOneDirection}), and random restarts at a moderate hidden width — on the small-net kernel with the kink
 * polish for small problems ({@link SphereSearch}), on BLAS passes otherwise ({@link NetworkSearch}) — the best of
 * which is refined on all samples. The restarts may see a stratified subset of the samples; every candidate's speed is
 * then taken on all of them. Not a certificate of the optimum.
 */
public final class EscapeSearch {
    private EscapeSearch() {}

    /** Parameters × samples below which the restarts run on the small-net kernel. */
    public static final long SMALL = 5_000_000L;

    /**
     * @param width            hidden width of the restarts (capped by the given widths)
     * @param restarts         random restarts (at least 16 on the kernel path)
     * @param subset           samples the restarts and the single-unit starts see (0 = all)
     * @param iterations       iterations per restart
     * @param refineIterations iterations of the best candidate on all samples (BLAS path)
     * @param unitStarts       random starts of the single-unit search
     */
    public record Options(int width, int restarts, int subset, int iterations, int refineIterations, int unitStarts) {}

    /** A candidate: its name, the hidden widths it ran at, its speed on the subset and on all samples (√L sphere). */
    public record Candidate(String name, int[] widths, double speedSubset, double speed, double speedUnit) {}

    /** The best direction (float64, ‖θ‖² = L, at the search widths), its √L-sphere speed, and all candidates. */
    public record Found(Network direction, double speed, int best, List<Candidate> candidates, boolean kernelPath) {}

    /**
     * Search for the data (its inputs, and its labels for a stratified subset), G (n_L × N, the gradient of a cost that
     * is a mean over samples) and the cap widths. On a subset of n samples G's columns are scaled by N/n (the same cost
     * taken over the subset). Random draws from the streams "search-subset", "unit-search" and "restart".
     */
    public static Found run(Dataset data, Matrix g, int[] widths, Options o, RandomStreams streams, ProgressListener progress) {
        Matrix x = data.x();
        int L = widths.length - 1;
        int[] sw = widths.clone();
        for (int l = 1; l < L; l++) sw[l] = Math.min(widths[l], o.width());
        int[] pick = null;
        if (o.subset() > 0 && o.subset() < x.cols()) {
            pick = data.hasLabels() ? Subsets.stratifiedIndices(data.labels(), data.numClasses(), o.subset(), streams.stream("search-subset"))
                    : Subsets.randomIndices(x.cols(), o.subset(), streams.stream("search-subset"));
        }
        try (Matrix xs = pick == null ? x.copy() : gather(x, pick); Matrix gs = pick == null ? g.to(x.dtype()) : gather(g.to(x.dtype()), pick)) {
            if (pick != null) gs.scale((double) x.cols() / pick.length);
            List<Candidate> cands = new ArrayList<>();
            List<Network> nets = new ArrayList<>();
            progress.progress(0, 3, "best single unit (rank-one directions)");
            UnitSearch.Unit u = UnitSearch.best(xs, gs, List.of(), o.unitStarts(), streams.stream("unit-search"), 200, 1e-8);
            if (pick != null) u = UnitSearch.best(x, g.to(x.dtype()), List.of(u.a()), 0, streams.stream("unit-search", 1), 100, 1e-8);
            nets.add(RankOneDirection.of(u.a(), sw, x, g));
            cands.add(new Candidate("rank-one (single-unit power method)", rankOneWidths(sw), Double.NaN, Double.NaN, Double.NaN));
            long params = parameters(sw);
            boolean small = params * xs.cols() <= SMALL;
            restarts(xs, gs, sw, o, small, streams, progress, nets, cands);
            int best = 0;
            double bestSpeed = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < nets.size(); i++) {
                double sp = speed(nets.get(i), x, g);
                Candidate c = cands.get(i);
                cands.set(i, new Candidate(c.name(), c.widths(), c.speedSubset(), sp, EscapeSpeed.unitSpeed(sp, L)));
                if (sp > bestSpeed) { bestSpeed = sp; best = i; }
            }
            progress.progress(2, 3, "refining " + cands.get(best).name() + " on all " + x.cols() + " samples");
            Network direction = nets.get(best).to(x.dtype());
            if (o.refineIterations() > 0 && !small) { // the kernel path is already solved in float64 with the kink polish
                NetworkSearch.Result r = NetworkSearch.solve(direction.copy(), x, g.to(x.dtype()),
                        new NetworkSearch.Options(o.refineIterations(), 0.05, 1e-8, true), -1, null);
                if (r.speed() >= bestSpeed) direction = r.direction();
            }
            Network d64 = direction.to(DType.F64);
            d64.scale(Math.sqrt(L / d64.normSquared()));
            return new Found(d64, speed(d64, x, g), best, cands, small);
        }
    }

    private static void restarts(Matrix xs, Matrix gs, int[] sw, Options o, boolean small, RandomStreams streams, ProgressListener progress,
                                 List<Network> nets, List<Candidate> cands) {
        Activation act = Activation.RELU;
        if (small) {
            int n = Math.max(o.restarts(), 16);
            progress.progress(1, 3, n + " restarts at widths " + java.util.Arrays.toString(sw) + " (small-net kernel, kink polish)");
            SmallNetKernel k = new SmallNetKernel(sw, act, xs.toDoubleArray(), gs.toDoubleArray(), xs.cols());
            List<SphereSearch.Result> rs = SphereSearch.restarts(k, n, streams, SphereSearch.Options.defaults().withIterations(o.iterations()),
                    Runtime.getRuntime().availableProcessors(), progress);
            for (SphereSearch.Result r : rs) {
                nets.add(k.toNetwork(r.theta(), act, DType.F64));
                cands.add(new Candidate("restart " + r.index() + " (kernel)", sw.clone(), r.speed(), Double.NaN, Double.NaN));
            }
        } else {
            progress.progress(1, 3, o.restarts() + " restarts at widths " + java.util.Arrays.toString(sw));
            List<NetworkSearch.Result> rs = NetworkSearch.restarts(sw, act, xs, gs, o.restarts(), streams,
                    new NetworkSearch.Options(o.iterations(), 0.05, 1e-8, true), progress);
            for (NetworkSearch.Result r : rs) {
                nets.add(r.direction());
                cands.add(new Candidate("restart " + r.index(), sw.clone(), r.speed(), Double.NaN, Double.NaN));
            }
        }
    }

    /** The rank-one direction uses one unit per hidden layer. */
    private static int[] rankOneWidths(int[] sw) {
        int[] w = sw.clone();
        for (int l = 1; l < w.length - 1; l++) w[l] = 1;
        return w;
    }

    static long parameters(int[] w) {
        long p = 0;
        for (int l = 1; l < w.length; l++) p += (long) w[l] * w[l - 1];
        return p;
    }

    /** √L-sphere speed −⟨G, Y_ρ⟩ of a direction rescaled to ‖ρ‖² = L, in the data's dtype. */
    public static double speed(Network direction, Matrix x, Matrix g) {
        Network net = direction.to(x.dtype());
        int L = net.depth();
        net.scale(Math.sqrt(L / net.normSquared()));
        try (Matrix y = net.outputs(x); Matrix gg = g.to(x.dtype())) {
            return -gg.dot(y);
        }
    }

    private static Matrix gather(Matrix m, int[] idx) {
        Matrix out = Matrix.zeros(m.dtype(), m.rows(), idx.length);
        out.gatherColumns(m, idx, 0);
        return out;
    }
}
