package org.saddlescope.theorycheck;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Subsets;
import org.saddlescope.escape.Diagnostics;
import org.saddlescope.escape.Embedding;
import org.saddlescope.escape.NetworkSearch;
import org.saddlescope.escape.NewUnitTest;
import org.saddlescope.escape.RankOneDirection;
import org.saddlescope.escape.SmallNetKernel;
import org.saddlescope.escape.SphereSearch;
import org.saddlescope.escape.UnitSearch;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.report.HtmlReport;
import org.saddlescope.theory.EscapeSpeed;
import org.saddlescope.theory.NormLaw;
import org.saddlescope.theory.Proposition34;
import org.saddlescope.theory.Theorem31;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.train.flow.NormalisedFlow;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.datasets.DataSource;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;
import org.saddlescope.trainrun.RunSetup;

/**
 * The theory's prediction of the first escape of a training run, from its data, cost, architecture, θ0 and
 * learning-rate law alone ({@code saddlescope predict}): G = ∇C(0); the best escape direction found (the best
 * rank-one direction from the single-unit problem, and random restarts at a moderate hidden width), padded with
 * zero units into the run's widths (exact, {@link Embedding}); its speed in both normalisations; the new-unit test
 * (would a wider network do better?); the rank structure of every layer; Theorem 3.1 and Proposition 3.4 with the
 * depths from which they say anything; and the end of the origin plateau: Proposition 2.2 from a θ0 aligned with
 * the direction (a lower bound), and the gradient flow from the run's own θ0 ({@link NormalisedFlow}), both
 * converted to steps of the run's lr law.
 *
 * <p>Float32 passes for the searches (float64 master weights in the flow), float64 for the reported speed and
 * residual of the final direction.
 */
public final class Prediction {
    private Prediction() {}

    /**
     * @param searchWidth    hidden width of the restarts (the run's widths if larger than them)
     * @param restarts       random restarts at that width
     * @param searchSubset   stratified training samples the restarts and the single-unit starts see (0 = all)
     * @param iterations     iterations per restart
     * @param refineIterations iterations of the best direction on all the training data
     * @param unitStarts     random starts of each single-unit search
     * @param plateauSubset  samples of the flow from θ0 (0 = all; negative = skip it)
     * @param plateauTolerance local error tolerance of that flow
     * @param maxQ           horizon of that flow in normalised time
     * @param lossDrops      fractions f: the plateau ends when the loss is (1 − f)·C(0)
     */
    public record Settings(int searchWidth, int restarts, int searchSubset, int iterations, int refineIterations,
                           int unitStarts, int plateauSubset, double plateauTolerance, double maxQ, double[] lossDrops,
                           int topK) {
        public static Settings defaults() {
            return new Settings(32, 4, 10_000, 300, 40, 16, 1000, 1e-4, 1e12, new double[] {0.001, 0.01, 0.1}, 10);
        }
    }

    /** A candidate direction: its speed on the search subsample and on all the data (√L sphere). */
    public record Candidate(String name, int width, double speedSearch, double speed, double speedUnit) {}

    /** Plateau end for loss drop f: q and GD steps, aligned-start bound and flow from θ0 (NaN if not reached). */
    public record PlateauEnd(double lossDrop, double alignedQ, double alignedSteps, double flowQ, double flowSteps) {}

    public record Outcome(Map<String, Object> summary, Network direction, Network padded, Diagnostics.Report report,
                          List<Candidate> candidates, List<NewUnitTest.Layer> newUnits, List<PlateauEnd> plateau,
                          NormalisedFlow.Result flow) {}

    /** Parameters × samples below which the search runs on the small-net kernel (as escape's --path auto). */
    static final long SMALL = 5_000_000L;

