package org.saddlescope.experiments;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.escape.Example1;
import org.saddlescope.escape.Example1Experiment;
import org.saddlescope.escape.SphereSearch;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.report.Figures;
import org.saddlescope.report.Panel;
import org.saddlescope.report.HtmlReport;
import org.saddlescope.config.Example1Config;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;

/**
 * {@code reproduce example1} in a run folder: section 4 / appendix D.1 as numbers ({@link Example1Experiment}) written
 * out — equation6.csv and its figure (Figure 7), rank_two.json, the width sweep's speeds.csv and success.csv with
 * Figures 2 and 8, the solver comparison, summary.json (with the footnote's conjecture as a finding), report.html;
 * and {@link #bench} beside the PyTorch script. Speeds on the √L sphere (‖θ‖² = 3).
 */
public final class Example1Run {
    private Example1Run() {}

    /** The run folder and the lines the command prints. */
    public record Outcome(Path folder, List<String> lines) {}

    static void check(Example1Config cfg) {
        for (int w : cfg.widths) if (w < 1) throw new BadInputException("widths must be positive, got " + w);
        if (cfg.runs < 1 || cfg.steps < 0 || cfg.curve_points < 2) throw new BadInputException("need runs >= 1, steps >= 0, curve_points >= 2");
    }

    /** 0.5 prints as 0.5: 12 significant digits, trailing zeros dropped. */
    public static String num(double v) {
        if (!Double.isFinite(v)) return Double.toString(v);
        return new BigDecimal(v).round(new MathContext(12)).stripTrailingZeros().toPlainString();
    }

    /** The whole experiment into a run folder; returns the lines to print. */
    public static Outcome start(Example1Config cfg, Path out, int threads, ProgressListener progress) {
        check(cfg);
        Instant start = Instant.now();
        try (RunFolder folder = RunFolder.create(out, "reproduce example1")) {
            return run(cfg, folder, start, threads, progress);
        }
    }

    /** Into a staging folder, published when the last file is written: a killed run leaves no folder. */
    private static Outcome run(Example1Config cfg, RunFolder folder, Instant start, int threads, ProgressListener progress) {
        int runs = cfg.runs, steps = cfg.steps, curvePoints = cfg.curve_points, compareRuns = cfg.compare_runs;
        long seed = cfg.seed;
        folder.writeYaml(RunFiles.CONFIG, cfg);
        int[] ws = cfg.widths.stream().mapToInt(Integer::intValue).toArray();
        Example1Experiment.Settings s = new Example1Experiment.Settings(ws, runs, steps, cfg.lr, seed, threads, curvePoints,
                cfg.compare_width, compareRuns, cfg.compare_iterations);

        Curve curve = equation6(folder, curvePoints);
        double maxDiff = curve.maxDiff(), maxSpeed = curve.maxSpeed();
        Example1Experiment.RankTwo rt = Example1Experiment.rankTwo();
        folder.writeJson("rank_two.json", rt);
        Map<String, Object> provenance = Weights.provenance("reproduce example1", seed, cfg, Map.of("spec", "example1"));
        Weights.save(Example1.rankTwoNetwork(4), folder.weights().resolve("rank_two_equation2.npz"), provenance);

        Sweep sw = widthSweep(folder, ws, s, runs, steps, progress);
        List<Example1Experiment.WidthResult> sweep = sw.results();
        List<Map<String, Object>> table = sw.table();
        SphereSearch.Result overallBest = sw.best();
        int overallWidth = sw.bestWidth();
        if (overallBest != null) {
            Weights.save(Example1.kernel(overallWidth).toNetwork(overallBest.theta(), org.saddlescope.net.Activation.RELU,
                    org.saddlescope.linalg.DType.F64), folder.weights().resolve(RunFiles.BEST_WEIGHTS), provenance);
        }
        sweepFigures(folder, sweep, runs, steps);

        List<Example1Experiment.SolverTrace> traces = compareRuns > 0 ? Example1Experiment.compareSolvers(s) : List.of();
        if (!traces.isEmpty()) solverFigures(folder, traces, cfg.compare_width);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("rank_one_max_network", maxSpeed);
        summary.put("rank_one_max_theory", Example1.RANK_ONE_SPEED);
        summary.put("equation6_max_abs_difference", maxDiff);
        summary.put("rank_two", rt);
        summary.put("sweep", table);
        summary.put("half_tolerance", Example1Experiment.HALF_TOLERANCE);
        summary.put("conjecture", conjecture(overallBest == null ? Double.NaN : overallBest.speed(), sweep));
        summary.put("speed_normalisation", "sqrt(L)-sphere (||theta||^2 = 3); unit-sphere speed = s * 3^(-3/2)");
        folder.writeJson(RunFiles.SUMMARY, summary);
        folder.writeManifest("reproduce example1", seed, start, Instant.now(), null);

        List<String> lines = lines(curve, rt, sweep, curvePoints, runs, overallBest);
        lines.add("run folder: " + folder.target());
        HtmlReport html = new HtmlReport(folder.root()).title("saddlescope reproduce example1");
        for (String l : lines) html.note(l);
        html.write();
        folder.publish();
        return new Outcome(folder.root(), lines);
    }

