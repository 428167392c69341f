package org.saddlescope.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.saddlescope.data.Dataset;
import org.saddlescope.escape.DepthSweep;
import org.saddlescope.escape.Diagnostics;
import org.saddlescope.escape.NetworkSearch;
import org.saddlescope.escape.SmallNetKernel;
import org.saddlescope.escape.SphereSearch;
import org.saddlescope.experiment.CsvWriter;
import org.saddlescope.experiment.DataSource;
import org.saddlescope.experiment.RunFolder;
import org.saddlescope.experiment.Weights;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.report.Figures;
import org.saddlescope.report.HtmlReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code saddlescope escape}: the optimal escape direction of a dataset and architecture (minimise
 * L0 = Tr[GᵀY_θ] on ‖θ‖² = L from many starts), its speed, per-layer rank structure against Theorem 3.1 and
 * Proposition 3.4, and with {@code --extend-to} the best speed against depth with the appendix-A.4 warm start.
 */
@Command(name = "escape", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Escape directions of the saddle at the origin: minimise L0(θ) = Tr[GᵀY_θ] on the sphere ‖θ‖² = L",
                "from many random starts; report speeds (√L sphere and unit sphere), stationarity residuals, the rank structure",
                "of every layer against Theorem 3.1 / Proposition 3.4, and (--extend-to) the best speed against depth.",
                "Writes restarts.csv, layers.csv, diagnostics.json, weights/best.npz, figures/ and report.html."})
