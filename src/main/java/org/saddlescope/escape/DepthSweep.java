package org.saddlescope.escape;

import java.util.ArrayList;
import java.util.List;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.theory.EscapeSpeed;

/**
 * Best speed found against depth L, with and without the depth extension of appendix A.4 as a warm start
 * (Proposition 3.2: s*(L) does not decrease). For each L: random restarts alone ("random"); the best direction
 * of depth L−1 extended by one layer ("extended", before any optimisation: ≥ the previous best by construction);
 * the search started from it ("warm"). best = max of the three, so it cannot decrease with L. √L-sphere speeds.
 */
public final class DepthSweep {
    private DepthSweep() {}

    public record Row(int depth, double random, double extended, double warm, double best, double bestUnit,
                      double residual) {}

    public static List<Row> run(double[] x, double[] g, int dIn, int nOut, int samples, int hidden, Activation act,
                                int minDepth, int maxDepth, int restarts, SphereSearch.Options o, RandomStreams streams, int threads,
                                ProgressListener progress) {
        if (minDepth < 2) throw new IllegalArgumentException("the depth sweep starts at depth >= 2 (the extension needs it)");
        Matrix xm = Matrix.fromColumnMajor(DType.F64, dIn, samples, x);
        Matrix gm = Matrix.fromColumnMajor(DType.F64, nOut, samples, g);
        List<Row> rows = new ArrayList<>();
        double[] prevBest = null;
        SmallNetKernel prevK = null;
        for (int L = minDepth; L <= maxDepth; L++) {
            int[] w = new int[L + 1];
            w[0] = dIn;
            for (int l = 1; l < L; l++) w[l] = hidden;
            w[L] = nOut;
            SmallNetKernel k = new SmallNetKernel(w, act, x, g, samples);
            List<SphereSearch.Result> rs = SphereSearch.restarts(k, restarts, streams.split("depth", L), o, threads, null);
            SphereSearch.Result rnd = SphereSearch.best(rs);
            double ext = Double.NaN, warm = Double.NaN;
            double[] best = rnd.theta();
            double bestS = rnd.speed(), bestRes = rnd.residual();
            if (prevBest != null) {
                Network prev = prevK.toNetwork(prevBest, act, DType.F64);
                Network e = DepthExtension.extend(prev, 1, xm, gm).network();
                double[] th = k.flatten(e);
                SmallNetKernel.Workspace ws = k.workspace();
                ext = -k.value(th, ws);
                SphereSearch.Result wr = SphereSearch.solve(k, ws, th.clone(), o.withSolver(SphereSearch.Solver.RGD), -1);
                warm = wr.speed();
                if (ext > bestS) { bestS = ext; best = th; bestRes = Double.NaN; }
                if (warm >= bestS) { bestS = warm; best = wr.theta(); bestRes = wr.residual(); }
            }
            rows.add(new Row(L, rnd.speed(), ext, warm, bestS, EscapeSpeed.unitSpeed(bestS, L), bestRes));
            prevBest = best;
            prevK = k;
            if (progress != null) progress.progress(L - minDepth + 1, maxDepth - minDepth + 1, "depth " + L + ": s = " + bestS);
        }
        return rows;
    }
}