    /** The largest network speed on the curve, and its largest distance to equation 6. */
    private record Curve(double maxSpeed, double maxDiff) { }

    /** Equation 6 / Figure 7: equation6.csv and its figure. */
    private static Curve equation6(RunFolder folder, int curvePoints) {
        List<Example1Experiment.CurvePoint> curve = Example1Experiment.curve(curvePoints);
        double maxDiff = 0, maxSpeed = 0;
        double[] phi = new double[curve.size()], net = new double[curve.size()], eq6 = new double[curve.size()], r1 = new double[curve.size()];
        try (CsvWriter csv = new CsvWriter(folder.path("equation6.csv"), new String[] {"phi", "network_speed", "equation6"}, false)) {
            for (int i = 0; i < curve.size(); i++) {
                Example1Experiment.CurvePoint p = curve.get(i);
                csv.row(p.phi(), p.networkSpeed(), p.equation6());
                phi[i] = p.phi();
                net[i] = p.networkSpeed();
                eq6[i] = p.equation6();
                r1[i] = Example1.RANK_ONE_SPEED;
                maxDiff = Math.max(maxDiff, Math.abs(p.networkSpeed() - p.equation6()));
                maxSpeed = Math.max(maxSpeed, p.networkSpeed());
            }
        }
        Figures.save(Figures.panel("Rank-one speed against the angle φ (equation 6, Figure 7)", "φ", "speed s (√L sphere)")
                .line("network W1=[cos φ, sin φ], W2=[1], W3=[±1]", phi, net).dashed("equation 6", phi, eq6)
                .dashed("√2 − 1", phi, r1), folder.figures(), "equation6");

        return new Curve(maxSpeed, maxDiff);
    }

    /** The width sweep's results, its rows for summary.json, and the fastest direction found with its width. */
    private record Sweep(List<Example1Experiment.WidthResult> results, List<Map<String, Object>> table, SphereSearch.Result best,
                         int bestWidth) { }

    /** The width sweep (Figures 2 and 8): speeds.csv and success.csv. */
    private static Sweep widthSweep(RunFolder folder, int[] ws, Example1Experiment.Settings s, int runs, int steps,
                                    ProgressListener progress) {
        List<Example1Experiment.WidthResult> sweep = new ArrayList<>();
        List<Map<String, Object>> table = new ArrayList<>();
        SphereSearch.Result overallBest = null;
        int overallWidth = 0;
        try (CsvWriter speeds = new CsvWriter(folder.path("speeds.csv"), new String[] {"width", "run", "speed_pgd", "speed_final",
                "residual", "kink_residual", "kinks", "pruned_units", "iterations", "seconds"}, false);
             CsvWriter tab = new CsvWriter(folder.path("success.csv"), new String[] {"width", "runs", "success_pgd", "success_final",
                     "fraction_pgd", "fraction_final", "at_half", "above_half", "best", "closest_gap_to_half", "seconds"}, false)) {
            for (int w : ws) {
                progress.info("width " + w + ": " + runs + " runs x " + steps + " projected steps, then pruning and polish");
                Example1Experiment.WidthResult r = Example1Experiment.sweepWidth(w, s, progress);
                sweep.add(r);
                for (SphereSearch.Result x : r.results()) {
                    speeds.row(w, x.index(), x.speedSolver(), x.speed(), x.residual(), x.kinkResidual(), x.kinks(),
                            x.prunedUnits(), x.iterations(), x.nanos() / 1e9);
                    if (overallBest == null || x.speed() > overallBest.speed()) { overallBest = x; overallWidth = w; }
                }
                tab.row(w, runs, r.successesSolver(), r.successes(), (double) r.successesSolver() / runs, (double) r.successes() / runs,
                        r.atHalf(), r.aboveHalf(), r.best(), r.closestGap(), r.seconds());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("width", w);
                row.put("runs", runs);
                row.put("fraction_pgd_above_rank_one", (double) r.successesSolver() / runs);
                row.put("fraction_final_above_rank_one", (double) r.successes() / runs);
                row.put("runs_at_half", r.atHalf());
                row.put("runs_above_half", r.aboveHalf());
                row.put("best", r.best());
                row.put("closest_gap_to_half", r.closestGap());
                table.add(row);
            }
        }
        return new Sweep(sweep, table, overallBest, overallWidth);
    }

