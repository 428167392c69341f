package org.saddlescope.theorycheck;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.data.Dataset;
import org.saddlescope.datasets.DataSource;
import org.saddlescope.escape.Diagnostics;
import org.saddlescope.escape.Embedding;
import org.saddlescope.escape.EscapeSearch;
import org.saddlescope.escape.NewUnitTest;
import org.saddlescope.escape.Staircase;
import org.saddlescope.io.BadInputException;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.report.HtmlReport;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.theory.EscapeSpeed;
import org.saddlescope.theory.Proposition34;
import org.saddlescope.theory.Theorem31;
import org.saddlescope.trainrun.RunSetup;
import org.saddlescope.runs.RunFiles;

/**
 * The theory's prediction for a training run, from its data, cost, architecture, θ0 and learning-rate law alone
 * ({@code saddlescope predict}; no budget needed): G = ∇C(0); the best escape direction found ({@link EscapeSearch}),
 * padded with zero units into the run's widths (exact, {@link Embedding}); its speed in both normalisations; the
 * generalised-gradient new-unit test ({@link NewUnitTest}); the rank structure of every layer; Theorem 3.1 and
 * Proposition 3.4 with the depths from which they say anything; when the origin plateau ends ({@link PlateauPrediction}:
 * the reduced model's prediction, a simulation of the run's flow when affordable, the aligned-start bound); and with
 * {@code saddles} &gt; 0 the staircase of the next saddles ({@link Staircase}). Float32 passes for large data, float64
 * for small problems and for every reported speed.
 */
public final class Prediction {
    private Prediction() {}

    /**
     * @param searchWidth      hidden width of the restarts (the run's widths if smaller)
     * @param restarts         random restarts at that width
     * @param searchSubset     stratified training samples the restarts see (0 = all)
     * @param iterations       iterations per restart
     * @param refineIterations iterations of the best direction on all the training data
     * @param unitStarts       random starts of each single-unit search
     * @param plateauSubset    samples of the plateau models (0 = all; negative = skip them)
     * @param plateauTolerance local error tolerance of the simulation
     * @param maxQ             horizon of the plateau models in normalised time
     * @param lossDrops        fractions f: the plateau ends when the loss is (1 − f)·C(0) (the escape's onset is 0.01)
     * @param reducedAngle     largest turn of θ per Euler step of the reduced model (radians)
     * @param simulate         auto, on or off: the simulation of the run's gradient flow
     * @param maxEvaluations   gradient evaluations allowed to each plateau model
     * @param saddles          saddles of the staircase after the origin (0 = none)
     * @param fitIterations    gradient-descent iterations of each staircase fit
     */
    public record Settings(int searchWidth, int restarts, int searchSubset, int iterations, int refineIterations, int unitStarts,
                           int plateauSubset, double plateauTolerance, double maxQ, double[] lossDrops, int topK, double reducedAngle,
                           String simulate, int maxEvaluations, int saddles, int fitIterations) {
        public static Settings defaults() {
            return new Settings(32, 4, 10_000, 300, 40, 16, 1000, 1e-4, 1e12, new double[] {0.001, 0.01, 0.1}, 10, 2e-3, "auto", 20_000, 0,
                    20_000);
        }

        EscapeSearch.Options search() {
            return new EscapeSearch.Options(searchWidth, restarts, searchSubset, iterations, refineIterations, unitStarts);
        }
    }

    /** A candidate direction as candidates.csv lists it: name, the hidden widths it ran at, speeds. */
    public record Candidate(String name, int[] widths, double speedSearch, double speed, double speedUnit) {}

    /** Plateau end for loss drop f: the reduced model, the simulation, the aligned-start bound (q and steps; NaN if not reached). */
    public record PlateauEnd(double lossDrop, double reducedQ, double reducedSteps, double simulatedQ, double simulatedSteps,
                             double alignedQ, double alignedSteps) {}

    public record Outcome(Map<String, Object> summary, Network direction, Network padded, Diagnostics.Report report,
                          List<Candidate> candidates, List<NewUnitTest.Layer> newUnits, List<PlateauEnd> plateau,
                          org.saddlescope.train.flow.NormalisedFlow.Result reduced, org.saddlescope.train.flow.NormalisedFlow.Result simulation,
                          List<Staircase.Saddle> staircase) {}

    /** What every part reads: the data (float64, and in the dtype of the passes), G, C(0), θ0 and the seed's streams. */
    record Inputs(TrainConfig cfg, DataSource.Loaded loaded, Dataset data64, Dataset data, Matrix g64, Matrix g, double c0,
                  Network theta0, int[] widths, Cost cost, RandomStreams streams) {
        int depth() { return widths.length - 1; }
    }