public final class EscapeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    SeedOption seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file; keys are the long option names without dashes.")
    Path config;

    @Option(names = {"--dataset", "--data"}, defaultValue = "example1", description = "Dataset: " + DataSource.SPECS + " (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--subset", defaultValue = "0", description = "Training samples to keep, 0 = all (default: ${DEFAULT-VALUE}).")
    int subset;

    @Option(names = "--cost", defaultValue = "auto", description = "Cost giving G = ∇C(0): mse, cross_entropy, auto (the data set's own G, else cross_entropy for labels, mse otherwise).")
    String cost;

    @Option(names = "--depth", defaultValue = "3", description = "Depth L (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--width", defaultValue = "16", description = "Hidden width of every hidden layer (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--widths", split = ",", description = "Hidden widths, one per hidden layer (overrides --width and --depth).")
    List<Integer> widths;

    @Option(names = "--activation", defaultValue = "relu", description = "relu, leaky_relu[:slope], identity (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--restarts", defaultValue = "32", description = "Random starts (default: ${DEFAULT-VALUE}).")
    int restarts;

    @Option(names = "--solver", defaultValue = "rgd", description = "pgd (fixed step), rgd (Riemannian gradient, Armijo steps), power (layer-wise generalised power method) (default: ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--iterations", defaultValue = "2000", description = "Solver iterations per start (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--lr", defaultValue = "0.05", description = "Step of pgd, first step of rgd (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--tolerance", defaultValue = "1e-10", description = "Stop at this relative stationarity residual (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--prune", defaultValue = "true", negatable = true, fallbackValue = "true", description = "Remove units inactive on every sample (default: ${DEFAULT-VALUE}).")
    boolean prune;

    @Option(names = "--polish", defaultValue = "true", negatable = true, fallbackValue = "true", description = "Kink-aware final polish, small nets only (default: ${DEFAULT-VALUE}).")
    boolean polish;

    @Option(names = "--path", defaultValue = "auto", description = "kernel (fused small-net loop, parallel starts), blas (Matrix/BLAS, large nets), auto (default: ${DEFAULT-VALUE}).")
    String path;

    @Option(names = "--extend-to", defaultValue = "0", description = "Also sweep depths depth..K with and without the appendix-A.4 extension as warm start (kernel path).")
    int extendTo;

    @Option(names = "--top-k", defaultValue = "10", description = "Singular values kept per layer in the outputs (default: ${DEFAULT-VALUE}).")
    int topK;

    @Override
    public Integer call() {
        Instant start = Instant.now();
        long seed = this.seed.seed;
        int threads = common.threadsOrDefault();
        Blas.init(threads);
        if (restarts < 1) throw new IllegalArgumentException("--restarts must be >= 1");
        if (iterations < 0) throw new IllegalArgumentException("--iterations must be >= 0");
        Activation act = Activation.parse(activation);
        SphereSearch.Solver sv = parseSolver(solver);
        ConsoleProgress progress = new ConsoleProgress("escape", common.quiet);

        DataSource.Loaded loaded = DataSource.load(data, new DataSource.Options(subset, -1,
                org.saddlescope.data.Subsets.Kind.STRATIFIED, "auto", DType.F64, seed));
        Dataset ds = loaded.train().to(DType.F64);
        Matrix x = ds.x();
        Matrix g = gradientAtZero(loaded, ds);
        int[] w = architecture(ds);
        int L = w.length - 1;

        RunFolder folder = RunFolder.create(common.outOr("escape"));
        folder.writeYaml("config.yaml", YamlOptions.snapshot(spec));
        long params = 0;
        for (int l = 1; l <= L; l++) params += (long) w[l] * w[l - 1];
        boolean kernelPath = switch (path.toLowerCase(Locale.ROOT)) {
            case "kernel" -> true;
            case "blas" -> false;
            case "auto" -> params * ds.size() <= 5_000_000L;
            default -> throw new IllegalArgumentException("--path must be kernel, blas or auto, got '" + path + "'");
        };
        progress.info(String.format(Locale.ROOT, "escape: %s, N=%d, widths %s, %d parameters, %s path, %d starts",
                ds.name(), ds.size(), Arrays.toString(w), params, kernelPath ? "kernel" : "blas", restarts));

        List<Map<String, Object>> rows = new ArrayList<>();
        Network best;
        double[] speeds = new double[restarts];
        if (kernelPath) {
            SmallNetKernel k = new SmallNetKernel(w, act, x.toDoubleArray(), g.toDoubleArray(), ds.size());
            SphereSearch.Options o = new SphereSearch.Options(sv, iterations, lr, tolerance, prune, polish, 60, 0);
            List<SphereSearch.Result> rs = SphereSearch.restarts(k, restarts, RandomStreams.of(seed), o, threads, progress);
            try (CsvWriter csv = new CsvWriter(folder.path("restarts.csv"), new String[] {"restart", "speed", "speed_unit",
                    "residual", "kink_residual", "kinks", "speed_solver", "iterations", "pruned_units", "seconds"}, false)) {
                for (SphereSearch.Result r : rs) {
                    csv.row(r.index(), r.speed(), r.speedUnit(), r.residual(), r.kinkResidual(), r.kinks(), r.speedSolver(),
                            r.iterations(), r.prunedUnits(), r.nanos() / 1e9);
                    speeds[r.index()] = r.speed();
                }
            }
            best = k.toNetwork(SphereSearch.best(rs).theta(), act, DType.F64);
        } else {
            NetworkSearch.Options o = new NetworkSearch.Options(iterations, lr, tolerance, prune);
            List<NetworkSearch.Result> rs = NetworkSearch.restarts(w, act, x, g, restarts, RandomStreams.of(seed), o, progress);
            NetworkSearch.Result b = null;
            try (CsvWriter csv = new CsvWriter(folder.path("restarts.csv"), new String[] {"restart", "speed", "speed_unit",
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
            best = b.direction();
        }
        Weights.save(best, folder.weights().resolve("best.npz"));
        Diagnostics.Report rep = Diagnostics.analyse(best, x, g, topK);
        writeDiagnostics(folder, rep);
        figures(folder, rep, speeds);

        List<DepthSweep.Row> sweep = null;
        if (extendTo > 0) {
            if (extendTo <= L) throw new IllegalArgumentException("--extend-to must exceed the depth " + L);
            int hidden = w[1];
            for (int l = 1; l < L; l++) if (w[l] != hidden) throw new IllegalArgumentException("--extend-to needs equal hidden widths");
            SphereSearch.Options o = new SphereSearch.Options(sv, iterations, lr, tolerance, prune, polish, 60, 0);
            sweep = DepthSweep.run(x.toDoubleArray(), g.toDoubleArray(), w[0], w[L], ds.size(), hidden, act, Math.max(2, L),
                    extendTo, restarts, o, RandomStreams.of(seed), threads, progress);
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
        folder.writeJson("summary.json", summary);
        folder.writeManifest("escape", seed, start, Instant.now(), Map.of("data", loaded.info()));
        new HtmlReport(folder.root()).title("saddlescope escape: " + ds.name()).note(rep.note()).write();
        System.out.println(String.format(Locale.ROOT, "best speed s = %.10g (unit sphere %.6g), residual %.3g, c = %.4g (c² = %.4g); run folder %s",
                rep.speed(), rep.speedUnit(), rep.residual(), rep.c(), rep.cSquared(), folder.root()));
        return Main.OK;
    }

    static SphereSearch.Solver parseSolver(String s) {
        try {
            return SphereSearch.Solver.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--solver must be pgd, rgd or power, got '" + s + "'");
        }
    }

    private Matrix gradientAtZero(DataSource.Loaded loaded, Dataset ds) {
        String c = cost.trim().toLowerCase(Locale.ROOT);
        if (c.equals("auto")) {
            if (loaded.g() != null) return loaded.g().to(DType.F64);
            c = ds.hasLabels() ? "cross_entropy" : "mse";
        }
        return Cost.parse(c).gradientAtZero(ds.targets());
    }

    private int[] architecture(Dataset ds) {
        List<Integer> hidden = widths;
        if (hidden == null || hidden.isEmpty()) {
            if (depth < 1) throw new IllegalArgumentException("--depth must be >= 1");
            if (width < 1) throw new IllegalArgumentException("--width must be >= 1");
            hidden = new ArrayList<>();
            for (int l = 1; l < depth; l++) hidden.add(width);
        }
        int[] w = new int[hidden.size() + 2];
        w[0] = ds.inputDim();
        for (int i = 0; i < hidden.size(); i++) {
            if (hidden.get(i) < 1) throw new IllegalArgumentException("--widths must be positive");
            w[i + 1] = hidden.get(i);
        }
        w[w.length - 1] = ds.outputDim();
        return w;
    }

    static void writeDiagnostics(RunFolder folder, Diagnostics.Report rep) {
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

    static String join(double[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.6g", v[i]));
        return b.toString();
    }

    static void figures(RunFolder folder, Diagnostics.Report rep, double[] speeds) {
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
        Figures.Panel p = Figures.panel("Rank structure of the best direction (Theorem 3.1; exact 0 drawn at 1e-16)", "layer ℓ", "ratio").logY()
                .series("tail ratio W_ℓ", layer, tw, Figures.Style.LINE_MARKERS, null)
                .series("tail ratio Z_ℓ^σ", layer, tz, Figures.Style.LINE_MARKERS, null)
                .series("nonlinearity ‖Z^σ−Z‖²/‖Z‖²", layer, nl, Figures.Style.LINE_MARKERS, null);
        boolean anyBound = false;
        for (double b : bound) anyBound |= !Double.isNaN(b);
        if (anyBound) p.dashed("Theorem 3.1 bound (ℓ > c²)", layer, bound);
        Figures.save(p, folder.figures(), "layers");
        double[] sorted = speeds.clone();
        Arrays.sort(sorted);
        double[] idx = new double[sorted.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i + 1;
        Figures.save(Figures.panel("Speeds of all starts (√L sphere), sorted", "start (sorted)", "speed s")
                .series("s", idx, sorted, Figures.Style.SCATTER, null), folder.figures(), "speeds");
    }

    /** Exact zeros (rank one, no nonlinearity) cannot sit on a log axis: draw them at 1e-16. */
    private static double floor(double v) {
        return Double.isFinite(v) ? Math.max(v, 1e-16) : v;
    }

    static void writeSweep(RunFolder folder, List<DepthSweep.Row> sweep) {
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
                .series("random starts only", d, rnd, Figures.Style.LINE_MARKERS, null)
                .series("warm start: depth L−1 extended (appendix A.4)", d, warm, Figures.Style.LINE_MARKERS, null)
                .series("best", d, best, Figures.Style.DASHED, null), folder.figures(), "depth_sweep");
    }
}
