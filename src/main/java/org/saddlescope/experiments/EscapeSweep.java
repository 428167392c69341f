package org.saddlescope.experiments;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.linalg.Blas;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.report.Figures;
import org.saddlescope.report.Panel;
import org.saddlescope.train.flow.GradientFlow;
import org.saddlescope.train.flow.ScalingFit;
import org.saddlescope.config.FlowConfig;
import org.saddlescope.config.InitScheme;
import org.saddlescope.config.SweepConfig;
import org.saddlescope.datasets.DataSource;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.io.Json;

/**
 * Escape-time scaling sweeps: runs the grid of {@link SweepConfig} in parallel (one gradient flow per task, BLAS
 * single-threaded so runs do not compete for cores), then fits τ against ε per (L, r) and writes
 * escape_times.csv, fits.csv, fits.json, the τ–ε figure and (optionally) a run folder per grid point.
 * The companion paper predicts τ = Θ(ε^−(r−2)) for r ≥ 3 small layers and τ = Θ(log 1/ε) for r = 2, whatever L.
 */
public final class EscapeSweep {
    private EscapeSweep() {}

    /** One grid point's result. */
    public record Point(int depth, int r, double epsilon, long seed, GradientFlow.Time loss, GradientFlow.Time output,
                        String stop, int evaluations, int forcedSteps, double initialLoss) {
        public double tau(String which) { return "output".equals(which) ? output.t() : loss.t(); }
    }

    /**
     * Fit for one (L, r): power law pooled over seeds, power law with a prefactor per seed (the seed fixes the
     * direction of θ0, ε only scales the small layers), predicted −(r−2), and for r = 2 the log law's slope; each
     * seed's own fit, the local slopes from the largest ε to the smallest, and the verdict
     * ({@link ScalingFit#verdict}: consistent, pre-asymptotic, underpowered or inconsistent).
     */
    public record FitRow(int depth, int r, ScalingFit.Fit power, ScalingFit.Fit perSeed, double predicted, ScalingFit.Fit log,
                         int escaped, int runs, Map<Long, ScalingFit.Fit> seeds, double[][] localSlopes, ScalingFit.Verdict verdict) {
        /** For r = 2 the law is logarithmic: whether its slope's interval excludes 0. */
        public String logVerdict() {
            if (r != 2) return "";
            if (Double.isNaN(log.halfWidth())) return "log law: underpowered";
            return log.low() > 0 ? "log law: slope > 0 (CI excludes 0)" : "log law not established: slope CI includes 0";
        }
    }

    /**
     * This grid (L, then r ≤ L, then ε, then seeds, He-normal with layers 1..r at ε) as a flow sweep's spec, so that
     * {@code saddlescope sweep} runs it through its executors and fits exactly as {@link #run} does.
     */
    public static Map<String, Object> asSweep(SweepConfig cfg) {
        grid(cfg); // its checks: escape definition, positive ε, r ≤ L somewhere
        FlowConfig perRun = LENIENT.convertValue(cfg, FlowConfig.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> base = Json.YAML.convertValue(perRun, LinkedHashMap.class);
        base.put("init", InitScheme.HE_SCALED.label());
        base.put("small_layers", List.of());
        Map<String, Object> ax = new LinkedHashMap<>();
        if (!cfg.depths.isEmpty()) {
            ax.put("depth", new ArrayList<>(cfg.depths));
            base.put("width", cfg.width);
        }
        ax.put("bottleneck", new ArrayList<>(cfg.bottlenecks));
        ax.put("epsilon", new ArrayList<>(cfg.epsilons));
        ax.put("seed", Map.of("from", cfg.seed, "to", cfg.seed + cfg.seeds - 1));
        base.remove("bottleneck");
        base.remove("epsilon");
        base.remove("seed");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "flow");
        m.put("base", base);
        m.put("axes", ax);
        m.put("threads", 1);
        if (cfg.threads > 0) m.put("workers", cfg.threads);
        m.put("collect", Map.of("escape", cfg.escape, "confidence", cfg.confidence));
        return m;
    }

    /** fits use the config's escape definition; otherFits the other one where it was measured (else empty). */
    public record Outcome(List<Point> points, List<FitRow> fits, String otherEscape, List<FitRow> otherFits, Path folder) { }