    /** Runs the prediction for the run described by cfg (its dataset, subset, cost, widths, θ0, lr law). */
    public static Outcome run(TrainConfig cfg, Settings s, ProgressListener progress) {
        Activation act = cfg.activation;
        if (act != Activation.RELU) throw new BadInputException("predict needs a ReLU network (the escape theory of the paper), got " + cfg.activation);
        Cost cost = Cost.parse(cfg.cost);
        DataSource.Options o = new DataSource.Options(cfg.subset, -1, DataSource.Options.defaults(DType.F64).subsetKind(),
                cfg.standardize, DType.F64, cfg.seed);
        DataSource.Loaded loaded = DataSource.load(cfg.dataset, o);
        Dataset data64 = loaded.train();
        // float32 passes for large data (the searches and the flow are BLAS-bound), float64 for small problems, where the
        // kink polish and exact speeds (Example 1: 1/2) need it; the reported speed is always taken in float64
        boolean large = (long) data64.size() * data64.inputDim() > 2_000_000L;
        Dataset data = large ? data64.to(DType.F32) : data64;
        RandomStreams streams = RandomStreams.of(cfg.seed);
        RunSetup setup = new RunSetup(loaded, cost, act, org.saddlescope.net.Precision.FLOAT64);
        Network theta0 = setup.buildNetwork(cfg);
        int[] widths = theta0.widths();
        int L = widths.length - 1;
        if (L < 2) throw new BadInputException("predict needs depth >= 2, got " + L);
        Matrix x = data.x();
        Matrix g64 = loaded.g() != null ? loaded.g().to(DType.F64) : cost.gradientAtZero(data64.targets());
        Matrix g = large ? g64.to(DType.F32) : g64;
        double normX = x.frobeniusNorm(), normG = g.frobeniusNorm();
        double c0;
        try (Matrix zero = Matrix.zeros(data.dtype(), data.outputDim(), data.size())) {
            c0 = cost.value(zero, data.targets());
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("dataset", data.name());
        summary.put("samples", data.size());
        summary.put("widths", widths);
        summary.put("cost", cost.name());
        summary.put("loss_at_origin", c0);
        summary.put("norm_x", normX);
        summary.put("norm_g", normG);

        // --- search ---
        Dataset search = s.searchSubset() > 0 && s.searchSubset() < data.size()
                ? Subsets.subset(data, s.searchSubset(), Subsets.Kind.STRATIFIED, streams.stream("search-subset")) : data;
        Matrix gs = search == data ? g : cost.gradientAtZero(search.targets());
        int[] sw = widths.clone();
        for (int l = 1; l < L; l++) sw[l] = Math.min(widths[l], s.searchWidth());
        List<Candidate> candidates = new ArrayList<>();
        List<Network> nets = new ArrayList<>();
        progress.progress(0, 4, "best single unit (rank-one directions)");
        UnitSearch.Unit u = UnitSearch.best(search.x(), gs, List.of(), s.unitStarts(), streams.stream("unit-search"), 200, 1e-8);
        if (search != data) u = UnitSearch.best(x, g, List.of(u.a()), 0, streams.stream("unit-search", 1), 100, 1e-8);
        Network rankOne = RankOneDirection.of(u.a(), sw, x, g);
        nets.add(rankOne);
        candidates.add(new Candidate("rank-one (single-unit power method)", 1, Double.NaN, Double.NaN, Double.NaN));
        long params = 0;
        for (int l = 1; l <= L; l++) params += (long) sw[l] * sw[l - 1];
        if (params * search.size() <= SMALL) {
            // small problems (Example 1, teachers): the fused kernel, many parallel starts, RGD with the kink polish
            int n = Math.max(s.restarts(), 16);
            progress.progress(1, 4, n + " restarts at width " + s.searchWidth() + " (small-net kernel, kink polish)");
            SmallNetKernel k = new SmallNetKernel(sw, act, search.x().toDoubleArray(), gs.toDoubleArray(), search.size());
            List<SphereSearch.Result> rs = SphereSearch.restarts(k, n, streams, SphereSearch.Options.defaults().withIterations(s.iterations()),
                    Runtime.getRuntime().availableProcessors(), progress);
            for (SphereSearch.Result r : rs) {
                nets.add(k.toNetwork(r.theta(), act, DType.F64));
                candidates.add(new Candidate("restart " + r.index() + " (kernel)", s.searchWidth(), r.speed(), Double.NaN, Double.NaN));
            }
        } else {
            progress.progress(1, 4, s.restarts() + " restarts at width " + s.searchWidth());
            List<NetworkSearch.Result> rs = NetworkSearch.restarts(sw, act, search.x(), gs, s.restarts(), streams,
                    new NetworkSearch.Options(s.iterations(), 0.05, 1e-8, true), progress);
            for (NetworkSearch.Result r : rs) {
                nets.add(r.direction());
                candidates.add(new Candidate("restart " + r.index(), s.searchWidth(), r.speed(), Double.NaN, Double.NaN));
            }
        }
        int best = 0;
        double bestSpeed = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < nets.size(); i++) {
            double sp = speed(nets.get(i), x, g);
            Candidate c = candidates.get(i);
            candidates.set(i, new Candidate(c.name(), c.width(), c.speedSearch(), sp, EscapeSpeed.unitSpeed(sp, L)));
            if (sp > bestSpeed) { bestSpeed = sp; best = i; }
        }
        progress.progress(2, 4, "refining " + candidates.get(best).name() + " on all " + data.size() + " samples");
        boolean small = params * search.size() <= SMALL;
        Network direction = nets.get(best).to(data.dtype());
        if (s.refineIterations() > 0 && !small) { // small problems are already solved in float64 with the kink polish
            NetworkSearch.Result r = NetworkSearch.solve(direction, x, g, new NetworkSearch.Options(s.refineIterations(), 0.05, 1e-8, true), -1, null);
            if (r.speed() >= bestSpeed) direction = r.direction();
            else direction = nets.get(best).to(data.dtype()); // the refinement did not help: keep the candidate
        }
        Network direction64 = direction.to(DType.F64);
        direction64.scale(Math.sqrt(L / direction64.normSquared()));
        Diagnostics.Report rep = Diagnostics.analyse(direction64, data64.x(), g64, s.topK());
        double sStar = rep.speed(), sUnit = EscapeSpeed.unitSpeed(sStar, L);
        List<NewUnitTest.Layer> newUnits = NewUnitTest.run(direction, x, g, 4, streams.stream("unit-search", 2), 100);
        Network padded = Embedding.pad(direction64, widths);
        Map<String, Object> dir = new LinkedHashMap<>();
        dir.put("speed", sStar);
        dir.put("speed_unit", sUnit);
        dir.put("normalisations", "speed: sqrt(L)-sphere (||theta||^2 = L, Definition 2.1); speed_unit = speed * L^(-L/2), unit sphere");
        dir.put("residual", rep.residual());
        dir.put("source", candidates.get(best).name());
        dir.put("search_widths", sw);
        dir.put("embedding", embeddingCheck(direction64, padded, x, g));
        double maxGain = 0;
        for (NewUnitTest.Layer nu : newUnits) maxGain = Math.max(maxGain, nu.gain());
        dir.put("new_unit_max_gain", maxGain);
        dir.put("new_unit_verdict", maxGain > 1 + 1e-4
                ? "a single added unit raises the speed (gain " + fmt(maxGain) + "): the direction is not optimal at the full widths"
                : "no single added unit found that raises the speed (gain <= 1 + 1e-4 in every hidden layer; not a certificate)");
        summary.put("direction", dir);

        // --- bounds ---
        Map<String, Object> bounds = new LinkedHashMap<>();
        double c = Theorem31.c(normX, normG, sStar);
        bounds.put("theorem31_c", c);
        bounds.put("theorem31_c_squared", c * c);
        bounds.put("theorem31_first_layer", Theorem31.firstLayer(c));
        bounds.put("theorem31_first_layer_bound_below_1", Theorem31.firstInformativeLayer(c));
        bounds.put("theorem31_verdict", L < Theorem31.firstLayer(c)
                ? "vacuous at depth " + L + ": it bounds only layers l > c^2 = " + fmt(c * c)
                : "applies to layers " + Theorem31.firstLayer(c) + ".." + L);
        bounds.put("proposition34_ratio", Theorem31.ratio(normX, normG, sStar));
        bounds.put("proposition34_minimal_depth", Proposition34.minimalDepth(normX, normG, sStar));
        bounds.put("proposition34_verdict", L < Proposition34.minimalDepth(normX, normG, sStar)
                ? "vacuous at depth " + L + ": it guarantees a layer with tail ratio < 1 only from depth " + Proposition34.minimalDepth(normX, normG, sStar)
                : "guarantees at least one layer with tail ratio < 1 at depth " + L);
        bounds.put("note", "speeds on the sqrt(L) sphere; s* is the best speed found (a lower bound on the optimum), so c is an upper bound on the theorem's constant");
        summary.put("bounds", bounds);

        // --- plateau ---
        progress.progress(3, 4, "plateau: flow from theta0");
        List<PlateauEnd> plateau = new ArrayList<>();
        double r0 = theta0.norm(), lrC = cfg.lr, lrP = cfg.lr_power;
        NormalisedFlow.Result flow = null;
        Dataset pd = null;
        if (s.plateauSubset() >= 0) {
            pd = s.plateauSubset() > 0 && s.plateauSubset() < data.size()
                    ? Subsets.subset(data, s.plateauSubset(), Subsets.Kind.STRATIFIED, streams.stream("plateau-subset")) : data;
            NormalisedFlow.Options fo = NormalisedFlow.Options.of(s.maxQ(), lrC, lrP).withTolerance(s.plateauTolerance())
                    .withEvents(s.lossDrops(), new double[0]);
            // few samples: each ReLU kink is a jump of the vector field and Dormand–Prince stalls in the sliding
            // modes they make; small Euler steps (GD in q) pass them as training does
            if (pd.size() < 100) fo = fo.withEuler(1e-3).withMaxEvaluations(5_000_000);
            flow = new NormalisedFlow(theta0, pd.x(), pd.targets(), cost, data.dtype()).run(fo, progress);
        }
        for (double f : s.lossDrops()) {
            // Proposition 2.2 in the localized regime: from θ0 = ‖θ0‖·ρ*/‖ρ*‖ the loss falls by R^L·s_unit when ‖θ‖ = R,
            // and R = R0·exp(L·s_unit·q); a random start grows no faster (d log R/dq = L·s_unit(φ) ≤ L·s*_unit)
            double rf = Math.pow(f * c0 / sUnit, 1.0 / L);
            double qA = rf <= r0 ? 0 : NormLaw.normalisedTimeToNorm(r0, rf, sStar, L);
            double nA = NormLaw.stepsInNormalisedTime(qA, r0, sStar, L, lrC, lrP);
            NormalisedFlow.Event e = flow == null ? null : flow.event("loss_drop", f);
            plateau.add(new PlateauEnd(f, qA, nA, e == null ? Double.NaN : e.q(), e == null ? Double.NaN : e.steps()));
        }
        Map<String, Object> pl = new LinkedHashMap<>();
        pl.put("initial_norm", r0);
        pl.put("lr_law", "lr = " + lrC + "/||theta||^" + lrP + "; GD advances normalised time q by lr*||theta||^(L-2) = "
                + lrC + "*||theta||^" + fmt(L - 2 - lrP) + " per step");
        pl.put("aligned_start", "Proposition 2.2 (corrected, unit-sphere speed) from theta0 aligned with the direction: a lower bound on the plateau (localized loss)");
        pl.put("flow_from_theta0", flow == null ? "skipped" : "gradient flow of the cost from the run's own theta0 in normalised time, on "
                + pd.size() + " stratified training samples (" + (pd.size() < 100 ? "Euler steps turning theta by at most 1e-3 rad" : "tolerance "
                + s.plateauTolerance()) + "), " + flow.evaluations()
                + " gradient evaluations, stop " + flow.stop());
        pl.put("initial_speed_unit", flow == null ? null : flow.trajectory().get(0).speedUnit());
        pl.put("ends", plateau);
        // flow-faithfulness forecast: the GD step in q at the escape, and the angle it turns there
        double qStep = lrC * Math.pow(r0, L - 2 - lrP);
        pl.put("q_per_step_at_theta0", qStep);
        pl.put("angle_per_step_at_escape", qStep * L * sUnit);
        pl.put("flow_faithful_forecast", qStep * L * sUnit < 0.1
                ? "GD turns theta by < 0.1 rad a step at the escape speed: close to the flow"
                : "GD turns theta by " + fmt(qStep * L * sUnit) + " rad a step at the escape speed: not a small step; the flow is a guide, not a prediction");
        summary.put("plateau", pl);
        return new Outcome(summary, direction64, padded, rep, candidates, newUnits, plateau, flow);
    }

