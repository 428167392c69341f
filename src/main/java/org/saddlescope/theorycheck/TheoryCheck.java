package org.saddlescope.theorycheck;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.data.Dataset;
import org.saddlescope.escape.Diagnostics;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.Svd;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.report.Figures;
import org.saddlescope.report.HtmlReport;
import org.saddlescope.report.Table;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.datasets.DataSource;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;
import org.saddlescope.io.Json;
import org.saddlescope.loss.Cost;
import org.saddlescope.spectra.EscapeDefinition;

/**
 * A training run's observed first escape against the theory's prediction ({@code saddlescope check-theory RUN}):
 * the step at which the origin plateau ends (first logged loss at or below (1 − f)·C0) against the flow from the
 * run's θ0 and the aligned-start bound; the unit-sphere speed −L0(θ/‖θ‖) on the plateau (metrics.csv's speed_unit)
 * against the predicted flow and s*_unit; the direction after the escape by measures that do not depend on how hidden
 * units are numbered — the top right singular vector of W_1 (input space) and the top left one of W_L (output
 * space) of what training learned, W_ℓ − W_ℓ(0), against the predicted direction's, and the change of the network's
 * outputs on the training data against the predicted outputs (cosines, with chance levels); the learned part's tail
 * ratio per layer against the prediction's, with the initial weights' share of each layer; and whether the run is
 * close enough to gradient flow for the comparison to be a test.
 */
public final class TheoryCheck {
    private TheoryCheck() {}