    /** What the command prints and the report notes. */
    private static List<String> lines(Curve curve, Example1Experiment.RankTwo rt, List<Example1Experiment.WidthResult> sweep,
                                      int curvePoints, int runs, SphereSearch.Result overallBest) {
        double maxDiff = curve.maxDiff(), maxSpeed = curve.maxSpeed();
        List<String> lines = new ArrayList<>();
        lines.add("rank-one speed (network, max over " + curvePoints + " angles): " + num(maxSpeed) + "  (√2 − 1 = "
                + num(Example1.RANK_ONE_SPEED) + "; max |network − equation 6| = " + String.format(Locale.ROOT, "%.1e", maxDiff) + ")");
        lines.add("rank-two construction (equation 2) speed: " + num(rt.speed()) + "  (‖θ‖² = " + num(rt.normSquared())
                + "; residual with σ'(0)=0: " + String.format(Locale.ROOT, "%.3g", rt.residual())
                + ", on the kink manifold: " + String.format(Locale.ROOT, "%.2g", rt.kinkResidual()) + ", " + rt.kinks() + " kinks)");
        for (Example1Experiment.WidthResult r : sweep) {
            lines.add(String.format(Locale.ROOT, "width %3d: %3d/%d runs above √2−1 after polish (PGD alone %d), %d reach 1/2 within %.0e, %d above 1/2, best %s, closest |s − 1/2| = %.1e  [%.1f s]",
                    r.width(), r.successes(), runs, r.successesSolver(), r.atHalf(), Example1Experiment.HALF_TOLERANCE, r.aboveHalf(),
                    num(r.best()), r.closestGap(), r.seconds()));
        }
        lines.add(conjecture(overallBest == null ? Double.NaN : overallBest.speed(), sweep));
        return lines;
    }

    /**
     * The paper's footnote conjectures that 1/2 is the optimal speed of Example 1: a finding to report, measured on
     * every run of the sweep, never an assertion.
     */
    public static String conjecture(double largest, List<Example1Experiment.WidthResult> sweep) {
        int runs = 0, above = 0;
        for (Example1Experiment.WidthResult r : sweep) { runs += r.results().size(); above += r.aboveHalf(); }
        String head = "conjecture (footnote 2: 1/2 is optimal): largest speed found over " + runs + " runs = " + num(largest);
        return above == 0
                ? head + "; none above 1/2 + " + Example1Experiment.ABOVE_TOLERANCE + " (no counterexample found)"
                : head + "; " + above + " run(s) above 1/2 + " + Example1Experiment.ABOVE_TOLERANCE
                        + ": a candidate counterexample, weights/best.npz (check it)";
    }

