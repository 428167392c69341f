package org.saddlescope.theorycheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.escape.Diagnostics;
import org.saddlescope.escape.NewUnitTest;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.report.Figures;
import org.saddlescope.report.Panel;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;
import org.saddlescope.theory.EscapeSpeed;
import org.saddlescope.train.flow.NormalisedFlow;
import org.saddlescope.runs.RunFiles;

/**
 * What predict writes: prediction.json, candidates.csv, layers.csv, new_units.csv, plateau.csv, plateau_reduced.csv,
 * plateau_simulation.csv, staircase.csv, weights/direction.npz (the direction at the search widths; padding it with
 * zeros gives the full-width one exactly), figures; and its console lines.
 */
final class PredictionFiles {
    private PredictionFiles() {}

    static void write(RunFolder folder, Prediction.Outcome o) {
        folder.writeJson(RunFiles.PREDICTION, o.summary());
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.CANDIDATES), new String[] {"candidate", "widths", "speed_search_subset",
                "speed", "speed_unit"}, false)) {
            for (Prediction.Candidate c : o.candidates()) w.row(c.name(), StaircaseFiles.widths(c.widths()), c.speedSearch(), c.speed(), c.speedUnit());
        }
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.LAYERS), new String[] {"layer", "norm_w", "tail_w", "rank_w",
                "tail_z_sigma", "rank_z_sigma", "nonlinearity", "theorem31_bound"}, false)) {
            for (Diagnostics.Layer l : o.report().layers()) {
                w.row(l.layer(), l.normW(), l.tailW(), l.rankW(), l.tailZ(), l.rankZ(), l.nonlinearity(),
                        Double.isNaN(l.bound()) ? "vacuous" : l.bound());
            }
        }
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.NEW_UNITS), new String[] {"layer", "best_unit_value", "gain", "gain_kinks_closed",
                "kinks", "measured_gain"}, false)) {
            for (NewUnitTest.Layer l : o.newUnits()) w.row(l.layer(), l.best(), l.gain(), l.gainClosed(), l.kinks(), l.measured());
        }
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.PLATEAU), new String[] {"loss_drop", "reduced_q", "reduced_steps",
                "simulated_q", "simulated_steps", "aligned_q", "aligned_steps"}, false)) {
            for (Prediction.PlateauEnd e : o.plateau()) {
                w.row(e.lossDrop(), e.reducedQ(), e.reducedSteps(), e.simulatedQ(), e.simulatedSteps(), e.alignedQ(), e.alignedSteps());
            }
        }
        trajectory(folder, RunFiles.PLATEAU_REDUCED, o.reduced());
        trajectory(folder, RunFiles.PLATEAU_SIMULATION, o.simulation());
        if (o.staircase() != null) StaircaseFiles.write(folder, o.staircase());
        Weights.save(o.direction(), folder.weights().resolve(RunFiles.DIRECTION_WEIGHTS));
        figures(folder, o);
    }

    private static void trajectory(RunFolder folder, String name, NormalisedFlow.Result r) {
        if (r == null) return;
        try (CsvWriter w = new CsvWriter(folder.path(name), new String[] {"q", "steps", "norm", "speed_unit", "loss", "output_rms"}, false)) {
            for (NormalisedFlow.Point p : r.trajectory()) w.row(p.q(), p.steps(), p.norm(), p.speedUnit(), p.loss(), p.outputRms());
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> lines(Prediction.Outcome o) {
        Map<String, Object> d = (Map<String, Object>) o.summary().get("direction");
        Map<String, Object> b = (Map<String, Object>) o.summary().get("bounds");
        Map<String, Object> p = (Map<String, Object>) o.summary().get("plateau");
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "escape direction (%s, widths %s): s* = %.6g on the sqrt(L) sphere, s*_unit = %.6g on the unit sphere, residual %.2g",
                d.get("source"), StaircaseFiles.widths((int[]) d.get("search_widths")), (double) d.get("speed"), (double) d.get("speed_unit"),
                (double) d.get("residual")));
        out.add("new-unit test: " + d.get("new_unit_verdict"));
        out.add(String.format(Locale.ROOT, "Theorem 3.1: c = %.4g; %s; bound below 1 only from layer %s", (double) b.get("theorem31_c"),
                b.get("theorem31_verdict"), b.get("theorem31_first_layer_bound_below_1")));
        out.add("Proposition 3.4: " + b.get("proposition34_verdict"));
        for (Prediction.PlateauEnd e : o.plateau()) {
            out.add(String.format(Locale.ROOT, "plateau end (loss down %.3g): reduced model (prediction) %s; simulation of the run's flow %s; "
                    + "aligned start (Prop 2.2 lower bound) %.4g steps%s", e.lossDrop(), Double.isNaN(e.reducedSteps()) ? "not run or not reached"
                            : String.format(Locale.ROOT, "q = %.4g, %.4g steps", e.reducedQ(), e.reducedSteps()),
                    Double.isNaN(e.simulatedSteps()) ? "not run or not reached" : String.format(Locale.ROOT, "%.4g steps", e.simulatedSteps()),
                    e.alignedSteps(), e.alignedSteps() == 0 ? " (vacuous)" : ""));
        }
        Object validity = p.get("reduced_validity_end_steps"); // absent when the plateau models were skipped (--plateau-subset -1)
        out.add(validity == null ? "reduced model not run (--plateau-subset -1)"
                : "reduced model valid (second-order term < 10% of the first) up to " + validity + " steps");
        out.add("aligned start: " + p.get("aligned_start"));
        out.add("lr law: " + p.get("lr_law") + "; " + p.get("flow_faithful_forecast"));
        if (o.staircase() != null) out.addAll(StaircaseFiles.lines(o.staircase()));
        return out;
    }

    private static void figures(RunFolder folder, Prediction.Outcome o) {
        List<Diagnostics.Layer> ls = o.report().layers();
        int n = ls.size();
        double[] layer = new double[n], tw = new double[n], tz = new double[n], nl = new double[n];
        for (int i = 0; i < n; i++) {
            Diagnostics.Layer l = ls.get(i);
            layer[i] = l.layer();
            tw[i] = Math.max(l.tailW(), 1e-16);
            tz[i] = Math.max(l.tailZ(), 1e-16);
            nl[i] = Double.isNaN(l.nonlinearity()) ? Double.NaN : Math.max(l.nonlinearity(), 1e-16);
        }
        Panel p = Figures.panel("Rank structure of the predicted direction (exact 0 drawn at 1e-16)", "layer ℓ", "ratio").logY()
                .series("tail ratio W_ℓ", layer, tw, Panel.Style.LINE_MARKERS, null)
                .series("tail ratio σ(Z_ℓ)", layer, tz, Panel.Style.LINE_MARKERS, null)
                .series("nonlinearity", layer, nl, Panel.Style.LINE_MARKERS, null);
        Figures.save(p, folder.figures(), "prediction_layers");
        NormalisedFlow.Result r = o.reduced() != null ? o.reduced() : o.simulation();
        if (r == null || r.trajectory().size() < 2) return;
        double sStar = EscapeSpeed.unitSpeed(o.report().speed(), n);
        Panel a = Figures.panel("Unit-sphere speed −L0(θ/‖θ‖) from θ0", "predicted GD steps", "s_unit").logX().logY();
        Panel b = Figures.panel("Loss from θ0", "predicted GD steps", "loss").logX();
        series(a, b, "reduced model (prediction)", o.reduced());
        series(a, b, "simulation of the run's flow", o.simulation());
        double[] st = points(r, true);
        double[] line = new double[st.length];
        java.util.Arrays.fill(line, sStar);
        a.dashed("s*_unit of the direction", st, line);
        for (Prediction.PlateauEnd e : o.plateau()) if (!Double.isNaN(e.reducedSteps()) && e.reducedSteps() > 0) b.vline(e.reducedSteps(), "drop " + e.lossDrop());
        Figures.grid("Predicted origin plateau", List.of(a, b), 2, folder.figures(), "prediction_plateau");
    }

    private static void series(Panel a, Panel b, String name, NormalisedFlow.Result r) {
        if (r == null || r.trajectory().size() < 2) return;
        a.line(name, points(r, true), points(r, false));
        double[] loss = r.trajectory().subList(1, r.trajectory().size()).stream().mapToDouble(NormalisedFlow.Point::loss).toArray();
        b.line(name, points(r, true), loss);
    }

    /** Steps (x) or unit-sphere speeds (y) of a trajectory without its first point (step 0). */
    private static double[] points(NormalisedFlow.Result r, boolean steps) {
        List<NormalisedFlow.Point> tr = r.trajectory().subList(1, r.trajectory().size());
        return tr.stream().mapToDouble(q -> steps ? q.steps() : Math.max(q.speedUnit(), 1e-300)).toArray();
    }
}
