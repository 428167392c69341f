package org.saddlescope.experiments;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Subsets;
import org.saddlescope.escape.DepthSweep;
import org.saddlescope.escape.Diagnostics;
import org.saddlescope.escape.NetworkSearch;
import org.saddlescope.escape.SmallNetKernel;
import org.saddlescope.escape.SphereSearch;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.report.Figures;
import org.saddlescope.report.Panel;
import org.saddlescope.report.HtmlReport;
import org.saddlescope.config.EscapeConfig;
import org.saddlescope.config.NetworkBuilder;
import org.saddlescope.datasets.DataSource;
import org.saddlescope.datasets.Standardization;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;

/**
 * An escape-direction search in a run folder: minimise L0 = Tr[GᵀY_θ] on ‖θ‖² = L from many starts (restart i from
 * the run seed's stream ("restart", i)), the best direction's speed and residual, the rank structure of every layer
 * against Theorem 3.1 and Proposition 3.4, and with extend_to the best speed against depth (Proposition 3.2). Writes
 * config.yaml, restarts.csv, layers.csv, diagnostics.json, summary.json, weights/best.npz, figures/, report.html.
 * All speeds on the √L sphere (Definition 2.1), with the unit-sphere value beside them.
 */
public final class EscapeRun {
    private EscapeRun() {}

    /** What the command prints. */
    public record Outcome(Path folder, Diagnostics.Report report, List<DepthSweep.Row> depthSweep) {
        public String summary() {
            return String.format(Locale.ROOT, "best speed s = %.10g (unit sphere %.6g), residual %.3g, c = %.4g (c² = %.4g); run folder %s",
                    report.speed(), report.speedUnit(), report.residual(), report.c(), report.cSquared(), folder);
        }
    }