    /** What a prediction says, read from a predict folder. */
    public record Predicted(double speed, double speedUnit, Network direction, List<Prediction.PlateauEnd> ends,
                            double[] flowSteps, double[] flowSpeedUnit, double[] flowLoss, Diagnostics.Report report, String source) {
        Path folder() { return Path.of(source); }
        /** From a folder written by {@code saddlescope predict}. */
        public static Predicted load(Path dir) {
            try {
                JsonNode p = Json.JSON.readTree(dir.resolve(RunFiles.PREDICTION).toFile());
                JsonNode d = p.get("direction");
                Network net = Weights.loadNew(dir.resolve(RunFiles.WEIGHTS).resolve(RunFiles.DIRECTION_WEIGHTS), Activation.RELU, DType.F64);
                List<Prediction.PlateauEnd> ends = new ArrayList<>();
                for (JsonNode e : p.path("plateau").path("ends")) {
                    ends.add(new Prediction.PlateauEnd(e.get("lossDrop").asDouble(), num(e.get("reducedQ")), num(e.get("reducedSteps")),
                            num(e.get("simulatedQ")), num(e.get("simulatedSteps")), num(e.get("alignedQ")), num(e.get("alignedSteps"))));
                }
                double[] st = new double[0], su = new double[0], lo = new double[0];
                Path flow = dir.resolve(RunFiles.PLATEAU_REDUCED);
                if (Files.exists(flow)) {
                    Table t = Table.read(flow);
                    st = t.column("steps");
                    su = t.column("speed_unit");
                    lo = t.column("loss");
                }
                return new Predicted(d.get("speed").asDouble(), d.get("speed_unit").asDouble(), net, ends, st, su, lo, null, dir.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NullPointerException e) {
                throw new BadInputException(dir + " is not a predict folder (prediction.json, weights/direction.npz)");
            }
        }

        private static double num(JsonNode n) {
            return n == null || n.isNull() || !n.isNumber() ? Double.NaN : n.asDouble();
        }
    }

    /** One compared quantity: what the theory predicts, what the run did, and how they compare. */
    public record Row(String quantity, double predicted, double observed, String comparison, String note) {}

    public record Outcome(List<Row> rows, Map<String, Object> summary) {}

    /**
     * check-theory on the train run folder {@code run}: the prediction is read from {@code prediction} (a predict
     * folder), or from RUN/prediction/, or made now for the run's own config.yaml into RUN/prediction/; then
     * {@link #check} writes theory_check.* and the run's report.html is refreshed.
     */
    public static Outcome start(Path run, Path prediction, Prediction.Settings s, ProgressListener progress) {
        if (!Files.isRegularFile(run.resolve(RunFiles.CONFIG)) || !Files.isRegularFile(run.resolve(RunFiles.METRICS))
                || !Files.isRegularFile(run.resolve(RunFiles.WEIGHTS).resolve(RunFiles.INITIAL_WEIGHTS))) {
            throw new BadInputException(run + " is not a train run folder (config.yaml, metrics.csv, weights/initial.npz)");
        }
        if (prediction != null && !Files.isRegularFile(prediction.resolve(RunFiles.PREDICTION))) {
            throw new BadInputException(prediction + " is not a predict folder (no prediction.json)");
        }
        Path own = run.resolve("prediction");
        if (prediction == null && Files.isRegularFile(own.resolve(RunFiles.PREDICTION))) prediction = own;
        if (prediction == null) {
            Path yaml = run.resolve(RunFiles.CONFIG);
            Prediction.start(TrainConfig.merge(List.of(TrainConfig.readYaml(yaml)), yaml.toString()), s, own, progress);
            prediction = own;
        }
        Predicted pred = Predicted.load(prediction);
        try (RunFolder folder = RunFolder.openForWriting(run, "check-theory")) {
            Outcome o = check(folder, pred);
            HtmlReport html = new HtmlReport(folder.root()).title("saddlescope run: " + folder.root().getFileName());
            for (String n : TheoryAddon.notes(folder.root())) html.note(n);
            html.note("check-theory: theory_check.md, theory_check.csv and figures/theory_check.png compare this run with " + pred.source());
            html.write();
            return o;
        }
    }

    /** Compares the run in {@code run} with the prediction; writes theory_check.* and figures/theory_check.* into it. */
    public static Outcome check(RunFolder run, Predicted pred) {
        TrainConfig cfg = TrainConfig.merge(List.of(TrainConfig.readYaml(run.path(RunFiles.CONFIG))), run.path(RunFiles.CONFIG).toString());
        Table m = Table.read(run.path(RunFiles.METRICS));
        // the nominal axis (minibatch steps at the configured lr): the prediction's, spectra.csv's and the saddle files'
        double[] step = m.column(m.timeAxis()), loss = m.column("loss");
        double c0 = Double.NaN;
        for (double v : loss) if (Double.isFinite(v)) { c0 = v; break; }
        List<Row> rows = new ArrayList<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("run", run.root().toString());
        summary.put("prediction", pred.source());
        summary.put("loss_at_start", c0);
        summary.put("escape_definition", "onset: first logged window-mean loss " + EscapeDefinition.ONSET_DROP + " below C0; the detector decides whether it is an escape");
        long escapeStep = plateauRows(run, pred, step, loss, c0, rows, summary);
        speedRows(m, step, escapeStep, pred, rows);
        Network w0 = Weights.loadNew(run.weights().resolve(RunFiles.INITIAL_WEIGHTS), cfg.activation, DType.F64);
        Path after = afterEscape(run);
        summary.put("weights_after_escape", run.root().relativize(after).toString());
        Network w = Weights.loadNew(after, cfg.activation, DType.F64);
        if (pred.direction().depth() != w.depth()) throw new BadInputException("the prediction has depth " + pred.direction().depth() + " but the run " + w.depth());
        Dataset data = RunData.train(cfg, DType.F64);
        try (Matrix g = Cost.parse(cfg.cost).gradientAtZero(data.targets())) {
            directionRows(w, w0, pred, data, g, cfg.seed, rows);
        }
        List<TheoryAddon.LayerShare> shares = TheoryAddon.snapshot("after", -1, w0, w, cfg.seed).layers();
        for (int l = 1; l <= w.depth(); l++) {
            TheoryAddon.LayerShare s = shares.get(l - 1);
            double predictedTail = pred.report() != null ? pred.report().layers().get(l - 1).tailW() : tail(pred.direction().weight(l));
            rows.add(new Row("layer " + l + ": tail ratio of W_l - W_l(0) after the escape", predictedTail, s.tailLearned(),
                    String.format(Locale.ROOT, "initial share %.3f", s.initialShare()), "predicted: tail ratio of the direction's W_l"));
        }
        rows.addAll(StaircaseCheck.rows(run.root(), pred.folder(), w0, data, Cost.parse(cfg.cost)));
        FlowFaithful.Check ff = FlowFaithful.of(run.path(RunFiles.METRICS), cfg.activation.positivelyHomogeneous(), escapeStep);
        summary.put("flow_faithful", ff.toMap());
        summary.put("rows", rows);
        TheoryCheckFiles.write(run, rows, summary, ff, step, loss, m.has("speed_unit") ? m.column("speed_unit") : null, pred, shares);
        return new Outcome(rows, summary);
    }

    /**
     * The escape's onset observed (first logged window mean {@link EscapeDefinition#ONSET_DROP} below C0) against the
     * reduced model (the prediction), the simulation and the aligned bound; the other loss drops beside; and whether the
     * detector counts it as an escape. Returns the observed onset step (−1 if none).
     */
    private static long plateauRows(RunFolder run, Predicted pred, double[] step, double[] loss, double c0, List<Row> rows, Map<String, Object> summary) {
        long onset = -1;
        for (Prediction.PlateauEnd e : pred.ends()) {
            double observed = EscapeDefinition.onset(step, loss, c0 / (1 - EscapeDefinition.ONSET_DROP) * (1 - e.lossDrop()));
            boolean isOnset = e.lossDrop() == EscapeDefinition.ONSET_DROP;
            if (isOnset && Double.isFinite(observed)) onset = (long) observed;
            String f = String.format(Locale.ROOT, "%.3g", e.lossDrop()), head = isOnset ? "first escape onset (loss down " + f + ")" : "loss down " + f;
            rows.add(new Row(head + " (steps): reduced model (the theory's prediction)", e.reducedSteps(), observed, error(observed, e.reducedSteps()),
                    "localized loss from theta0; never evaluates the cost"));
            rows.add(new Row(head + " (steps): simulation of the run's gradient flow", e.simulatedSteps(), observed, error(observed, e.simulatedSteps()),
                    "the cost's own flow from theta0 on a subset: a re-run, not a prediction"));
            rows.add(new Row(head + " (steps): aligned start (Prop 2.2, lower bound)", e.alignedSteps(), observed,
                    e.alignedSteps() == 0 ? "vacuous (0 steps)" : Double.isFinite(observed) && observed >= e.alignedSteps() ? "bound holds"
                            : Double.isFinite(observed) ? "BOUND VIOLATED" : "not reached", "localized loss, speed of the direction found"));
        }
        summary.put("detector", detectorOnset(run, onset));
        return onset;
    }

    /** What the detector (this version's, rerun on the step log) says of the observed onset: escape 1's onset and middle, or none. */
    private static String detectorOnset(RunFolder run, long onset) {
        if (!Files.exists(run.path(RunFiles.STEP_LOG))) return "no step log to run the detector on";
        org.saddlescope.spectra.PlateauDetector.Result det = org.saddlescope.trainrun.SpectraAddon.detect(run.root(), 0,
                org.saddlescope.spectra.PlateauDetector.Settings.defaults());
        if (det.escapes().isEmpty()) return onset < 0 ? "no escape, and the loss did not fall 1%" : "the loss fell 1% at step " + onset + " but the detector accepted no escape";
        org.saddlescope.spectra.PlateauDetector.Escape e = det.escapes().get(0);
        boolean agrees = onset >= e.startStep() / 1.3 && onset <= e.endStep() * 1.3;
        return String.format(Locale.ROOT, "detector escape 1: start %.0f, onset %.0f, middle %.0f, end %.0f%s", e.startStep(), e.onsetStep(),
                e.middleStep(), e.endStep(), onset < 0 ? "" : agrees ? "; the observed onset " + onset + " lies in it" : "; the observed onset " + onset + " lies OUTSIDE it");
    }

    private static void speedRows(Table m, double[] step, long escapeStep, Predicted pred, List<Row> rows) {
        if (!m.has("speed_unit")) return;
        double[] su = m.column("speed_unit");
        double lastPlateau = Double.NaN, lastStep = Double.NaN;
        for (int i = 0; i < step.length; i++) {
            if (!Double.isFinite(su[i])) continue;
            if (escapeStep > 0 && step[i] > escapeStep) break;
            lastPlateau = su[i];
            lastStep = step[i];
        }
        double flowAt = interpolate(pred.flowSteps(), pred.flowSpeedUnit(), lastStep);
        rows.add(new Row(String.format(Locale.ROOT, "unit-sphere speed -L0(theta/|theta|) at step %.0f (last evaluation on the plateau)", lastStep),
                flowAt, lastPlateau, ratio(lastPlateau, flowAt), "predicted: the reduced model at that step"));
        double maxObserved = Double.NEGATIVE_INFINITY;
        for (double v : su) if (Double.isFinite(v)) maxObserved = Math.max(maxObserved, v);
        rows.add(new Row("largest unit-sphere speed seen in the run vs s*_unit", pred.speedUnit(), maxObserved, ratio(maxObserved, pred.speedUnit()),
                "s*_unit = speed of the predicted direction on the unit sphere"));
    }

    /**
     * The learned direction against the predicted one by measures that can fail: Gram cosines of W_1's input side and
     * W_L's output side (with chance levels; uninformative ones say so), the learned part's own speed against s*, and the
     * outputs' change on the data against the predicted outputs.
     */
    private static void directionRows(Network w, Network w0, Predicted pred, Dataset data, Matrix g, long seed, List<Row> rows) {
        int L = w.depth();
        java.util.SplittableRandom rng = org.saddlescope.random.RandomStreams.of(seed).stream("check-chance");
        try (Matrix d1 = learned(w, w0, 1); Matrix dL = learned(w, w0, L)) {
            DirectionMeasures.Gram in = DirectionMeasures.gramCosine(d1, pred.direction().weight(1), true, rng);
            rows.add(gramRow("input side: cos(Gram of W_1 - W_1(0), Gram of the predicted W_1) over the inputs", in));
            DirectionMeasures.Gram out = DirectionMeasures.gramCosine(dL, pred.direction().weight(L), false, rng);
            rows.add(gramRow("output side: cos(Gram of W_L - W_L(0), Gram of the predicted W_L) over the outputs", out));
        }
        int n = Math.min(5000, data.size());
        try (Matrix x = data.x().columns(0, n).copy(); Matrix gs = g.columns(0, n).copy()) {
            double sLearned = DirectionMeasures.learnedSpeed(w, w0, x, gs) * data.size() / n;
            rows.add(new Row("speed of the learned direction theta - theta(0) on the sqrt(L) sphere vs s*", pred.speed(), sLearned,
                    ratio(sLearned, pred.speed()), "symmetry-invariant; s* is the best found (the learned one can exceed it)"));
            rows.add(new Row("outputs on the training data: cos(Y(theta) - Y(theta0), Y(predicted direction))", 1, outputsCosine(x, w, w0, pred.direction()),
                    "chance ~0", "signed Frobenius cosine over up to 5000 training samples; not invariant to symmetries of the data"));
        }
    }

    private static Row gramRow(String what, DirectionMeasures.Gram gr) {
        return new Row(what, 1, gr.cosine(), String.format(Locale.ROOT, "chance %.3f +- %.3f%s", gr.chanceMean(), gr.chanceSd(),
                gr.informative() ? "" : " (UNINFORMATIVE: chance > 0.9)"), "permutation- and sign-invariant");
    }

    /** The weights on the saddle after the first escape: plateau 1's middle snapshot, else the 10% drop, else the end. */
    private static Path afterEscape(RunFolder run) {
        if (Files.exists(run.path(RunFiles.STEP_LOG))) {
            PlateauPoints.Point p = PlateauPoints.plateau(PlateauPoints.of(run.root()), 1);
            if (p != null) return p.weights();
        }
        Path snap = firstSnapshot(run);
        return snap != null ? snap : run.weights().resolve(RunFiles.FINAL_WEIGHTS);
    }

    private static Path firstSnapshot(RunFolder run) {
        for (double f : new double[] {0.1, 0.5}) {
            Path p = run.weights().resolve(RunFiles.lossDropWeights(TheoryAddon.key(f)));
            if (Files.exists(p)) return p;
        }
        return null;
    }

    private static Matrix learned(Network w, Network w0, int l) {
        Matrix d = w.weight(l).copy();
        d.addScaled(-1, w0.weight(l));
        return d;
    }



    private static double outputsCosine(Matrix x, Network w, Network w0, Network dir) {
        try (Matrix y = w.outputs(x); Matrix y0 = w0.outputs(x); Matrix yp = dir.outputs(x)) {
            y.addScaled(-1, y0);
            double den = y.frobeniusNorm() * yp.frobeniusNorm();
            return den > 0 ? y.dot(yp) / den : Double.NaN;
        }
    }

    private static double tail(Matrix a) {
        return org.saddlescope.theory.RankMeasures.tailRatio(Svd.singularValues(a));
    }




    private static String ratio(double observed, double predicted) {
        if (!Double.isFinite(observed)) return "not reached";
        if (!Double.isFinite(predicted) || predicted == 0) return "no prediction";
        return String.format(Locale.ROOT, "observed/predicted = %.3g", observed / predicted);
    }

    /** Linear interpolation of y at x on increasing xs; NaN outside. */
    static double interpolate(double[] xs, double[] ys, double x) {
        if (xs.length == 0 || !Double.isFinite(x) || x < xs[0] || x > xs[xs.length - 1]) return Double.NaN;
        for (int i = 1; i < xs.length; i++) {
            if (xs[i] >= x) {
                double t = xs[i] == xs[i - 1] ? 0 : (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
                return ys[i - 1] + t * (ys[i] - ys[i - 1]);
            }
        }
        return ys[ys.length - 1];
    }

    static String error(double observed, double predicted) {
        if (!Double.isFinite(observed)) return "not reached";
        if (!Double.isFinite(predicted) || predicted == 0) return "no prediction";
        return String.format(Locale.ROOT, "observed/predicted = %.3g (error %+.0f%%)", observed / predicted, 100 * (predicted - observed) / observed);
    }
}