    private static void sweepFigures(RunFolder folder, List<Example1Experiment.WidthResult> sweep, int runs, int steps) {
        int n = sweep.size();
        double[] w = new double[n], fp = new double[n], ff = new double[n], fh = new double[n];
        List<Panel> hist = new ArrayList<>();
        List<Double> sx = new ArrayList<>(), sy = new ArrayList<>(), px = new ArrayList<>(), py = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Example1Experiment.WidthResult r = sweep.get(i);
            w[i] = r.width();
            fp[i] = (double) r.successesSolver() / runs;
            ff[i] = (double) r.successes() / runs;
            fh[i] = (double) r.atHalf() / runs;
            hist.add(Figures.panel("width " + r.width(), "final speed s", "runs")
                    .histogram("PGD " + steps + " steps", r.solverSpeeds(), 40)
                    .histogram("after pruning + polish", r.speeds(), 40));
            for (int j = 0; j < r.speeds().length; j++) {
                double jitter = 1 + 0.25 * ((j + 0.5) / r.speeds().length - 0.5); // spread runs around the width
                px.add(r.width() * jitter);
                py.add(r.solverSpeeds()[j]);
                sx.add(r.width() * jitter);
                sy.add(r.speeds()[j]);
            }
        }
        Figures.save(Figures.panel("Fraction of runs faster than rank one (Figure 2, right)", "hidden width", "fraction of runs").logX()
                .series("PGD: s > √2 − 1", w, fp, Panel.Style.LINE_MARKERS, null)
                .series("after pruning + polish: s > √2 − 1", w, ff, Panel.Style.LINE_MARKERS, null)
                .series("after pruning + polish: s = 1/2 (±1e-9)", w, fh, Panel.Style.LINE_MARKERS, null)
                .yRange(0, 1.05).xTicks(w), folder.figures(), "success_fraction");
        double[] wl = {w[0] * 0.8, w[n - 1] * 1.25};
        Figures.save(Figures.panel("Final speeds of all runs (Figure 8)", "hidden width (runs spread around it)", "speed s").logX()
                .scatter("PGD", toArray(px), toArray(py)).scatter("after pruning + polish", toArray(sx), toArray(sy))
                .dashed("√2 − 1", wl, new double[] {Example1.RANK_ONE_SPEED, Example1.RANK_ONE_SPEED})
                .dashed("1/2", wl, new double[] {0.5, 0.5}).xTicks(w), folder.figures(), "final_speeds");
        Figures.grid("Distribution of final speeds per width", hist, Math.min(3, n), folder.figures(), "speed_histograms");
    }

    private static void solverFigures(RunFolder folder, List<Example1Experiment.SolverTrace> traces, int compareWidth) {
        Panel sp = Figures.panel("Speed against iteration (width " + compareWidth + ")", "iteration", "speed s");
        Panel rp = Figures.panel("Stationarity residual ‖∇L0 + sρ‖/s", "iteration", "residual").logY();
        try (CsvWriter csv = new CsvWriter(folder.path("solvers.csv"), new String[] {"solver", "start", "iteration", "speed", "residual"}, false)) {
            for (Example1Experiment.SolverTrace t : traces) {
                SphereSearch.Trace tr = t.trace();
                double[] it = new double[tr.iteration().length];
                for (int i = 0; i < it.length; i++) {
                    it[i] = tr.iteration()[i];
                    csv.row(t.solver(), t.restart(), tr.iteration()[i], tr.speed()[i], tr.residual()[i]);
                }
                String name = t.solver() + " #" + t.restart();
                sp.line(name, it, tr.speed());
                rp.line(name, it, tr.residual());
            }
        }
        Figures.grid("Solvers on Example 1, no pruning or polish (pgd: lr 0.05; rgd: Armijo steps, fixed steps across kinks; power: layer-wise)", List.of(sp, rp), 2,
                folder.figures(), "solvers");
    }

    private static double[] toArray(List<Double> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }

    /**
     * Projected steps/s at each width beside the PyTorch script (when given): the lines to print; bench.json and a
     * manifest in {@code outOrNull} when given.
     */
    public static List<String> bench(Example1Config cfg, int benchRuns, Path torchScript, String python, int threads, Path outOrNull) {
        check(cfg);
        if (outOrNull != null) RunFolder.checkNew(outOrNull); // before the minutes of measuring
        long seed = cfg.seed;
        int steps = cfg.steps;
        double lr = cfg.lr;
        List<String> out = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> log = new ArrayList<>();
        for (int w : cfg.widths) {
            double ours = Benchmark.escapeStepsPerSecond(w, benchRuns, steps, lr, seed, threads);
            double ours1 = Benchmark.escapeStepsPerSecond(w, benchRuns, steps, lr, seed, 1);
            Double torch = torchScript == null ? null : Benchmark.peer(List.of(python, torchScript.toString(),
                    Integer.toString(w), Integer.toString(benchRuns), Integer.toString(steps)), log);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("width", w);
            row.put("runs", benchRuns);
            row.put("steps", steps);
            row.put("steps_per_second", ours);
            row.put("steps_per_second_1_thread", ours1);
            row.put("torch_steps_per_second", torch);
            row.put("ratio", torch == null ? null : ours / torch);
            rows.add(row);
            out.add(String.format(Locale.ROOT, "width %3d: %,.0f projected steps/s (%d threads), %,.0f (1 thread)%s", w, ours,
                    threads, ours1, torch == null ? "" : String.format(Locale.ROOT, "; torch %,.0f -> ratio %.0fx", torch, ours / torch)));
        }
        for (String l : log) out.add("  peer: " + l);
        if (outOrNull != null) {
            try (RunFolder f = RunFolder.create(outOrNull, "reproduce example1")) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("rows", rows);
                m.put("peer_runs", log);
                m.put("threads", threads);
                f.writeJson("bench.json", m);
                f.writeManifest("reproduce example1 --bench", seed, Instant.now(), Instant.now(), null);
                f.publish();
            }
        }
        return out;
    }
}
