package org.saddlescope.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.report.Figures;
import org.saddlescope.report.Panel;
import org.saddlescope.report.HtmlReport;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.spectra.PlateauDetector;

/** The real-run benchmark's folder: real_cases.csv, real_score_by_group.csv, real_score.json|md, a figure, report.html. */
public final class RealRunBenchmarkReport {
    private RealRunBenchmarkReport() {}

    public static void write(RunFolder folder, List<RealRunBenchmark.Result> results, PlateauDetector.Settings settings) {
        try (CsvWriter w = new CsvWriter(folder.path("real_cases.csv"), new String[] {"group", "run", "seed", "held_out", "up_to_step",
                "labelled_steps", "detected_steps", "matched", "false_detections", "missed", "errors_decades"}, false)) {
            for (RealRunBenchmark.Result r : results) {
                int tp = r.truePositives();
                w.row(r.c().group(), r.c().run().getFileName().toString(), r.c().seed(), r.c().heldOut(), r.c().upTo() > 0 ? r.c().upTo() : null,
                        join(r.labels()), join(r.detected()), tp, r.detected().length - tp, r.labels().length - tp, join(r.error()));
            }
        }
        Map<String, List<RealRunBenchmark.Result>> groups = RealRunBenchmark.groups(results);
        StringBuilder md = new StringBuilder("# The detector on real runs\n\nLabels: escape k where sigma_k of the outputs on ")
                .append("1000 training samples reaches an rms of ").append(RealRunBenchmark.LABEL_RMS)
                .append(" per sample (outputs.csv); matched within ").append(DetectorBenchmark.TOLERANCE_DECADES)
                .append(" decades, one to one. Precision and recall with Wilson 95% intervals; timing error |log10(detected middle / label)|; ")
                .append("false alarms: the runs with a detection that matches no label (the figure of the negative controls), Wilson 95% over runs.\n\n")
                .append("| group | runs | labelled | detected | matched | precision [95% CI] | recall [95% CI] | median / max error (decades) | mean signed error | false alarms [95% CI] |\n")
                .append("|---|---:|---:|---:|---:|---|---|---|---:|---|\n");
        try (CsvWriter w = new CsvWriter(folder.path("real_score_by_group.csv"), new String[] {"group", "runs", "labelled", "detected", "matched",
                "precision", "precision_low", "precision_high", "recall", "recall_low", "recall_high", "median_error_decades",
                "max_error_decades", "mean_signed_error_decades", "runs_with_false_detection", "false_alarm_rate", "false_alarm_low",
                "false_alarm_high"}, false)) {
            List<RealRunBenchmark.Result> all = new ArrayList<>(results);
            Map<String, List<RealRunBenchmark.Result>> rows = new LinkedHashMap<>(groups);
            rows.put("all", all);
            for (Map.Entry<String, List<RealRunBenchmark.Result>> e : rows.entrySet()) {
                RealRunBenchmark.Score s = RealRunBenchmark.score(e.getValue());
                w.row(e.getKey(), s.cases(), s.labelled(), s.detected(), s.matched(), s.precision(), s.precisionCi()[0], s.precisionCi()[1],
                        s.recall(), s.recallCi()[0], s.recallCi()[1], s.medianError(), s.maxError(), s.meanSignedError(), s.falseAlarmCases(),
                        s.falseAlarmRate(), s.falseAlarmCi()[0], s.falseAlarmCi()[1]);
                md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %s | %s | %.3f / %.3f | %+.3f | %d/%d %s |%n", e.getKey(), s.cases(),
                        s.labelled(), s.detected(), s.matched(), ci(s.precision(), s.precisionCi()), ci(s.recall(), s.recallCi()), s.medianError(),
                        s.maxError(), s.meanSignedError(), s.falseAlarmCases(), s.cases(), ci(s.falseAlarmRate(), s.falseAlarmCi()).replaceFirst("^[^ ]* ", "")));
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label_rule", "escape k = first step at which sigma_k(Y_theta(X_probe)) / sqrt(n_probe) >= " + RealRunBenchmark.LABEL_RMS
                + ", from below a tenth of it");
        m.put("tolerance_decades", DetectorBenchmark.TOLERANCE_DECADES);
        m.put("detector", settings);
        m.put("score", RealRunBenchmark.score(results));
        folder.writeJson("real_score.json", m);
        folder.writeText("real_score.md", md.toString());
        figure(folder, results);
        HtmlReport html = new HtmlReport(folder.root()).title("saddlescope bench-detector: real runs");
        for (String l : md.toString().split("\n")) if (l.startsWith("|") && !l.startsWith("|---")) html.note(l);
        html.write();
    }

    private static void figure(RunFolder folder, List<RealRunBenchmark.Result> results) {
        List<Double> lx = new ArrayList<>(), ly = new ArrayList<>();
        for (RealRunBenchmark.Result r : results) {
            for (int k = 0; k < r.labels().length; k++) {
                if (r.match()[k] < 0) continue;
                lx.add(r.labels()[k]);
                ly.add(r.detected()[r.match()[k]]);
            }
        }
        double[] x = lx.stream().mapToDouble(Double::doubleValue).toArray(), y = ly.stream().mapToDouble(Double::doubleValue).toArray();
        if (x.length == 0) return;
        double lo = Math.min(min(x), min(y)), hi = Math.max(max(x), max(y));
        Panel p = Figures.panel("Detected escape (loss middle) against the output label", "labelled step", "detected step").log(true, true)
                .scatter("matched escapes", x, y).dashed("equal", new double[] {lo, hi}, new double[] {lo, hi});
        Figures.save(p, folder.figures(), "real_detected_vs_label");
    }

    private static double min(double[] v) { double m = Double.POSITIVE_INFINITY; for (double d : v) m = Math.min(m, d); return m; }
    private static double max(double[] v) { double m = Double.NEGATIVE_INFINITY; for (double d : v) m = Math.max(m, d); return m; }

    static String ci(double v, double[] ci) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", v, ci[0], ci[1]);
    }

    static String join(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) sb.append(sb.length() == 0 ? "" : ";").append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.4g", d) : "");
        return sb.toString();
    }
}
