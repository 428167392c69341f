package org.saddlescope.escape;

import java.util.ArrayList;
import java.util.List;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;

/**
 * Section 4 / appendix D.1 end to end, as numbers (the command writes them): the rank-one speed curve against
 * equation 6, the rank-two construction of equation 2, the width sweep of Figures 2 and 8 (the paper's fixed-step
 * projected gradient descent, then our dead-unit pruning and kink-aware polish), and a solver comparison.
 * All speeds on the √L sphere (‖θ‖² = 3).
 */
public final class Example1Experiment {
    private Example1Experiment() {}

    public record Settings(int[] widths, int runs, int steps, double lr, long seed, int threads, int curvePoints,
                           int compareWidth, int compareRuns, int compareIterations) {}

    public record CurvePoint(double phi, double networkSpeed, double equation6) {}

    /** speeds = after pruning and polish; solverSpeeds = the paper's PGD alone. */
    public record WidthResult(int width, List<SphereSearch.Result> results, double[] speeds, double[] solverSpeeds,
                              int successes, int successesSolver, int atHalf, int aboveHalf, double best,
                              double closestGap, double seconds) {}

    public record RankTwo(double speed, double residual, double kinkResidual, int kinks, double normSquared) {}

    public record SolverTrace(String solver, int restart, SphereSearch.Trace trace, double finalSpeed) {}

    public record Outcome(List<CurvePoint> curve, double curveMax, RankTwo rankTwo, List<WidthResult> sweep,
                          List<SolverTrace> traces) {}

    /** A run "reaches 1/2" when |s − 1/2| ≤ this: far above rounding of s (~1e-16), far below the PGD stall (~1e-3). */
    public static final double HALF_TOLERANCE = 1e-9;
    /** A run beats rank one (Figure 2's success) when s > √2 − 1 + this: beyond rounding, far below the gaps between optima. */
    public static final double SUCCESS_MARGIN = 1e-9;
    /** A run "exceeds 1/2" only beyond rounding: s > 1/2 + this. */
    public static final double ABOVE_TOLERANCE = 1e-12;

    public static List<CurvePoint> curve(int points) {
        List<CurvePoint> c = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            double phi = 2 * Math.PI * i / points;
            c.add(new CurvePoint(phi, Example1.rankOneSpeed(phi), Example1.equation6(phi)));
        }
        return c;
    }

    /** The rank-two direction of equation 2 (width 4): speed and both residuals (it sits on ReLU kinks). */
    public static RankTwo rankTwo() {
        Network net = Example1.rankTwoNetwork(4);
        SmallNetKernel k = Example1.kernel(4);
        double[] theta = k.flatten(net);
        SmallNetKernel.Workspace ws = k.workspace();
        double[] grad = new double[theta.length];
        double l0 = k.valueAndGradient(theta, grad, ws);
        double res = SphereSearch.residual(theta, grad, l0);
        byte[][] mask = KinkPolish.detect(k, ws, theta, 1e-12);
        double kres = KinkPolish.manifoldResidual(k, ws, theta, mask);
        return new RankTwo(-l0, res, kres, KinkPolish.count(mask), net.normSquared());
    }

    public static WidthResult sweepWidth(int width, Settings s, ProgressListener progress) {
        SmallNetKernel k = Example1.kernel(width);
        SphereSearch.Options o = SphereSearch.Options.defaults().withSolver(SphereSearch.Solver.PGD)
                .withIterations(s.steps()).withLr(s.lr()).withTolerance(0); // the paper's fixed number of steps
        long t0 = System.nanoTime();
        List<SphereSearch.Result> rs = SphereSearch.restarts(k, s.runs(), RandomStreams.of(s.seed()).split("width", width), o, s.threads(), progress);
        double sec = (System.nanoTime() - t0) / 1e9;
        double[] sp = new double[rs.size()], so = new double[rs.size()];
        int succ = 0, succSolver = 0, half = 0, above = 0;
        double best = 0, gap = Double.POSITIVE_INFINITY;
        for (int i = 0; i < rs.size(); i++) {
            SphereSearch.Result r = rs.get(i);
            sp[i] = r.speed();
            so[i] = r.speedSolver();
            if (r.speed() > Example1.RANK_ONE_SPEED + SUCCESS_MARGIN) succ++;
            if (r.speedSolver() > Example1.RANK_ONE_SPEED + SUCCESS_MARGIN) succSolver++;
            if (Math.abs(r.speed() - 0.5) <= HALF_TOLERANCE) half++;
            if (r.speed() > 0.5 + ABOVE_TOLERANCE) above++;
            best = Math.max(best, r.speed());
            gap = Math.min(gap, Math.abs(0.5 - r.speed()));
        }
        return new WidthResult(width, rs, sp, so, succ, succSolver, half, above, best, gap, sec);
    }

    /** Convergence of the three solvers (no pruning or polish) from the same starts, with traces. */
    public static List<SolverTrace> compareSolvers(Settings s) {
        SmallNetKernel k = Example1.kernel(s.compareWidth());
        SmallNetKernel.Workspace ws = k.workspace();
        List<SolverTrace> out = new ArrayList<>();
        int every = Math.max(1, s.compareIterations() / 200);
        RandomStreams starts = RandomStreams.of(s.seed()).split("compare", 0);
        for (SphereSearch.Solver sv : SphereSearch.Solver.values()) {
            for (int r = 0; r < s.compareRuns(); r++) {
                SphereSearch.Options o = SphereSearch.Options.defaults().withSolver(sv).withIterations(s.compareIterations())
                        .withLr(0.05).withTolerance(1e-12).withPrune(false).withPolish(false).withTrace(every);
                SphereSearch.Result res = SphereSearch.solve(k, ws, SphereSearch.randomStart(k, starts, r), o, r);
                out.add(new SolverTrace(sv.name().toLowerCase(), r, res.trace(), res.speed()));
            }
        }
        return out;
    }

    public static Outcome run(Settings s, ProgressListener progress) {
        List<CurvePoint> c = curve(s.curvePoints());
        double mx = 0;
        for (CurvePoint p : c) mx = Math.max(mx, p.networkSpeed());
        List<WidthResult> sweep = new ArrayList<>();
        for (int w : s.widths()) sweep.add(sweepWidth(w, s, progress));
        return new Outcome(c, mx, rankTwo(), sweep, s.compareRuns() > 0 ? compareSolvers(s) : List.of());
    }
}