    public static List<FlowConfig> grid(SweepConfig s) {
        if (s.epsilons.isEmpty() || s.bottlenecks.isEmpty()) throw new BadInputException("epsilons and bottlenecks must not be empty");
        if (s.seeds < 1) throw new BadInputException("seeds must be at least 1");
        if (!s.escape.equals("loss") && !s.escape.equals("output")) throw new BadInputException("escape must be loss or output, got '" + s.escape + "'");
        if (s.escape.equals("loss") && !(s.loss_drop > 0)) throw new BadInputException("escape=loss needs loss_drop > 0");
        if (s.escape.equals("output") && !(s.escape_output > 0)) throw new BadInputException("escape=output needs escape_output > 0");
        for (double e : s.epsilons) if (!(e > 0)) throw new BadInputException("epsilons must be positive, got " + e);
        List<Integer> depths = s.depths.isEmpty() ? List.of(s.hidden.size() + 1) : s.depths;
        List<FlowConfig> out = new ArrayList<>();
        for (int L : depths) {
            if (L < 1) throw new BadInputException("depths must be ≥ 1, got " + L);
            for (int r : s.bottlenecks) {
                if (r < 1 || r > L) continue; // r small layers need L ≥ r
                for (double eps : s.epsilons) {
                    for (int k = 0; k < s.seeds; k++) {
                        FlowConfig c = LENIENT.convertValue(s, FlowConfig.class); // the per-run fields, a fresh copy
                        if (!s.depths.isEmpty()) {
                            c.hidden = new ArrayList<>();
                            for (int i = 0; i < L - 1; i++) c.hidden.add(s.width);
                        }
                        c.init = org.saddlescope.config.InitScheme.HE_SCALED;
                        c.small_layers = new ArrayList<>();
                        c.bottleneck = r;
                        c.epsilon = eps;
                        c.seed = s.seed + k;
                        out.add(c);
                    }
                }
            }
        }
        if (out.isEmpty()) throw new BadInputException("no grid point has r ≤ L (bottlenecks " + s.bottlenecks + ", depths " + depths + ")");
        return out;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper LENIENT =
            Json.YAML.copy().disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static Outcome run(SweepConfig s, Path out, ProgressListener progress) {
        Instant start = Instant.now();
        List<FlowConfig> grid = grid(s);
        DataSource.Loaded data = FlowRun.loadData(s);
        for (FlowConfig c : grid) FlowRun.validate(c, data);
        try (RunFolder folder = RunFolder.create(out, "sweep")) {
            return run(s, folder, grid, data, start, progress);
        }
    }

    private static Outcome run(SweepConfig s, RunFolder folder, List<FlowConfig> grid, DataSource.Loaded data, Instant start,
                               ProgressListener progress) {
        folder.writeYaml(RunFiles.CONFIG, s);
        int threads = s.threads > 0 ? s.threads : Runtime.getRuntime().availableProcessors();
        Blas.init(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong done = new AtomicLong();
        List<Future<Point>> futures = new ArrayList<>();
        for (FlowConfig c : grid) {
            futures.add(pool.submit(() -> {
                FlowRun.Outcome o = FlowRun.execute(c, data, ProgressListener.NONE);
                GradientFlow.Result r = o.result();
                if (s.run_folders) {
                    String name = String.format(Locale.ROOT, "L%d-r%d-eps%.3g-seed%d", o.depth(), c.bottleneck, c.epsilon, c.seed);
                    FlowRun.write(folder.child("runs/" + name), o, false);
                }
                Point p = new Point(o.depth(), c.bottleneck, c.epsilon, c.seed, r.lossEscape(), r.outputEscape(), r.stop().name(),
                        r.evaluations(), r.forcedSteps(), r.initialLoss());
                long n = done.incrementAndGet();
                progress.progress(n, grid.size(), String.format(Locale.ROOT, "L=%d r=%d ε=%.3g τ=%.4g", p.depth(), p.r(), p.epsilon(), p.tau(s.escape)));
                return p;
            }));
        }
        List<Point> points = new ArrayList<>();
        try {
            for (Future<Point> f : futures) points.add(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            throw new IllegalStateException(c);
        } finally {
            pool.shutdownNow();
        }
        List<FitRow> fits = fit(points, s.escape, s.confidence);
        String other = s.escape.equals("loss") ? "output" : "loss";
        boolean otherOn = other.equals("output") ? s.escape_output > 0 : s.loss_drop > 0;
        List<FitRow> otherFits = otherOn ? fit(points, other, s.confidence) : List.of();
        write(folder, s.escape, s.confidence, points, fits, "");
        if (otherOn) write(folder, s.escape, s.confidence, points, otherFits, other);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("dataset", data.info());
        extra.put("runs", points.size());
        extra.put("threads", threads);
        folder.writeManifest("sweep", s.seed, start, Instant.now(), extra);
        folder.publish(); // when done: a killed sweep leaves no folder
        return new Outcome(points, fits, other, otherFits, folder.root());
    }

    public static List<FitRow> fit(List<Point> points, String which, double confidence) {
        Map<List<Integer>, List<Point>> groups = new TreeMap<>(Comparator.<List<Integer>>comparingInt(k -> k.get(0)).thenComparingInt(k -> k.get(1)));
        for (Point p : points) groups.computeIfAbsent(List.of(p.depth(), p.r()), k -> new ArrayList<>()).add(p);
        List<FitRow> rows = new ArrayList<>();
        for (var e : groups.entrySet()) {
            List<Point> g = e.getValue();
            double[] eps = g.stream().mapToDouble(Point::epsilon).toArray();
            double[] tau = g.stream().mapToDouble(p -> p.tau(which)).toArray();
            int escaped = (int) java.util.Arrays.stream(tau).filter(Double::isFinite).count();
            int r = e.getKey().get(1);
            ScalingFit.Fit power = ScalingFit.powerLaw(eps, tau, confidence);
            ScalingFit.Fit log = ScalingFit.logLaw(eps, tau, confidence);
            long[] seeds = g.stream().mapToLong(Point::seed).toArray();
            ScalingFit.Fit within = ScalingFit.powerLawWithin(eps, tau, seeds, confidence);
            Map<Long, ScalingFit.Fit> each = ScalingFit.powerLawPerGroup(eps, tau, seeds, confidence);
            double[][] local = ScalingFit.localSlopes(eps, tau);
            double predicted = -(Math.max(r, 2) - 2);
            rows.add(new FitRow(e.getKey().get(0), r, power, within, predicted, log, escaped, g.size(), each, local,
                    ScalingFit.verdict(within, each.values(), local, predicted)));
        }
        return rows;
    }

    /**
     * escape_times.csv and, for the fits of escape definition {@code other} ("" = {@code escape}, the one the sweep
     * fits), fits[_other].csv|json|md and figures/tau_vs_epsilon[_other].
     */
    public static void write(RunFolder folder, String escape, double confidence, List<Point> points, List<FitRow> fits, String other) {
        String which = other.isEmpty() ? escape : other;
        String suffix = other.isEmpty() ? "" : "_" + other;
        if (other.isEmpty()) try (CsvWriter w = new CsvWriter(folder.path("escape_times.csv"), new String[] {"depth", "r", "epsilon", "seed",
                "tau_loss_t", "tau_loss_q", "tau_output_t", "tau_output_q", "stop", "evaluations", "forced_steps", "initial_loss"}, false)) {
            for (Point p : points) {
                w.row(p.depth(), p.r(), p.epsilon(), p.seed(), p.loss().t(), p.loss().q(), p.output().t(), p.output().q(),
                        p.stop(), p.evaluations(), p.forcedSteps(), p.initialLoss());
            }
        }
        try (CsvWriter w = new CsvWriter(folder.path("fits" + suffix + ".csv"), new String[] {"depth", "r", "escaped", "runs", "exponent",
                "ci_low", "ci_high", "exponent_per_seed", "per_seed_ci_low", "per_seed_ci_high", "predicted_exponent", "r_squared",
                "log_slope", "log_ci_low", "log_ci_high", "seeds_covering_prediction", "seeds_fitted", "local_slope_smallest_eps", "verdict"}, false)) {
            for (FitRow f : fits) {
                w.row(f.depth(), f.r(), f.escaped(), f.runs(), f.power().slope(), f.power().low(), f.power().high(), f.perSeed().slope(),
                        f.perSeed().low(), f.perSeed().high(), f.predicted(), f.power().rSquared(), f.log().slope(), f.log().low(), f.log().high(),
                        covering(f), fitted(f), f.localSlopes().length == 0 ? null : f.localSlopes()[f.localSlopes().length - 1][1],
                        f.verdict().name().toLowerCase(Locale.ROOT));
            }
        }
        folder.writeJson("fits" + suffix + ".json", fits);
        folder.writeText("fits" + suffix + ".md", table(fits, confidence, which));
        figure(points, fits, which, folder.figures(), "tau_vs_epsilon" + suffix);
    }

    private static int covering(FitRow f) {
        int n = 0;
        for (ScalingFit.Fit s : f.seeds().values()) if (!Double.isNaN(s.halfWidth()) && s.covers(f.predicted())) n++;
        return n;
    }

    private static int fitted(FitRow f) {
        int n = 0;
        for (ScalingFit.Fit s : f.seeds().values()) if (!Double.isNaN(s.halfWidth())) n++;
        return n;
    }

    /**
     * Markdown table: fitted exponent with its interval beside −(r−2) (pooled, one prefactor per seed, each seed on its
     * own), the local slopes from the largest ε to the smallest, and the verdict; log-law slope for r = 2.
     */
    public static String table(List<FitRow> fits, double confidence, String which) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Escape time τ (%s escape, real time t) against ε: least squares on log τ = log C + k log ε "
                + "(pooled over seeds, with one C per seed, and per seed), %.0f%% t-intervals; local slopes Δlog τ/Δlog ε from the "
                + "largest ε to the smallest (of the geometric mean over seeds). Verdict: consistent (every interval covers the "
                + "prediction), pre-asymptotic (an interval excludes it but the local slopes approach it and the last is within "
                + "max(0.05, 2%%)), inconsistent, or underpowered.%n%n", which, 100 * confidence));
        b.append("| L | r | runs escaped | fitted k (pooled) | CI | k, C per seed | CI | seeds whose own CI covers | local slopes | predicted −(r−2) | verdict | τ vs log(1/ε): slope (CI) |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (FitRow f : fits) {
            String log = f.r() == 2 ? String.format(Locale.ROOT, "%.3g (%.3g, %.3g); %s", f.log().slope(), f.log().low(), f.log().high(), f.logVerdict()) : "";
            StringBuilder local = new StringBuilder();
            for (double[] l : f.localSlopes()) local.append(local.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", l[1]));
            b.append(String.format(Locale.ROOT, "| %d | %d | %d/%d | %.3f | %s | %.3f | %s | %d/%d | %s | %d | %s | %s |%n", f.depth(), f.r(),
                    f.escaped(), f.runs(), f.power().slope(), org.saddlescope.sweep.Aggregate.interval(f.power().low(), f.power().high(), "%.3f"),
                    f.perSeed().slope(), org.saddlescope.sweep.Aggregate.interval(f.perSeed().low(), f.perSeed().high(), "%.3f"),
                    covering(f), fitted(f), local, (int) f.predicted(), f.verdict().name().toLowerCase(Locale.ROOT).replace('_', '-'), log));
        }
        return b.toString();
    }

    /**
     * τ against ε on log axes, one line per r (geometric mean over seeds) labelled with the pooled fitted exponent and its
     * interval, beside the predicted slopes; a panel per L.
     */
    static void figure(List<Point> points, List<FitRow> fits, String which, Path dir, String base) {
        TreeMap<Integer, Panel> panels = new TreeMap<>();
        for (FitRow f : fits) {
            Panel p = panels.computeIfAbsent(f.depth(), L -> Figures.panel("Escape time against ε, L = " + L, "ε",
                    "τ (" + which + " escape, t)").logX().logY());
            TreeMap<Double, List<Double>> byEps = new TreeMap<>();
            for (Point q : points) {
                if (q.depth() == f.depth() && q.r() == f.r() && Double.isFinite(q.tau(which)) && q.tau(which) > 0) {
                    byEps.computeIfAbsent(q.epsilon(), k -> new ArrayList<>()).add(q.tau(which));
                }
            }
            if (byEps.isEmpty()) continue;
            double[] x = byEps.keySet().stream().mapToDouble(Double::doubleValue).toArray();
            double[] y = byEps.values().stream().mapToDouble(v -> Math.exp(v.stream().mapToDouble(Math::log).average().orElse(Double.NaN))).toArray();
            p.series(String.format(Locale.ROOT, "r=%d: fitted k = %.2f [%.2f, %.2f]", f.r(), f.power().slope(), f.power().low(), f.power().high()),
                    x, y, Panel.Style.LINE_MARKERS, null);
            // predicted slope −(r−2) through the geometric mean at the smallest ε
            double[] yp = new double[x.length];
            for (int i = 0; i < x.length; i++) yp[i] = y[0] * Math.pow(x[i] / x[0], f.predicted());
            p.dashed(String.format(Locale.ROOT, "r=%d predicted %d", f.r(), (int) f.predicted()), x, yp);
        }
        if (panels.isEmpty()) return;
        if (panels.size() == 1) Figures.save(panels.firstEntry().getValue(), dir, base);
        else Figures.grid("Escape time τ against the initialisation scale ε", new ArrayList<>(panels.values()), panels.size(), dir, base);
    }
}