    static Inputs inputs(TrainConfig cfg) {
        if (cfg.activation != Activation.RELU) throw new BadInputException("predict needs a ReLU network (the escape theory of the paper), got " + cfg.activation);
        Cost cost = Cost.parse(cfg.cost);
        DataSource.Loaded loaded = DataSource.load(cfg.dataset, new DataSource.Options(cfg.subset, -1,
                DataSource.Options.defaults(DType.F64).subsetKind(), cfg.standardize, DType.F64, cfg.seed));
        Dataset data64 = loaded.train();
        org.saddlescope.datasets.CostFit.check(cost, data64, cfg.dataset);
        // float32 passes for large data (the searches and the flows are BLAS-bound), float64 for small problems, where the
        // kink polish and exact speeds (Example 1: 1/2) need it; reported speeds are always taken in float64
        boolean large = (long) data64.size() * data64.inputDim() > 2_000_000L;
        Dataset data = large ? data64.to(DType.F32) : data64;
        Network theta0 = new RunSetup(loaded, cost, cfg.activation, org.saddlescope.net.Precision.FLOAT64).buildNetwork(cfg);
        int[] widths = theta0.widths();
        if (widths.length - 1 < 2) throw new BadInputException("predict needs depth >= 2, got " + (widths.length - 1));
        Matrix g64 = loaded.g() != null ? loaded.g().to(DType.F64) : cost.gradientAtZero(data64.targets());
        double c0;
        try (Matrix zero = Matrix.zeros(DType.F64, data64.outputDim(), data64.size())) {
            c0 = cost.value(zero, data64.targets());
        }
        return new Inputs(cfg, loaded, data64, data, g64, large ? g64.to(DType.F32) : g64, c0, theta0, widths, cost, RandomStreams.of(cfg.seed));
    }

    /** Runs the prediction for the run described by cfg (its dataset, subset, cost, widths, θ0, lr law). */
    public static Outcome run(TrainConfig cfg, Settings s, ProgressListener progress) {
        Inputs in = inputs(cfg);
        int L = in.depth();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("dataset", in.data().name());
        summary.put("samples", in.data().size());
        summary.put("widths", in.widths());
        summary.put("cost", in.cost().name());
        summary.put("loss_at_origin", in.c0());
        summary.put("norm_x", in.data64().x().frobeniusNorm());
        summary.put("norm_g", in.g64().frobeniusNorm());
        EscapeSearch.Found found = EscapeSearch.run(in.data(), in.g(), in.widths(), s.search(), in.streams(), progress);
        Network direction64 = found.direction();
        Diagnostics.Report rep = Diagnostics.analyse(direction64, in.data64().x(), in.g64(), s.topK());
        progress.progress(2, 5, "new-unit test (one-sided at the kinks)");
        List<NewUnitTest.Layer> newUnits = NewUnitTest.run(direction64, in.data().x(), in.g(), 4, in.streams().stream("unit-search", 2), 100);
        Network padded = Embedding.pad(direction64, in.widths());
        summary.put("direction", directionSummary(rep, found, newUnits, direction64, padded, in));
        summary.put("bounds", bounds(in, rep.speed(), L));
        PlateauPrediction.Result pl = PlateauPrediction.run(in.theta0(), in.data(), in.cost(), in.c0(), rep.speed(), s, in.cfg().lr,
                in.cfg().lr_power, in.streams(), progress);
        summary.put("plateau", pl.summary());
        List<Staircase.Saddle> stair = null;
        if (s.saddles() > 0) {
            progress.progress(5, 5, "staircase: " + s.saddles() + " saddles");
            stair = Staircase.run(in.data64(), in.cost(), in.widths(), new Staircase.Settings(s.saddles(), s.search(), s.fitIterations(), 1e-10,
                    org.saddlescope.spectra.SaddleAnalysis.DEFAULT_RANK_THRESHOLD), in.streams(), progress);
            summary.put("staircase", StaircaseFiles.summary(stair));
        }
        List<PlateauEnd> ends = new ArrayList<>();
        for (PlateauPrediction.End e : pl.ends()) {
            ends.add(new PlateauEnd(e.lossDrop(), e.reducedQ(), e.reducedSteps(), e.simulatedQ(), e.simulatedSteps(), e.alignedQ(), e.alignedSteps()));
        }
        List<Candidate> cands = new ArrayList<>();
        for (EscapeSearch.Candidate c : found.candidates()) cands.add(new Candidate(c.name(), c.widths(), c.speedSubset(), c.speed(), c.speedUnit()));
        return new Outcome(summary, direction64, padded, rep, cands, newUnits, ends, pl.reduced(), pl.simulation(), stair);
    }

