package org.saddlescope.experiments;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.saddlescope.report.Figures;
import org.saddlescope.report.Panel;
import org.saddlescope.report.HtmlReport;
import org.saddlescope.spectra.PlateauDetector;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.runs.RunFolder;

/**
 * The detector benchmark's run folder: cases.csv (one row per true escape: its step, the matched detection, the
 * errors), score.json (precision, recall, timing error, overall and by teacher × optimiser × depth), figures
 * (detected against true steps, the error distributions, one example run) and report.html.
 */
public final class DetectorBenchmarkReport {
    private DetectorBenchmarkReport() {}

    public static void write(RunFolder folder, List<DetectorBenchmark.CaseResult> results, double seconds) {
        DetectorBenchmark.Score all = DetectorBenchmark.score(results);
        try (CsvWriter w = new CsvWriter(folder.path("cases.csv"), new String[] {"teacher", "depth", "batch", "seed", "escape",
                "true_step", "detected_steps", "error_decades", "spectral_error_decades", "detections_in_run", "seconds"}, false)) {
            for (DetectorBenchmark.CaseResult r : results) {
                StringBuilder det = new StringBuilder();
                for (PlateauDetector.Escape e : r.detected().escapes()) det.append(det.length() == 0 ? "" : ";").append(Math.round(e.middleStep()));
                for (int k = 0; k < r.trueSteps().length; k++) {
                    double t = r.trueSteps()[k];
                    w.row(r.c().name(), r.c().depth(), r.c().batch(), r.c().seed(), k + 1, Double.isFinite(t) ? Math.round(t) : null,
                            det.toString(), nan(r.matchedError()[k]), nan(r.spectralError()[k]), r.detectedCount(), r.seconds());
                }
            }
        }
        Map<String, List<DetectorBenchmark.CaseResult>> groups = new TreeMap<>();
        for (DetectorBenchmark.CaseResult r : results) {
            // no commas: CsvWriter writes fields as they are
            String g = String.format(Locale.ROOT, "%s / %s / depth %d", r.c().relu() ? "ReLU" : "linear",
                    r.c().batch() == 0 ? "full batch" : "SGD batch " + r.c().batch(), r.c().depth());
            groups.computeIfAbsent(g, x -> new ArrayList<>()).add(r);
        }
        try (CsvWriter w = new CsvWriter(folder.path("score_by_group.csv"), new String[] {"group", "runs", "true_escapes", "detected",
                "matched", "precision", "recall", "median_error_decades", "max_error_decades"}, false)) {
            for (Map.Entry<String, List<DetectorBenchmark.CaseResult>> e : groups.entrySet()) {
                DetectorBenchmark.Score s = DetectorBenchmark.score(e.getValue());
                w.row(e.getKey(), s.cases(), s.trueEscapes(), s.detectedEscapes(), s.truePositives(), s.precision(), s.recall(),
                        nan(s.medianError()), nan(s.maxError()));
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("summary", all.line());
        m.put("score", all);
        m.put("tolerance_decades", DetectorBenchmark.TOLERANCE_DECADES);
        m.put("strengths", DetectorBenchmark.STRENGTHS);
        m.put("detector", new PlateauDetector().settings());
        m.put("seconds", seconds);
        folder.writeJson("score.json", m);

        figures(folder, results);
        new HtmlReport(folder.root()).title("Saddle detector on labelled saddle-to-saddle runs")
                .note(all.line() + ".")
                .note(String.format(Locale.ROOT, "Truth: escape k is the first step at which σ_k of the network's outputs on the "
                        + "training set reaches half of the teacher's (the function's rank rises to k), probed 100 times per decade. "
                        + "A detection matches a true escape within %.1f decades (one-to-one, nearest first). Teacher strengths "
                        + "3, 1, 1/3; width 12; %d samples.",
                        DetectorBenchmark.TOLERANCE_DECADES, results.isEmpty() ? 0 : results.get(0).c().samples()))
                .caption("detected_vs_true", "Detected escape steps (middle of the fall in log-loss) against the true ones, for every "
                        + "matched escape; dotted: ±0.2 decades, the matching tolerance.")
                .caption("timing_error", "Signed timing error log<sub>10</sub>(t<sub>detected</sub>/t<sub>true</sub>) of the loss "
                        + "middle and of the spectral middle (where the median over layers of ln σ<sub>k</sub> is half-way up).")
                .caption("example_run", "One labelled run: loss against steps, true escapes (T<i>k</i>, green) and detected ones "
                        + "(E<i>k</i>, grey); right, r<sub>k</sub> = σ<sub>k</sub>(Y<sub>θ</sub>)/σ<sub>k</sub>(Y*), how far each singular value "
                        + "of the outputs has come towards the teacher's (the truth is where it reaches ½).")
                .write();
    }

    private static Object nan(double v) { return Double.isFinite(v) ? v : null; }

    private static void figures(RunFolder folder, List<DetectorBenchmark.CaseResult> results) {
        Panel scatter = Figures.panel("Detected against true escape steps", "true step", "detected step").log(true, true);
        Panel errors = Figures.panel("Timing error", "log₁₀(detected / true step)", "escapes");
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (boolean relu : new boolean[] {false, true}) {
            for (int batchKind = 0; batchKind < 2; batchKind++) {
                List<Double> x = new ArrayList<>(), y = new ArrayList<>();
                for (DetectorBenchmark.CaseResult r : results) {
                    if (r.c().relu() != relu || (r.c().batch() == 0) != (batchKind == 0)) continue;
                    for (int k = 0; k < r.trueSteps().length; k++) {
                        if (!Double.isFinite(r.matchedError()[k])) continue;
                        x.add(r.trueSteps()[k]);
                        y.add(r.trueSteps()[k] * Math.pow(10, r.matchedError()[k]));
                        lo = Math.min(lo, r.trueSteps()[k]);
                        hi = Math.max(hi, r.trueSteps()[k]);
                    }
                }
                if (x.isEmpty()) continue;
                scatter.series((relu ? "ReLU" : "linear") + (batchKind == 0 ? ", full batch" : ", SGD"), arr(x), arr(y),
                        Panel.Style.SCATTER, Figures.indexColor(1 + (relu ? 2 : 0) + batchKind));
            }
        }
        if (hi > 0) {
            double a = lo / 2, b = hi * 2, f = Math.pow(10, DetectorBenchmark.TOLERANCE_DECADES);
            scatter.series("detected = true", new double[] {a, b}, new double[] {a, b}, Panel.Style.DASHED, Color.GRAY);
            scatter.series("±0.2 decades", new double[] {a, b}, new double[] {a * f, b * f}, Panel.Style.DOTTED, Color.LIGHT_GRAY);
            scatter.series(" ", new double[] {a, b}, new double[] {a / f, b / f}, Panel.Style.DOTTED, Color.LIGHT_GRAY);
        }
        List<Double> loss = new ArrayList<>(), spectral = new ArrayList<>();
        for (DetectorBenchmark.CaseResult r : results) {
            for (double e : r.matchedError()) if (Double.isFinite(e)) loss.add(e);
            for (double e : r.spectralError()) if (Double.isFinite(e)) spectral.add(e);
        }
        if (!loss.isEmpty()) errors.histogram("loss middle", arr(loss), 24);
        if (!spectral.isEmpty()) errors.histogram("spectral middle", arr(spectral), 24);
        Figures.grid("Saddle detector against the truth", List.of(scatter, errors), 2, folder.figures(), "detected_vs_true");

        // the example: the deepest ReLU SGD run whose escapes were all found (the misses are in cases.csv), else the last
        DetectorBenchmark.CaseResult ex = null;
        for (DetectorBenchmark.CaseResult r : results) {
            boolean clean = r.truePositives() == r.trueCount() && r.detectedCount() == r.trueCount();
            if (r.c().relu() && r.c().batch() > 0 && clean && (ex == null || r.c().depth() > ex.c().depth())) ex = r;
        }
        if (ex == null && !results.isEmpty()) ex = results.get(results.size() - 1);
        if (ex == null) return;
        Panel lp = Figures.panel(ex.c().label(), "step", "loss").log(true, true).line("loss", ex.loss().step(), ex.loss().loss());
        Panel mp = Figures.panel("Output singular values against the teacher's", "step", "σₖ(Y) / σₖ(Y*)").logX().yRange(0, 1.1);
        for (int k = 0; k < ex.trueSteps().length; k++) {
            if (Double.isFinite(ex.trueSteps()[k])) {
                lp.vline(ex.trueSteps()[k], "T" + (k + 1), new Color(0x2ca02c));
                mp.vline(ex.trueSteps()[k], null, new Color(0x2ca02c));
            }
            double[] st = ex.modeFractions().stream().mapToDouble(row -> row[0]).toArray();
            final int kk = k + 1;
            double[] mk = ex.modeFractions().stream().mapToDouble(row -> row[kk]).toArray();
            mp.series("r" + (char) ('\u2080' + kk), st, mk, Panel.Style.LINE, Figures.indexColor(kk));
        }
        for (PlateauDetector.Escape e : ex.detected().escapes()) lp.vline(e.middleStep(), "E" + e.number());
        Figures.grid("A labelled run", List.of(lp, mp), 2, folder.figures(), "example_run");
    }

    private static double[] arr(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
