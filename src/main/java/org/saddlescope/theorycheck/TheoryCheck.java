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
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;
import org.saddlescope.io.Json;

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
        /** From a folder written by {@code saddlescope predict}. */
        public static Predicted load(Path dir) {
            try {
                JsonNode p = Json.JSON.readTree(dir.resolve("prediction.json").toFile());
                JsonNode d = p.get("direction");
                Network net = Weights.loadNew(dir.resolve("weights/direction.npz"), Activation.RELU, DType.F64);
                List<Prediction.PlateauEnd> ends = new ArrayList<>();
                for (JsonNode e : p.path("plateau").path("ends")) {
                    ends.add(new Prediction.PlateauEnd(e.get("lossDrop").asDouble(), num(e.get("alignedQ")), num(e.get("alignedSteps")),
                            num(e.get("flowQ")), num(e.get("flowSteps"))));
                }
                double[] st = new double[0], su = new double[0], lo = new double[0];
                Path flow = dir.resolve("plateau_flow.csv");
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
        if (!Files.isRegularFile(run.resolve("config.yaml")) || !Files.isRegularFile(run.resolve("metrics.csv"))
                || !Files.isRegularFile(run.resolve("weights/initial.npz"))) {
            throw new BadInputException(run + " is not a train run folder (config.yaml, metrics.csv, weights/initial.npz)");
        }
        if (prediction != null && !Files.isRegularFile(prediction.resolve("prediction.json"))) {
            throw new BadInputException(prediction + " is not a predict folder (no prediction.json)");
        }
        Path own = run.resolve("prediction");
        if (prediction == null && Files.isRegularFile(own.resolve("prediction.json"))) prediction = own;
        if (prediction == null) {
            Path yaml = run.resolve("config.yaml");
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
        TrainConfig cfg = TrainConfig.merge(List.of(TrainConfig.readYaml(run.path("config.yaml"))), run.path("config.yaml").toString());
        Table m = Table.read(run.path("metrics.csv"));
        double[] step = m.column("step"), loss = m.column("loss");
        double c0 = Double.NaN;
        for (double v : loss) if (Double.isFinite(v)) { c0 = v; break; }
        List<Row> rows = new ArrayList<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("run", run.root().toString());
        summary.put("prediction", pred.source());
        summary.put("loss_at_start", c0);

        // --- plateau end ---
        for (Prediction.PlateauEnd e : pred.ends()) {
            double observed = Double.NaN;
            for (int i = 0; i < step.length; i++) {
                if (Double.isFinite(loss[i]) && loss[i] <= (1 - e.lossDrop()) * c0) { observed = step[i]; break; }
            }
            String f = String.format(Locale.ROOT, "%.3g", e.lossDrop());
            rows.add(new Row("plateau end: loss down " + f + " (steps), flow from theta0", e.flowSteps(), observed,
                    ratio(observed, e.flowSteps()), "observed = first logged step with window-mean loss <= (1 - f) C0"));
            rows.add(new Row("plateau end: loss down " + f + " (steps), aligned start (Prop 2.2, lower bound)", e.alignedSteps(), observed,
                    Double.isFinite(observed) && observed >= e.alignedSteps() ? "bound holds" : Double.isFinite(observed) ? "BOUND VIOLATED" : "not reached",
                    "localized loss, speed of the direction found"));
        }
        long escapeStep = -1;
        for (Row r : rows) if (Double.isFinite(r.observed())) { escapeStep = (long) r.observed(); break; }

        // --- speed on the plateau ---
        if (m.has("speed_unit")) {
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
                    flowAt, lastPlateau, ratio(lastPlateau, flowAt), "predicted: the flow from theta0 at that step"));
            double maxObserved = Double.NEGATIVE_INFINITY;
            for (double v : su) if (Double.isFinite(v)) maxObserved = Math.max(maxObserved, v);
            rows.add(new Row("largest unit-sphere speed seen in the run vs s*_unit", pred.speedUnit(), maxObserved, ratio(maxObserved, pred.speedUnit()),
                    "s*_unit = speed of the predicted direction on the unit sphere"));
        }

        // --- direction and ranks after the escape ---
        Path snap = firstSnapshot(run);
        Network w0 = Weights.loadNew(run.weights().resolve("initial.npz"), cfg.activation, DType.F64);
        Path after = snap != null ? snap : run.weights().resolve("final.npz");
        summary.put("weights_after_escape", run.root().relativize(after).toString());
        if (snap == null) summary.put("warning", "no weights right after the escape (run without the theory addon): using final.npz, which may lie past later saddles");
        Network w = Weights.loadNew(after, cfg.activation, DType.F64);
        Network dir = pred.direction();
        int L = w.depth();
        if (dir.depth() != L) throw new BadInputException("the prediction has depth " + dir.depth() + " but the run " + L);
        try (Matrix d1 = learned(w, w0, 1); Matrix dL = learned(w, w0, L)) {
            // the predicted layer can be rank two with equal singular values (Example 1), where no single top vector is
            // defined: compare with its dominant subspace (σ_i ≥ σ_1/2), which is the top vector when the layer is rank one
            Svd.Result a = Svd.full(d1), b = Svd.full(dir.weight(1));
            int kIn = dominant(b.s());
            double in = projection(column(a.v(), 0), b.v(), kIn);
            rows.add(new Row(String.format(Locale.ROOT, "input direction: top right singular vector of W_1 - W_1(0) projected on the predicted W_1's "
                    + "dominant right subspace (dim %d)", kIn), 1, in, String.format(Locale.ROOT, "chance (rms) %.3f", Math.sqrt((double) kIn / d1.cols())),
                    "permutation-invariant; 1 = inside it"));
            Svd.Result c = Svd.full(dL), e = Svd.full(dir.weight(L));
            int kOut = dominant(e.s());
            double out = projection(column(c.u(), 0), e.u(), kOut);
            rows.add(new Row(String.format(Locale.ROOT, "output direction: top left singular vector of W_L - W_L(0) projected on the predicted W_L's "
                    + "dominant left subspace (dim %d)", kOut), 1, out, String.format(Locale.ROOT, "chance (rms) %.3f", Math.sqrt((double) kOut / dL.rows())),
                    "permutation-invariant; 1 = inside it"));
            close(a, b, c, e);
        }
        double cosY = outputsCosine(cfg, w, w0, dir);
        rows.add(new Row("outputs on the training data: cos(Y(theta) - Y(theta0), Y(predicted direction))", 1, cosY,
                "chance ~0", "signed Frobenius cosine over up to 5000 training samples"));
        List<TheoryAddon.LayerShare> shares = TheoryAddon.snapshot("after", -1, w0, w, cfg.seed).layers();
        List<Diagnostics.Layer> pl = pred.report() != null ? pred.report().layers() : null;
        for (int l = 1; l <= L; l++) {
            TheoryAddon.LayerShare s = shares.get(l - 1);
            double predictedTail = pl != null ? pl.get(l - 1).tailW() : tail(dir.weight(l));
            rows.add(new Row("layer " + l + ": tail ratio of W_l - W_l(0) after the escape", predictedTail, s.tailLearned(),
                    String.format(Locale.ROOT, "initial share %.3f", s.initialShare()), "predicted: tail ratio of the direction's W_l"));
        }

        // --- flow-faithfulness ---
        FlowFaithful.Check ff = FlowFaithful.of(run.path("metrics.csv"), cfg.activation.positivelyHomogeneous(), escapeStep);
        summary.put("flow_faithful", ff.toMap());
        summary.put("rows", rows);
        write(run, rows, summary, ff, step, loss, m.has("speed_unit") ? m.column("speed_unit") : null, pred, shares);
        return new Outcome(rows, summary);
    }

    private static Path firstSnapshot(RunFolder run) {
        for (double f : new double[] {0.1, 0.01, 0.5}) {
            Path p = run.weights().resolve("loss_drop_" + TheoryAddon.key(f) + ".npz");
            if (Files.exists(p)) return p;
        }
        return null;
    }

    private static Matrix learned(Network w, Network w0, int l) {
        Matrix d = w.weight(l).copy();
        d.addScaled(-1, w0.weight(l));
        return d;
    }

    /** Number of singular values at least half the largest: the dimension of the dominant subspace. */
    static int dominant(double[] s) {
        int k = 0;
        for (double v : s) if (s.length > 0 && v >= 0.5 * s[0]) k++;
        return Math.max(1, k);
    }

    /** ‖V_kᵀ v‖ for unit v and the first k columns of V (orthonormal): 1 when v lies in their span. */
    static double projection(double[] v, Matrix basis, int k) {
        double p = 0;
        for (int j = 0; j < k; j++) {
            double d = dot(v, column(basis, j));
            p += d * d;
        }
        return Math.sqrt(p);
    }

    private static double outputsCosine(TrainConfig cfg, Network w, Network w0, Network dir) {
        DataSource.Options o = new DataSource.Options(cfg.subset, -1, DataSource.Options.defaults(DType.F64).subsetKind(),
                cfg.standardize, DType.F64, cfg.seed);
        Dataset data = DataSource.load(cfg.dataset, o).train();
        int n = Math.min(5000, data.size());
        try (Matrix x = data.x().columns(0, n).copy(); Matrix y = w.outputs(x); Matrix y0 = w0.outputs(x); Matrix yp = dir.outputs(x)) {
            y.addScaled(-1, y0);
            double den = y.frobeniusNorm() * yp.frobeniusNorm();
            return den > 0 ? y.dot(yp) / den : Double.NaN;
        }
    }

    private static double tail(Matrix a) {
        return org.saddlescope.theory.RankMeasures.tailRatio(Svd.singularValues(a));
    }

    private static double[] column(Matrix m, int j) {
        double[] v = new double[m.rows()];
        for (int i = 0; i < v.length; i++) v[i] = m.get(i, j);
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void close(Svd.Result... rs) {
        for (Svd.Result r : rs) {
            if (r.u() != null) r.u().close();
            if (r.v() != null) r.v().close();
        }
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

    private static void write(RunFolder run, List<Row> rows, Map<String, Object> summary, FlowFaithful.Check ff,
                              double[] step, double[] loss, double[] speedUnit, Predicted pred, List<TheoryAddon.LayerShare> shares) {
        run.writeJson("theory_check.json", summary);
        try (CsvWriter w = new CsvWriter(run.path("theory_check.csv"), new String[] {"quantity", "predicted", "observed", "comparison", "note"}, false)) {
            // CsvWriter does not quote: the text columns keep their commas as semicolons
            for (Row r : rows) w.row(r.quantity().replace(',', ';'), r.predicted(), r.observed(), r.comparison().replace(',', ';'), r.note().replace(',', ';'));
        }
        StringBuilder sb = new StringBuilder("# The run against the theory (check-theory)\n\n");
        sb.append("Prediction: ").append(pred.source()).append(String.format(Locale.ROOT, "; s* = %.6g (sqrt(L) sphere), s*_unit = %.6g (unit sphere).%n%n",
                pred.speed(), pred.speedUnit()));
        sb.append("| quantity | predicted | observed | comparison |\n|---|---:|---:|---|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %.4g | %.4g | %s |%n", r.quantity(), r.predicted(), r.observed(), r.comparison()));
        }
        sb.append("\nFlow-faithfulness: ").append(ff.verdict()).append('\n');
        run.writeText("theory_check.md", sb.toString());
        figure(run, rows, step, loss, speedUnit, pred, shares);
    }

    private static void figure(RunFolder run, List<Row> rows, double[] step, double[] loss, double[] speedUnit, Predicted pred,
                               List<TheoryAddon.LayerShare> shares) {
        List<Figures.Panel> panels = new ArrayList<>();
        double[][] lp = finite(step, loss, true);
        Figures.Panel a = Figures.panel("Loss: observed, and the predicted ends of the plateau", "step", "loss").logX()
                .line("run (logged window mean)", lp[0], lp[1]);
        if (pred.flowSteps().length > 1) {
            double[][] fl = finite(pred.flowSteps(), pred.flowLoss(), true);
            a.dashed("flow from θ0 (predicted)", fl[0], fl[1]);
        }
        for (Prediction.PlateauEnd e : pred.ends()) {
            if (Double.isFinite(e.flowSteps()) && e.flowSteps() > 0) a.vline(e.flowSteps(), "predicted " + e.lossDrop());
        }
        panels.add(a);
        if (speedUnit != null) {
            double[][] sp = finite(step, speedUnit, true);
            for (int i = 0; i < sp[1].length; i++) sp[1][i] = Math.max(sp[1][i], 1e-300);
            Figures.Panel b = Figures.panel("Unit-sphere speed −L0(θ/‖θ‖)", "step", "s_unit").logX().logY()
                    .series("run", sp[0], sp[1], Figures.Style.LINE_MARKERS, null);
            if (pred.flowSteps().length > 1) {
                double[][] fs = finite(pred.flowSteps(), pred.flowSpeedUnit(), true);
                for (int i = 0; i < fs[1].length; i++) fs[1][i] = Math.max(fs[1][i], 1e-300);
                b.dashed("flow from θ0 (predicted)", fs[0], fs[1]);
            }
            if (sp[0].length > 0) b.dashed("s*_unit of the predicted direction", new double[] {sp[0][0], sp[0][sp[0].length - 1]},
                    new double[] {pred.speedUnit(), pred.speedUnit()});
            panels.add(b);
        }
        int L = shares.size();
        double[] layer = new double[L], learned = new double[L], predicted = new double[L], init = new double[L];
        for (int l = 0; l < L; l++) {
            layer[l] = l + 1;
            learned[l] = Math.max(shares.get(l).tailLearned(), 1e-16);
            init[l] = shares.get(l).initialShare();
            predicted[l] = Math.max(pred.report() != null ? pred.report().layers().get(l).tailW() : tail(pred.direction().weight(l + 1)), 1e-16);
        }
        panels.add(Figures.panel("Tail ratio by layer after the escape (0 drawn at 1e-16)", "layer ℓ", "ratio").logY()
                .series("learned W_ℓ − W_ℓ(0)", layer, learned, Figures.Style.LINE_MARKERS, null)
                .series("predicted direction", layer, predicted, Figures.Style.LINE_MARKERS, null)
                .series("initial share ‖W_ℓ(0)‖²/‖W_ℓ‖²", layer, init, Figures.Style.DASHED, null));
        List<Double> cos = new ArrayList<>();
        for (Row r : rows) if (r.quantity().contains("direction") || r.quantity().contains("cos(")) cos.add(r.observed());
        double[] idx = new double[cos.size()], cv = new double[cos.size()];
        for (int i = 0; i < cv.length; i++) { idx[i] = i + 1; cv[i] = cos.get(i); }
        panels.add(Figures.panel("Direction: 1 = W_1 input, 2 = W_L output (projections), 3 = outputs Y (cosine)", "measure", "overlap").yRange(-0.05, 1.05)
                .xRange(0.5, cv.length + 0.5).legend(false).series("observed", idx, cv, Figures.Style.SCATTER, null));
        Figures.grid("The run against the theory", panels, 2, run.figures(), "theory_check");
    }

    private static double[][] finite(double[] x, double[] y, boolean positiveX) {
        List<double[]> keep = new ArrayList<>();
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && (!positiveX || x[i] > 0)) keep.add(new double[] {x[i], y[i]});
        }
        double[][] out = new double[2][keep.size()];
        for (int i = 0; i < keep.size(); i++) { out[0][i] = keep.get(i)[0]; out[1][i] = keep.get(i)[1]; }
        return out;
    }
}