    /**
     * Predicts for cfg into the new run folder out: config.yaml, the files of {@link #write}, manifest.json and
     * report.html. The folder is checked before the minutes of work as well as when it is created.
     */
    public static Outcome start(TrainConfig cfg, Settings s, Path out, ProgressListener progress) {
        RunFolder.checkNew(out);
        Instant start = Instant.now();
        Outcome o = run(cfg, s, progress); // validates everything; nothing is written before it returns
        try (RunFolder folder = RunFolder.create(out, "predict")) {
            folder.writeYaml("config.yaml", cfg.toMap());
            write(folder, o);
            folder.writeManifest("predict", cfg.seed, start, Instant.now(), Map.of("settings", s));
            HtmlReport html = new HtmlReport(folder.root()).title("saddlescope predict: " + o.summary().get("dataset"));
            for (String l : lines(o)) html.note(l);
            html.write();
            folder.publish();
        }
        return o;
    }

    /** The prediction in a few lines (what predict prints and its report shows). */
    @SuppressWarnings("unchecked")
    public static List<String> lines(Prediction.Outcome o) {
        Map<String, Object> d = (Map<String, Object>) o.summary().get("direction");
        Map<String, Object> b = (Map<String, Object>) o.summary().get("bounds");
        Map<String, Object> p = (Map<String, Object>) o.summary().get("plateau");
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "escape direction (%s): s* = %.6g on the sqrt(L) sphere, s*_unit = %.6g on the unit sphere, residual %.2g",
                d.get("source"), (double) d.get("speed"), (double) d.get("speed_unit"), (double) d.get("residual")));
        out.add("new-unit test: " + d.get("new_unit_verdict"));
        out.add(String.format(Locale.ROOT, "Theorem 3.1: c = %.4g; %s; bound below 1 only from layer %s", (double) b.get("theorem31_c"),
                b.get("theorem31_verdict"), b.get("theorem31_first_layer_bound_below_1")));
        out.add("Proposition 3.4: " + b.get("proposition34_verdict"));
        for (Prediction.PlateauEnd e : o.plateau()) {
            out.add(String.format(Locale.ROOT, "plateau end (loss down %.3g): flow from theta0 q = %.4g, %.4g steps; aligned start (Prop 2.2 lower bound) q = %.4g, %.4g steps",
                    e.lossDrop(), e.flowQ(), e.flowSteps(), e.alignedQ(), e.alignedSteps()));
        }
        out.add("lr law: " + p.get("lr_law") + "; " + p.get("flow_faithful_forecast"));
        return out;
    }

    /**
     * prediction.json, candidates.csv, layers.csv, new_units.csv, plateau.csv, plateau_flow.csv, weights/direction.npz
     * (the direction at the search widths; padding it with zeros gives the full-width one exactly), figures.
     */
    public static void write(RunFolder folder, Outcome o) {
        folder.writeJson("prediction.json", o.summary());
        try (CsvWriter w = new CsvWriter(folder.path("candidates.csv"), new String[] {"candidate", "width", "speed_search_subset",
                "speed", "speed_unit"}, false)) {
            for (Candidate c : o.candidates()) w.row(c.name(), c.width(), c.speedSearch(), c.speed(), c.speedUnit());
        }
        try (CsvWriter w = new CsvWriter(folder.path("layers.csv"), new String[] {"layer", "norm_w", "tail_w", "rank_w",
                "tail_z_sigma", "rank_z_sigma", "nonlinearity", "theorem31_bound"}, false)) {
            for (Diagnostics.Layer l : o.report().layers()) {
                w.row(l.layer(), l.normW(), l.tailW(), l.rankW(), l.tailZ(), l.rankZ(), l.nonlinearity(),
                        Double.isNaN(l.bound()) ? "vacuous" : l.bound());
            }
        }
        try (CsvWriter w = new CsvWriter(folder.path("new_units.csv"), new String[] {"layer", "best_unit_value", "gain", "residual"}, false)) {
            for (NewUnitTest.Layer l : o.newUnits()) w.row(l.layer(), l.best(), l.gain(), l.residual());
        }
        try (CsvWriter w = new CsvWriter(folder.path("plateau.csv"), new String[] {"loss_drop", "aligned_q", "aligned_steps",
                "flow_q", "flow_steps"}, false)) {
            for (PlateauEnd e : o.plateau()) w.row(e.lossDrop(), e.alignedQ(), e.alignedSteps(), e.flowQ(), e.flowSteps());
        }
        if (o.flow() != null) {
            try (CsvWriter w = new CsvWriter(folder.path("plateau_flow.csv"), new String[] {"q", "steps", "norm", "speed_unit",
                    "loss", "output_rms"}, false)) {
                for (NormalisedFlow.Point p : o.flow().trajectory()) w.row(p.q(), p.steps(), p.norm(), p.speedUnit(), p.loss(), p.outputRms());
            }
        }
        Weights.save(o.direction(), folder.weights().resolve("direction.npz"));
        figures(folder, o);
    }

    private static void figures(RunFolder folder, Outcome o) {
        List<Diagnostics.Layer> ls = o.report().layers();
        int n = ls.size();
        double[] layer = new double[n], tw = new double[n], tz = new double[n], nl = new double[n], bound = new double[n];
        for (int i = 0; i < n; i++) {
            Diagnostics.Layer l = ls.get(i);
            layer[i] = l.layer();
            tw[i] = Math.max(l.tailW(), 1e-16);
            tz[i] = Math.max(l.tailZ(), 1e-16);
            nl[i] = Double.isNaN(l.nonlinearity()) ? Double.NaN : Math.max(l.nonlinearity(), 1e-16);
            bound[i] = l.bound();
        }
        org.saddlescope.report.Figures.Panel p = org.saddlescope.report.Figures.panel(
                "Rank structure of the predicted direction (exact 0 drawn at 1e-16)", "layer ℓ", "ratio").logY()
                .series("tail ratio W_ℓ", layer, tw, org.saddlescope.report.Figures.Style.LINE_MARKERS, null)
                .series("tail ratio σ(Z_ℓ)", layer, tz, org.saddlescope.report.Figures.Style.LINE_MARKERS, null)
                .series("nonlinearity", layer, nl, org.saddlescope.report.Figures.Style.LINE_MARKERS, null);
        org.saddlescope.report.Figures.save(p, folder.figures(), "prediction_layers");
        if (o.flow() != null && o.flow().trajectory().size() > 1) {
            List<NormalisedFlow.Point> tr = o.flow().trajectory().subList(1, o.flow().trajectory().size());
            double[] steps = tr.stream().mapToDouble(NormalisedFlow.Point::steps).toArray();
            double[] su = tr.stream().mapToDouble(q -> Math.max(q.speedUnit(), 1e-300)).toArray();
            double[] loss = tr.stream().mapToDouble(NormalisedFlow.Point::loss).toArray();
            double sStar = EscapeSpeed.unitSpeed(o.report().speed(), ls.size());
            double[] line = new double[steps.length];
            java.util.Arrays.fill(line, sStar);
            org.saddlescope.report.Figures.Panel a = org.saddlescope.report.Figures.panel("Unit-sphere speed −L0(θ/‖θ‖) along the flow from θ0",
                    "predicted GD steps", "s_unit").logX().logY().line("flow from θ0", steps, su).dashed("s*_unit of the direction", steps, line);
            org.saddlescope.report.Figures.Panel b = org.saddlescope.report.Figures.panel("Loss along the flow from θ0", "predicted GD steps", "loss")
                    .logX().line("flow from θ0", steps, loss);
            for (PlateauEnd e : o.plateau()) {
                if (!Double.isNaN(e.flowSteps()) && e.flowSteps() > 0) b.vline(e.flowSteps(), "drop " + e.lossDrop());
            }
            org.saddlescope.report.Figures.grid("Predicted origin plateau", List.of(a, b), 2, folder.figures(), "prediction_plateau");
        }
    }

    /** √L-sphere speed −⟨G, Y_ρ⟩ of a direction rescaled to ‖ρ‖² = L, in the data's dtype. */
    static double speed(Network direction, Matrix x, Matrix g) {
        Network net = direction.to(x.dtype());
        int L = net.depth();
        net.scale(Math.sqrt(L / net.normSquared()));
        try (Matrix y = net.outputs(x)) {
            return -g.dot(y);
        }
    }

    /** Padding leaves L0 and ‖θ‖² unchanged: measured on (up to) 1000 samples. */
    private static Map<String, Object> embeddingCheck(Network small, Network padded, Matrix x, Matrix g) {
        int n = Math.min(1000, x.cols());
        Map<String, Object> m = new LinkedHashMap<>();
        try (Matrix xs = x.columns(0, n).to(DType.F64); Matrix gs = g.columns(0, n).to(DType.F64);
             Matrix ys = small.outputs(xs); Matrix yp = padded.outputs(xs)) {
            double a = gs.dot(ys), b = gs.dot(yp);
            m.put("samples_checked", n);
            m.put("l0_small", a);
            m.put("l0_padded", b);
            m.put("norm_squared_small", small.normSquared());
            m.put("norm_squared_padded", padded.normSquared());
            m.put("exact", "zero units in a bias-free network with sigma(0) = 0 change neither Y, L0, ||theta|| nor the gradient");
        }
        return m;
    }

    static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4g", v);
    }
}