    public static Outcome start(EscapeConfig cfg, Path out, int threads, ProgressListener progress) {
        Instant start = Instant.now();
        RunFolder.checkNew(out);
        if (cfg.restarts < 1) throw new BadInputException("restarts must be >= 1, got " + cfg.restarts);
        if (cfg.iterations < 0) throw new BadInputException("iterations must be >= 0, got " + cfg.iterations);
        SphereSearch.Solver solver = solver(cfg.solver);
        Blas.init(threads);
        RandomStreams streams = RandomStreams.of(cfg.seed);

        DataSource.Loaded loaded = DataSource.load(cfg.dataset, new DataSource.Options(cfg.subset, -1, Subsets.Kind.STRATIFIED,
                Standardization.AUTO, DType.F64, cfg.seed));
        Dataset ds = loaded.train().to(DType.F64);
        Matrix x = ds.x();
        Matrix g = gradientAtZero(cfg.cost, loaded, ds);
        int[] w = NetworkBuilder.widths(ds, cfg.hidden);
        int L = w.length - 1;
        long params = 0;
        for (int l = 1; l <= L; l++) params += (long) w[l] * w[l - 1];
        boolean kernelPath = switch (cfg.path.toLowerCase(Locale.ROOT)) {
            case "kernel" -> true;
            case "blas" -> false;
            case "auto" -> params * ds.size() <= 5_000_000L;
            default -> throw new BadInputException("path must be kernel, blas or auto, got '" + cfg.path + "'");
        };
        if (cfg.extend_to > 0) {
            if (cfg.extend_to <= L) throw new BadInputException("extend_to must exceed the depth " + L);
            for (int l = 1; l < L; l++) if (w[l] != w[1]) throw new BadInputException("extend_to needs equal hidden widths");
        }

        try (RunFolder folder = RunFolder.create(out, "escape")) { // staging, published when whole: a killed search leaves no folder
            folder.writeYaml(RunFiles.CONFIG, cfg);
            progress.info(String.format(Locale.ROOT, "escape: %s, N=%d, widths %s, %d parameters, %s path, %d starts",
                    ds.name(), ds.size(), Arrays.toString(w), params, kernelPath ? "kernel" : "blas", cfg.restarts));

            double[] speeds = new double[cfg.restarts];
            Network best = kernelPath ? kernelSearch(folder, cfg, solver, w, x, g, ds.size(), streams, threads, progress, speeds)
                    : networkSearch(folder, cfg, w, x, g, streams, progress, speeds);
            Weights.save(best, folder.weights().resolve(RunFiles.BEST_WEIGHTS), Weights.provenance("escape", cfg.seed, cfg, loaded.info()));
            Diagnostics.Report rep = Diagnostics.analyse(best, x, g, cfg.top_k);
            writeDiagnostics(folder, rep);
            figures(folder, rep, speeds);

            List<DepthSweep.Row> sweep = null;
            if (cfg.extend_to > 0) {
                SphereSearch.Options o = new SphereSearch.Options(solver, cfg.iterations, cfg.lr, cfg.tolerance, cfg.prune, cfg.polish, 60, 0);
                sweep = DepthSweep.run(x.toDoubleArray(), g.toDoubleArray(), w[0], w[L], ds.size(), w[1], cfg.activation, Math.max(2, L),
                        cfg.extend_to, cfg.restarts, o, streams, threads, progress);
                writeSweep(folder, sweep);
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("dataset", ds.name());
            summary.put("samples", ds.size());
            summary.put("widths", w);
            summary.put("best_speed", rep.speed());
            summary.put("best_speed_unit", rep.speedUnit());
            summary.put("residual", rep.residual());
            summary.put("c", rep.c());
            summary.put("note", rep.note());
            if (sweep != null) summary.put("depth_sweep", sweep);
            folder.writeJson(RunFiles.SUMMARY, summary);
            folder.writeManifest("escape", cfg.seed, start, Instant.now(), Map.of("data", loaded.info()));
            new HtmlReport(folder.root()).title("saddlescope escape: " + ds.name()).note(rep.note()).write();
            folder.publish();
            return new Outcome(folder.root(), rep, sweep);
        }
    }

    /** The fused small-net kernel's starts, in parallel: restarts.csv, each start's speed into {@code speeds}, the best direction. */
    private static Network kernelSearch(RunFolder folder, EscapeConfig cfg, SphereSearch.Solver solver, int[] w, Matrix x, Matrix g, int n,
                                        RandomStreams streams, int threads, ProgressListener progress, double[] speeds) {
        SmallNetKernel k = new SmallNetKernel(w, cfg.activation, x.toDoubleArray(), g.toDoubleArray(), n);
        SphereSearch.Options o = new SphereSearch.Options(solver, cfg.iterations, cfg.lr, cfg.tolerance, cfg.prune, cfg.polish, 60, 0);
        List<SphereSearch.Result> rs = SphereSearch.restarts(k, cfg.restarts, streams, o, threads, progress);
        try (CsvWriter csv = new CsvWriter(folder.path(RunFiles.RESTARTS), new String[] {"restart", "speed", "speed_unit",
                "residual", "kink_residual", "kinks", "speed_solver", "iterations", "pruned_units", "seconds"}, false)) {
            for (SphereSearch.Result r : rs) {
                csv.row(r.index(), r.speed(), r.speedUnit(), r.residual(), r.kinkResidual(), r.kinks(), r.speedSolver(),
                        r.iterations(), r.prunedUnits(), r.nanos() / 1e9);
                speeds[r.index()] = r.speed();
            }
        }
        return k.toNetwork(SphereSearch.best(rs).theta(), cfg.activation, DType.F64);
    }

    /** The BLAS path's starts (large networks): restarts.csv, trace_best.csv, each start's speed into {@code speeds}, the best direction. */
    private static Network networkSearch(RunFolder folder, EscapeConfig cfg, int[] w, Matrix x, Matrix g, RandomStreams streams,
                                         ProgressListener progress, double[] speeds) {
        NetworkSearch.Options o = new NetworkSearch.Options(cfg.iterations, cfg.lr, cfg.tolerance, cfg.prune);
        List<NetworkSearch.Result> rs = NetworkSearch.restarts(w, cfg.activation, x, g, cfg.restarts, streams, o, progress);
        NetworkSearch.Result b = null;
        try (CsvWriter csv = new CsvWriter(folder.path(RunFiles.RESTARTS), new String[] {"restart", "speed", "speed_unit",
                "residual", "iterations", "pruned_units", "seconds"}, false)) {
            for (NetworkSearch.Result r : rs) {
                csv.row(r.index(), r.speed(), r.speedUnit(), r.residual(), r.iterations(), r.prunedUnits(), r.nanos() / 1e9);
                speeds[r.index()] = r.speed();
                if (b == null || r.speed() > b.speed()) b = r;
            }
        }
        try (CsvWriter csv = new CsvWriter(folder.path("trace_best.csv"), new String[] {"iteration", "speed", "residual"}, false)) {
            for (double[] t : b.trace()) csv.row((long) t[0], t[1], t[2]);
        }
        return b.direction();
    }

    static SphereSearch.Solver solver(String s) {
        try {
            return SphereSearch.Solver.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("solver must be pgd, rgd or power, got '" + s + "'");
        }
    }

    /** G = ∇C(0): the data set's own (Example 1) under cost auto, else that of the named cost at the targets. */
    private static Matrix gradientAtZero(String cost, DataSource.Loaded loaded, Dataset ds) {
        String c = cost.trim().toLowerCase(Locale.ROOT);
        if (c.equals("auto")) {
            if (loaded.g() != null) return loaded.g().to(DType.F64);
            c = ds.hasLabels() ? "cross_entropy" : "mse";
        }
        return org.saddlescope.datasets.CostFit.check(Cost.parse(c), ds, ds.name()).gradientAtZero(ds.targets());
    }

    private static void writeDiagnostics(RunFolder folder, Diagnostics.Report rep) {
        folder.writeJson("diagnostics.json", rep);
        try (CsvWriter csv = new CsvWriter(folder.path("layers.csv"), new String[] {"layer", "norm_w", "tail_w", "rank_w",
                "tail_z_sigma", "rank_z_sigma", "nonlinearity", "theorem31_bound", "below_bound", "top_w", "top_z_sigma"}, false)) {
            for (Diagnostics.Layer l : rep.layers()) {
                csv.row(l.layer(), l.normW(), l.tailW(), l.rankW(), l.tailZ(), l.rankZ(), l.nonlinearity(),
                        Double.isNaN(l.bound()) ? "vacuous" : l.bound(), l.belowBound() == null ? "vacuous" : l.belowBound(),
                        join(l.topW()), join(l.topZ()));
            }
        }
    }

    private static String join(double[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.6g", v[i]));
        return b.toString();
    }

    private static void figures(RunFolder folder, Diagnostics.Report rep, double[] speeds) {
        int L = rep.layers().size();
        double[] layer = new double[L], tw = new double[L], tz = new double[L], nl = new double[L], bound = new double[L];
        for (int i = 0; i < L; i++) {
            Diagnostics.Layer l = rep.layers().get(i);
            layer[i] = l.layer();
            tw[i] = floor(l.tailW());
            tz[i] = floor(l.tailZ());
            nl[i] = floor(l.nonlinearity());
            bound[i] = l.bound();
        }
        Panel p = Figures.panel("Rank structure of the best direction (Theorem 3.1; exact 0 drawn at 1e-16)", "layer ℓ", "ratio").logY()
                .series("tail ratio W_ℓ", layer, tw, Panel.Style.LINE_MARKERS, null)
                .series("tail ratio σ(Z_ℓ)", layer, tz, Panel.Style.LINE_MARKERS, null)
                .series("nonlinearity ‖Z^σ−Z‖²/‖Z‖²", layer, nl, Panel.Style.LINE_MARKERS, null);
        boolean anyBound = false;
        for (double b : bound) anyBound |= !Double.isNaN(b);
        if (anyBound) p.dashed("Theorem 3.1 bound (ℓ > c²)", layer, bound);
        Figures.save(p, folder.figures(), "layers");
        double[] sorted = speeds.clone();
        Arrays.sort(sorted);
        double[] idx = new double[sorted.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i + 1;
        Figures.save(Figures.panel("Speeds of all starts (√L sphere), sorted", "start (sorted)", "speed s")
                .series("s", idx, sorted, Panel.Style.SCATTER, null), folder.figures(), "speeds");
    }

    /** Exact zeros (rank one, no nonlinearity) cannot sit on a log axis: draw them at 1e-16. */
    private static double floor(double v) {
        return Double.isFinite(v) ? Math.max(v, 1e-16) : v;
    }

    private static void writeSweep(RunFolder folder, List<DepthSweep.Row> sweep) {
        int n = sweep.size();
        double[] d = new double[n], rnd = new double[n], warm = new double[n], best = new double[n];
        try (CsvWriter csv = new CsvWriter(folder.path("depth_sweep.csv"), new String[] {"depth", "random_starts", "extended",
                "warm_start", "best", "best_unit", "residual"}, false)) {
            for (int i = 0; i < n; i++) {
                DepthSweep.Row r = sweep.get(i);
                csv.row(r.depth(), r.random(), r.extended(), r.warm(), r.best(), r.bestUnit(), r.residual());
                d[i] = r.depth();
                rnd[i] = r.random();
                warm[i] = r.warm();
                best[i] = r.best();
            }
        }
        Figures.save(Figures.panel("Best speed against depth (Proposition 3.2)", "depth L", "speed s (√L sphere)")
                .series("random starts only", d, rnd, Panel.Style.LINE_MARKERS, null)
                .series("warm start: depth L−1 extended (appendix A.4)", d, warm, Panel.Style.LINE_MARKERS, null)
                .series("best", d, best, Panel.Style.DASHED, null), folder.figures(), "depth_sweep");
    }
}
