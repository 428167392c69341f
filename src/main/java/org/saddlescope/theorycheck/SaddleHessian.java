package org.saddlescope.theorycheck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.curvature.Curvature;
import org.saddlescope.curvature.HessianOperator;
import org.saddlescope.curvature.Lanczos;
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Subsets;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.report.Table;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;

/**
 * The Hessian of a run's training cost at each of its saddles ({@code saddlescope hessian RUN}): at the weights saved
 * nearest the middle of every plateau the detector found (weights/steps/, {@link WeightSnapshots}), the extreme
 * eigenvalues, top-k eigenpairs, the count below −tol, the trace and the spectral density ({@link Curvature}), and the
 * curvature along the escape that follows (an escape of escapes.csv leaves the plateau): the Rayleigh quotient of
 * d = θ(next plateau) − θ(this plateau), or θ(end) − θ(this plateau) when no plateau follows the escape. The theory's expectation, reported, not assumed:
 * at depth L ≥ 3 a mode that starts from zero in every layer leaves the saddle degenerate along it (the loss falls like
 * the L-th power of the distance), so the curvature along the escape is near zero, not negative.
 */
public final class SaddleHessian {
    private SaddleHessian() {}

    /** samples: training samples the cost is taken over (0 = all; else a stratified subset); dtype of the passes. */
    public record Settings(int samples, DType dtype, Curvature.Settings curvature) {
        public static Settings defaults() {
            return new Settings(4096, DType.F64, Curvature.Settings.defaults());
        }
    }

    /** A point at which the Hessian is taken: the plateau it represents (−1 for a lone weights file) and its step. */
    public record Point(String label, int plateau, long step, double plateauLoss, Path weights, Path next) {}

    /**
     * One point's measurement and what it says of the saddle. {@code scale}: the run's curvature scale Λ (the largest
     * |λ| over all points measured), {@code tol} = relative tolerance × Λ: the origin's Hessian is O(‖θ0‖^(L−2)), so a
     * tolerance relative to its own scale would call its rounding-level eigenvalues negative curvature.
     */
    public record Row(Point point, Curvature.Report report, double escapeDistance, double scale, double tol, String verdict) {
        public int belowTolerance() { return report.belowTolerance(tol); }
        public double densityBelow() { return report.densityBelow(tol); }
        public double escapeRelative() { return report.escapeCurvature() / scale; }
    }

    public record Outcome(List<Row> rows, Map<String, Object> summary, Path folder) {}

    /** On a train run folder: writes hessian.* and figures/hessian.* into it. */
    public static Outcome onRun(Path run, Settings s, ProgressListener progress) {
        if (!Files.isRegularFile(run.resolve("config.yaml")) || !Files.isRegularFile(run.resolve("checkpoints/steps.bin"))) {
            throw new BadInputException(run + " is not a finished train run folder (config.yaml, checkpoints/steps.bin)");
        }
        Path yaml = run.resolve("config.yaml");
        TrainConfig cfg = TrainConfig.merge(List.of(TrainConfig.readYaml(yaml)), yaml.toString());
        List<Point> points = plateauPoints(run);
        if (points.isEmpty()) throw new BadInputException(run + " has no weights saved inside any plateau (weights/steps/ is written by runs of this version)");
        try (RunFolder folder = RunFolder.openForWriting(run, "hessian")) {
            List<Row> rows = measure(cfg, points, s, progress);
            Map<String, Object> summary = summary(cfg, s, rows);
            HessianFiles.write(folder, rows, summary, s.curvature().topK());
            return new Outcome(rows, summary, folder.root());
        }
    }

    /** On one weights file, for the setup cfg (its data and cost): a new folder {@code out}. */
    public static Outcome onWeights(Path npz, TrainConfig cfg, Settings s, Path out, ProgressListener progress) {
        if (!Files.isRegularFile(npz)) throw new BadInputException(npz + ": no such weights file");
        RunFolder.checkNew(out);
        List<Point> points = List.of(new Point(npz.getFileName().toString(), -1, -1, Double.NaN, npz, null));
        List<Row> rows = measure(cfg, points, s, progress);
        Map<String, Object> summary = summary(cfg, s, rows);
        try (RunFolder folder = RunFolder.create(out, "hessian")) {
            folder.writeYaml("config.yaml", cfg.toMap());
            HessianFiles.write(folder, rows, summary, s.curvature().topK());
            folder.publish();
            return new Outcome(rows, summary, out);
        }
    }

