package org.saddlescope.theorycheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.report.Figures;
import org.saddlescope.report.Panel;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.RunFiles;

/** check-theory's files: theory_check.json|csv|md and figures/theory_check. */
final class TheoryCheckFiles {
    private TheoryCheckFiles() {}

    static void write(RunFolder run, List<TheoryCheck.Row> rows, Map<String, Object> summary, FlowFaithful.Check ff, double[] step, double[] loss,
                      double[] speedUnit, TheoryCheck.Predicted pred, List<TheoryAddon.LayerShare> shares) {
        run.writeJson(RunFiles.THEORY_CHECK + ".json", summary);
        try (CsvWriter w = new CsvWriter(run.path(RunFiles.THEORY_CHECK + ".csv"), new String[] {"quantity", "predicted", "observed", "comparison", "note"}, false)) {
            // CsvWriter does not quote: the text columns keep their commas as semicolons
            for (TheoryCheck.Row r : rows) w.row(r.quantity().replace(',', ';'), r.predicted(), r.observed(), r.comparison().replace(',', ';'), r.note().replace(',', ';'));
        }
        StringBuilder sb = new StringBuilder("# The run against the theory (check-theory)\n\n");
        sb.append("Prediction: ").append(pred.source()).append(String.format(Locale.ROOT, "; s* = %.6g (sqrt(L) sphere), s*_unit = %.6g (unit sphere).%n%n",
                pred.speed(), pred.speedUnit()));
        sb.append("Escape: ").append(summary.get("escape_definition")).append("; ").append(summary.get("detector")).append(".\n\n");
        sb.append("| quantity | predicted | observed | comparison |\n|---|---:|---:|---|\n");
        for (TheoryCheck.Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %.4g | %.4g | %s |%n", r.quantity(), r.predicted(), r.observed(), r.comparison()));
        }
        sb.append("\nFlow-faithfulness: ").append(ff.verdict()).append('\n');
        run.writeText(RunFiles.THEORY_CHECK + ".md", sb.toString());
        figure(run, step, loss, speedUnit, pred, shares);
    }

    private static void figure(RunFolder run, double[] step, double[] loss, double[] speedUnit, TheoryCheck.Predicted pred,
                               List<TheoryAddon.LayerShare> shares) {
        List<Panel> panels = new ArrayList<>();
        double[][] lp = finite(step, loss, true);
        Panel a = Figures.panel("Loss: observed, and the predicted end of the plateau", "step", "loss").logX()
                .line("run (logged window mean)", lp[0], lp[1]);
        if (pred.flowSteps().length > 1) {
            double[][] fl = finite(pred.flowSteps(), pred.flowLoss(), true);
            a.dashed("reduced model from θ0 (localized loss)", fl[0], fl[1]);
        }
        for (Prediction.PlateauEnd e : pred.ends()) {
            if (Double.isFinite(e.reducedSteps()) && e.reducedSteps() > 0) a.vline(e.reducedSteps(), "predicted " + e.lossDrop());
        }
        panels.add(a);
        if (speedUnit != null) {
            double[][] sp = finite(step, speedUnit, true);
            for (int i = 0; i < sp[1].length; i++) sp[1][i] = Math.max(sp[1][i], 1e-300);
            Panel b = Figures.panel("Unit-sphere speed −L0(θ/‖θ‖)", "step", "s_unit").logX().logY()
                    .series("run", sp[0], sp[1], Panel.Style.LINE_MARKERS, null);
            if (pred.flowSteps().length > 1) {
                double[][] fs = finite(pred.flowSteps(), pred.flowSpeedUnit(), true);
                for (int i = 0; i < fs[1].length; i++) fs[1][i] = Math.max(fs[1][i], 1e-300);
                b.dashed("reduced model from θ0", fs[0], fs[1]);
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
            predicted[l] = Math.max(pred.report() != null ? pred.report().layers().get(l).tailW()
                    : org.saddlescope.theory.RankMeasures.tailRatio(org.saddlescope.linalg.Svd.singularValues(pred.direction().weight(l + 1))), 1e-16);
        }
        panels.add(Figures.panel("Tail ratio by layer after the escape (0 drawn at 1e-16)", "layer ℓ", "ratio").logY()
                .series("learned W_ℓ − W_ℓ(0)", layer, learned, Panel.Style.LINE_MARKERS, null)
                .series("predicted direction", layer, predicted, Panel.Style.LINE_MARKERS, null)
                .series("initial share ‖W_ℓ(0)‖²/‖W_ℓ‖²", layer, init, Panel.Style.DASHED, null));
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
