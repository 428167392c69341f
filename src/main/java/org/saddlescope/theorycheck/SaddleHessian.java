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
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Subsets;
import org.saddlescope.io.BadInputException;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;

/**
 * The Hessian of a run's training cost at each of its saddles ({@code saddlescope hessian RUN}): at the weights saved
 * nearest the middle of every plateau the detector found (weights/steps/, {@link PlateauPoints}), the extreme
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

    public record Outcome(List<HessianRow> rows, Map<String, Object> summary, Path folder) {}

    /** On a train run folder: writes hessian.* and figures/hessian.* into it. */
    public static Outcome onRun(Path run, Settings s, ProgressListener progress) {
        if (!Files.isRegularFile(run.resolve(RunFiles.CONFIG)) || !Files.isRegularFile(run.resolve(RunFiles.STEP_LOG))) {
            throw new BadInputException(run + " is not a finished train run folder (" + RunFiles.CONFIG + ", " + RunFiles.STEP_LOG + ")");
        }
        Path yaml = run.resolve(RunFiles.CONFIG);
        TrainConfig cfg = TrainConfig.merge(List.of(TrainConfig.readYaml(yaml)), yaml.toString());
        List<PlateauPoints.Point> points = PlateauPoints.of(run);
        if (points.isEmpty()) throw new BadInputException(run + " has no weights saved inside any plateau (weights/steps/ is written by runs of this version)");
        try (RunFolder folder = RunFolder.openForWriting(run, "hessian")) {
            List<HessianRow> rows = measure(cfg, points, s, progress);
            Map<String, Object> summary = summary(cfg, s, rows);
            HessianFiles.write(folder, rows, summary, s.curvature().topK());
            return new Outcome(rows, summary, folder.root());
        }
    }

    /** On one weights file, for the setup cfg (its data and cost): a new folder {@code out}. */
    public static Outcome onWeights(Path npz, TrainConfig cfg, Settings s, Path out, ProgressListener progress) {
        if (!Files.isRegularFile(npz)) throw new BadInputException(npz + ": no such weights file");
        RunFolder.checkNew(out);
        List<PlateauPoints.Point> points = List.of(new PlateauPoints.Point(npz.getFileName().toString(), -1, -1, Double.NaN, npz, null));
        List<HessianRow> rows = measure(cfg, points, s, progress);
        Map<String, Object> summary = summary(cfg, s, rows);
        try (RunFolder folder = RunFolder.create(out, "hessian")) {
            folder.writeYaml(RunFiles.CONFIG, cfg.toMap());
            HessianFiles.write(folder, rows, summary, s.curvature().topK());
            folder.publish();
            return new Outcome(rows, summary, out);
        }
    }

    static List<HessianRow> measure(TrainConfig cfg, List<PlateauPoints.Point> points, Settings s, ProgressListener progress) {
        Dataset data = RunData.train(cfg, DType.F64);
        RandomStreams streams = RandomStreams.of(cfg.seed);
        if (s.samples() > 0 && s.samples() < data.size()) {
            data = Subsets.subset(data, s.samples(), Subsets.Kind.STRATIFIED, streams.stream("hessian-subset"));
        }
        Cost cost = org.saddlescope.datasets.CostFit.check(Cost.parse(cfg.cost), data, cfg.dataset);
        List<Curvature.Report> reports = new ArrayList<>();
        double[] distance = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            PlateauPoints.Point p = points.get(i);
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
        List<HessianRow> rows = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            rows.add(new HessianRow(points.get(i), reports.get(i), distance[i], scale, tol, verdict(reports.get(i), scale, tol, depth)));
        }
        return rows;
    }

    private static Curvature.Report measureOne(TrainConfig cfg, PlateauPoints.Point p, Dataset data, Cost cost, Settings s, RandomStreams streams,
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

    static Map<String, Object> summary(TrainConfig cfg, Settings s, List<HessianRow> rows) {
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
        for (HessianRow r : rows) {
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
    public static List<String> lines(List<HessianRow> rows) {
        return HessianFiles.lines(rows);
    }
}