    /**
     * The snapshot nearest each plateau's middle, and the next point of the run (next plateau's, or the end when an escape
     * leaves the last one). Plateaus and escapes by this version's detector, run again on the run's step log (its
     * plateaus.csv may come from an older detector).
     */
    static List<Point> plateauPoints(Path run) {
        org.saddlescope.spectra.PlateauDetector.Result det = org.saddlescope.trainrun.SpectraAddon.detect(run, 0,
                org.saddlescope.spectra.PlateauDetector.Settings.defaults());
        long last = lastStep(run);
        List<WeightSnapshots.Snapshot> snaps = WeightSnapshots.list(run, last);
        java.util.Set<Integer> escaped = new java.util.HashSet<>();
        for (org.saddlescope.spectra.PlateauDetector.Escape e : det.escapes()) if (e.fromPlateau() >= 0) escaped.add(e.fromPlateau());
        List<Point> out = new ArrayList<>();
        for (org.saddlescope.spectra.PlateauDetector.Plateau p : det.plateaus()) {
            WeightSnapshots.Snapshot s = WeightSnapshots.nearest(snaps, p.startStep(), p.endStep(), p.middleStep());
            if (s != null) out.add(new Point("plateau " + p.index(), p.index(), s.step(), p.loss(), s.file(), null));
        }
        List<Point> linked = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            Point p = out.get(i);
            Path next = null;
            if (escaped.contains(p.plateau())) {
                next = i + 1 < out.size() ? out.get(i + 1).weights()
                        : Files.exists(run.resolve("weights/final.npz")) ? run.resolve("weights/final.npz") : null;
            }
            linked.add(new Point(p.label(), p.plateau(), p.step(), p.plateauLoss(), p.weights(), next));
        }
        return linked;
    }

    private static long lastStep(Path run) {
        Table m = Table.read(run.resolve("metrics.csv"));
        double[] st = m.column("step");
        return st.length == 0 ? 0 : (long) st[st.length - 1];
    }

    static List<Row> measure(TrainConfig cfg, List<Point> points, Settings s, ProgressListener progress) {
        Dataset data = RunData.train(cfg, DType.F64);
        RandomStreams streams = RandomStreams.of(cfg.seed);
        if (s.samples() > 0 && s.samples() < data.size()) {
            data = Subsets.subset(data, s.samples(), Subsets.Kind.STRATIFIED, streams.stream("hessian-subset"));
        }
        Cost cost = org.saddlescope.datasets.CostFit.check(Cost.parse(cfg.cost), data, cfg.dataset);
        List<Curvature.Report> reports = new ArrayList<>();
        double[] distance = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            progress.progress(i, points.size(), "Hessian at " + p.label() + (p.step() >= 0 ? " (step " + p.step() + ")" : ""));
            double[] d = new double[1];
            reports.add(measureOne(cfg, p, data, cost, s, streams.split("hessian", i), d));
            distance[i] = d[0];
        }
        progress.progress(points.size(), points.size(), "done");
        double scale = Double.MIN_NORMAL;
        for (Curvature.Report r : reports) scale = Math.max(scale, r.scale());
        double tol = s.curvature().relativeTolerance() * scale;
        int depth = cfg.hidden.size() + 1;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            rows.add(new Row(points.get(i), reports.get(i), distance[i], scale, tol, verdict(reports.get(i), scale, tol, depth)));
        }
        return rows;
    }

    private static Curvature.Report measureOne(TrainConfig cfg, Point p, Dataset data, Cost cost, Settings s, RandomStreams streams,
                                               double[] distanceOut) {
        Network theta = Weights.loadNew(p.weights(), cfg.activation, DType.F64);
        Matrix escape = null;
        double distance = Double.NaN;
        if (p.next() != null) {
            try (Matrix a = HessianOperator.flatten(theta)) {
                escape = HessianOperator.flatten(Weights.loadNew(p.next(), cfg.activation, DType.F64));
                escape.addScaled(-1, a);
                distance = escape.frobeniusNorm();
            }
        }
        distanceOut[0] = distance;
        try (HessianOperator op = new HessianOperator(theta, data.x(), data.targets(), cost, s.dtype())) {
            return Curvature.measure(op, escape, s.curvature(), streams);
        } finally {
            if (escape != null) escape.close();
        }
    }

    /**
     * What the spectrum says of the point, in words, against the run's curvature scale Λ and tol: negative curvature
     * certified below −tol or not; a Hessian within ±tol altogether (degenerate at this scale); and the curvature along
     * the escape that follows, in units of Λ (|c| &lt; 1e-2·Λ reads as near zero).
     */
    static String verdict(Curvature.Report r, double scale, double tol, int depth) {
        int below = r.belowTolerance(tol);
        String neg;
        if (r.scale() <= tol) {
            neg = String.format(Locale.ROOT, "the whole spectrum lies within +-%.2g of 0 (%.2g of the run's scale %.3g): degenerate at this scale",
                    r.scale(), r.scale() / scale, scale);
        } else if (below > 0) {
            neg = String.format(Locale.ROOT, "%d eigenvalue(s) certified below -tol = %.3g (lambda_min %.3g = %.2g of the run's scale): a strict saddle",
                    below, -tol, r.lambdaMin(), r.lambdaMin() / scale);
        } else {
            neg = String.format(Locale.ROOT, "no eigenvalue certified below -tol = %.3g (lambda_min %.3g +- %.2g)", -tol, r.lambdaMin(), r.lambdaMinResidual());
        }
        if (Double.isNaN(r.escapeCurvature())) return neg + "; no escape follows";
        double rel = r.escapeCurvature() / scale;
        String along = String.format(Locale.ROOT, "curvature along the escape %.3g = %.2g of the run's scale", r.escapeCurvature(), rel);
        String expect = depth < 3 ? "" : Math.abs(rel) < 1e-2 ? ": near zero, as at a degenerate saddle (depth >= 3)"
                : rel < 0 ? ": negative, not the near-zero curvature of a degenerate saddle" : ": positive and not small";
        return neg + "; " + along + expect;
    }

    static Map<String, Object> summary(TrainConfig cfg, Settings s, List<Row> rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", cfg.dataset);
        m.put("cost", cfg.cost);
        m.put("samples", rows.isEmpty() ? 0 : rows.get(0).report().samples());
        m.put("dtype", s.dtype().label());
        m.put("settings", s.curvature());
        m.put("curvature_scale", rows.isEmpty() ? Double.NaN : rows.get(0).scale());
        m.put("tolerance", rows.isEmpty() ? Double.NaN : rows.get(0).tol());
        m.put("tolerance_rule", "tol = " + s.curvature().relativeTolerance() + " * the run's curvature scale (the largest |lambda| over the points measured); a Ritz value counts below -tol when value + residual < -tol");
        m.put("methods", "Hessian-vector products by Pearlmutter's R-operator (exact); Lanczos with full reorthogonalisation, Ritz values by LAPACK dstev; trace by Hutchinson (Rademacher); density by stochastic Lanczos quadrature");
        List<Map<String, Object>> list = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("point", r.point().label());
            e.put("step", r.point().step());
            e.put("weights", r.point().weights().getFileName().toString());
            e.put("verdict", r.verdict());
            list.add(e);
        }
        m.put("points", list);
        return m;
    }

    /** One line per point (the console's). */
    public static List<String> lines(List<Row> rows) {
        return HessianFiles.lines(rows);
    }

    /** Top-k eigenvalues as the report lists them. */
    static String eigenvalues(List<Lanczos.Ritz> rs) {
        StringBuilder sb = new StringBuilder();
        for (Lanczos.Ritz r : rs) sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4g", r.value()));
        return sb.toString();
    }
}