    private static Map<String, Object> directionSummary(Diagnostics.Report rep, EscapeSearch.Found found, List<NewUnitTest.Layer> newUnits,
                                                        Network direction64, Network padded, Inputs in) {
        int L = in.depth();
        Map<String, Object> dir = new LinkedHashMap<>();
        dir.put("speed", rep.speed());
        dir.put("speed_unit", EscapeSpeed.unitSpeed(rep.speed(), L));
        dir.put("normalisations", "speed: sqrt(L)-sphere (||theta||^2 = L, Definition 2.1); speed_unit = speed * L^(-L/2), unit sphere");
        dir.put("residual", rep.residual());
        dir.put("source", found.candidates().get(found.best()).name());
        dir.put("search_widths", found.candidates().get(found.best()).widths());
        dir.put("embedding", embeddingCheck(direction64, padded, in.data().x(), in.g()));
        double maxGain = 0, maxClosed = 0, measured = Double.NaN;
        for (NewUnitTest.Layer nu : newUnits) {
            if (nu.gain() > maxGain) { maxGain = nu.gain(); measured = nu.measured(); }
            maxClosed = Math.max(maxClosed, nu.gainClosed());
        }
        dir.put("new_unit_max_gain", maxGain);
        dir.put("new_unit_max_gain_kinks_closed", maxClosed);
        dir.put("new_unit_verdict", newUnitVerdict(maxGain, measured));
        return dir;
    }

    static String newUnitVerdict(double gain, double measured) {
        if (!(gain > 1 + 1e-4)) {
            return "no single added unit found that raises the speed (one-sided gain " + fmt(gain) + " <= 1 + 1e-4 in every hidden layer; not a certificate)";
        }
        if (measured > 1 + 1e-4) return "a single added unit raises the speed (one-sided gain " + fmt(gain) + ", measured " + fmt(measured) + "): the direction is not optimal at the full widths";
        return "the one-sided test finds a gain of " + fmt(gain) + " but the unit added with eps = 1e-3 measures " + fmt(measured)
                + ": not confirmed (a kink deeper than the next layer)";
    }

    private static Map<String, Object> bounds(Inputs in, double sStar, int L) {
        double normX = in.data64().x().frobeniusNorm(), normG = in.g64().frobeniusNorm();
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
        return bounds;
    }

    /**
     * Predicts for cfg into the new run folder out: config.yaml (without a budget: predict uses none), the files of
     * {@link PredictionFiles#write}, manifest.json and report.html. The folder is checked before the work as well as when
     * it is created.
     */
    public static Outcome start(TrainConfig cfg, Settings s, Path out, ProgressListener progress) {
        RunFolder.checkNew(out);
        Instant start = Instant.now();
        Outcome o = run(cfg, s, progress); // validates everything; nothing is written before it returns
        try (RunFolder folder = RunFolder.create(out, "predict")) {
            Map<String, Object> yaml = cfg.toMap();
            yaml.remove("steps");
            yaml.remove("epochs");
            folder.writeYaml(RunFiles.CONFIG, yaml);
            PredictionFiles.write(folder, o);
            folder.writeManifest("predict", cfg.seed, start, Instant.now(), Map.of("settings", s));
            HtmlReport html = new HtmlReport(folder.root()).title("saddlescope predict: " + o.summary().get("dataset"));
            for (String l : lines(o)) html.note(l);
            html.write();
            folder.publish();
        }
        return o;
    }

    /** The prediction in a few lines (what predict prints and its report shows). */
    public static List<String> lines(Outcome o) {
        return PredictionFiles.lines(o);
    }

    /** Padding leaves L0 and ‖θ‖² unchanged: measured on (up to) 1000 samples. */
    private static Map<String, Object> embeddingCheck(Network small, Network padded, Matrix x, Matrix g) {
        int n = Math.min(1000, x.cols());
        Map<String, Object> m = new LinkedHashMap<>();
        try (Matrix xs = x.columns(0, n).to(DType.F64); Matrix gs = g.columns(0, n).to(DType.F64);
             Matrix ys = small.outputs(xs); Matrix yp = padded.outputs(xs)) {
            m.put("samples_checked", n);
            m.put("l0_small", gs.dot(ys));
            m.put("l0_padded", gs.dot(yp));
            m.put("norm_squared_small", small.normSquared());
            m.put("norm_squared_padded", padded.normSquared());
            m.put("exact", "zero units in a bias-free network with sigma(0) = 0 change neither Y, L0, ||theta|| nor the gradient");
        }
        return m;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
