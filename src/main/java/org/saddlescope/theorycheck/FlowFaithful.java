package org.saddlescope.theorycheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.io.BadInputException;

/**
 * Is a training run close enough to gradient flow for the flow theory (Proposition 2.2, the escape direction, the
 * normalised time) to speak about it? Under gradient flow of a bias-free network with a positively homogeneous σ
 * (ReLU, leaky ReLU, identity) every imbalance D_ℓ = ‖W_{ℓ+1}‖² − ‖W_ℓ‖² is conserved (theory.Imbalance); a gradient
 * step changes it by η²(‖∇_{ℓ+1}‖² − ‖∇_ℓ‖²), second order in the step, so its drift measures how far the steps are
 * from the flow. Read from metrics.csv's ‖W_ℓ‖_F columns: the largest |D_ℓ(t) − D_ℓ(0)| relative to ‖θ(t)‖², over
 * the run and up to a given step (the first escape). Above {@link #THRESHOLD} the run is flagged: its layers no
 * longer keep the balance the flow keeps, so a flow-based claim about it is a comparison, not a test.
 */
public final class FlowFaithful {
    private FlowFaithful() {}

    /** Relative imbalance drift above which a run is called far from gradient flow (a stated convention, 5%). */
    public static final double THRESHOLD = 0.05;

    /**
     * maxDrift: max over logged steps and ℓ of |D_ℓ(t) − D_ℓ(0)|/‖θ(t)‖², at step atStep in layer pair (ℓ, ℓ+1);
     * upTo: the same up to a given step (NaN if none given); d0, dEnd: D_ℓ at the first and last logged step.
     */
    public record Check(boolean applicable, double maxDrift, long atStep, int atLayer, double upTo, long upToStep,
                        double[] d0, double[] dEnd, boolean faithful, String verdict) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("applicable", applicable);
            m.put("max_relative_imbalance_drift", applicable ? maxDrift : null);
            m.put("at_step", atStep);
            m.put("at_layers", applicable ? atLayer + "," + (atLayer + 1) : null);
            m.put("relative_drift_up_to_step", Double.isNaN(upTo) ? null : upTo);
            m.put("up_to_step", upToStep);
            m.put("imbalance_first", d0);
            m.put("imbalance_last", dEnd);
            m.put("threshold", THRESHOLD);
            m.put("flow_faithful", faithful);
            m.put("verdict", verdict);
            return m;
        }
    }

    /** From a run's metrics.csv (columns step or nominal_step, w_norm_1..w_norm_L); {@code upToStep} (nominal) ≤ 0: none. */
    public static Check of(Path metrics, boolean homogeneous, long upToStep) {
        if (!homogeneous) {
            return new Check(false, Double.NaN, -1, -1, Double.NaN, upToStep, null, null, true,
                    "not applicable: the imbalance is conserved by the flow only for positively homogeneous activations");
        }
        List<double[]> rows = new ArrayList<>(); // step, ‖θ‖², D_1..D_{L−1}
        try {
            List<String> lines = Files.readAllLines(metrics, StandardCharsets.UTF_8);
            if (lines.isEmpty()) throw new BadInputException(metrics + " is empty");
            List<String> head = List.of(lines.get(0).split(","));
            // the axis of Table.timeAxis (upToStep is nominal): nominal_step where the run has it (every row then fills it)
            int cs = head.contains("nominal_step") ? head.indexOf("nominal_step") : head.indexOf("step");
            List<Integer> wc = new ArrayList<>();
            for (int l = 1; head.contains("w_norm_" + l); l++) wc.add(head.indexOf("w_norm_" + l));
            if (cs < 0 || wc.size() < 2) throw new BadInputException(metrics + " has no step and w_norm_1..w_norm_L columns");
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).split(",", -1);
                double[] w2 = new double[wc.size()];
                boolean ok = true;
                for (int l = 0; l < w2.length && ok; l++) {
                    String v = f[wc.get(l)].trim();
                    ok = !v.isEmpty() && !v.equals("nan");
                    if (ok) { double w = Double.parseDouble(v); w2[l] = w * w; }
                }
                if (!ok) continue;
                double[] full = new double[2 + w2.length - 1];
                full[0] = Double.parseDouble(f[cs].trim());
                for (double v : w2) full[1] += v;
                for (int l = 0; l < w2.length - 1; l++) full[2 + l] = w2[l + 1] - w2[l];
                rows.add(full);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NumberFormatException e) {
            throw new BadInputException(metrics + ": bad number (" + e.getMessage() + ")");
        }
        if (rows.isEmpty()) throw new BadInputException(metrics + " has no rows with layer norms");
        double[] first = rows.get(0);
        int pairs = first.length - 2;
        double max = 0, upTo = upToStep > 0 ? 0 : Double.NaN;
        long at = (long) first[0];
        int atLayer = 1, upToLayer = 1;
        for (double[] r : rows) {
            for (int l = 0; l < pairs; l++) {
                double rel = Math.abs(r[2 + l] - first[2 + l]) / r[1];
                if (rel > max) { max = rel; at = (long) r[0]; atLayer = l + 1; }
                if (upToStep > 0 && r[0] <= upToStep && rel > upTo) { upTo = rel; upToLayer = l + 1; }
            }
        }
        double[] d0 = new double[pairs], dEnd = new double[pairs];
        double[] last = rows.get(rows.size() - 1);
        for (int l = 0; l < pairs; l++) { d0[l] = first[2 + l]; dEnd[l] = last[2 + l]; }
        double judged = upToStep > 0 ? upTo : max;
        int layer = upToStep > 0 ? upToLayer : atLayer;
        boolean faithful = judged <= THRESHOLD;
        String where = upToStep > 0 ? "up to step " + upToStep : "over the run";
        String verdict = faithful
                ? String.format(Locale.ROOT, "close to gradient flow %s: layer imbalances drift by at most %.2g of ||theta||^2 (threshold %.2g)", where, judged, THRESHOLD)
                : String.format(Locale.ROOT, "FAR FROM GRADIENT FLOW %s: the imbalance ||W_%d||^2 - ||W_%d||^2, conserved by the flow, drifted by %.3g of ||theta||^2 "
                        + "(%.4g at the start, %.4g at the end); claims that lean on the flow theory are comparisons, not tests (lower the lr constant)",
                        where, layer + 1, layer, judged, d0[layer - 1], dEnd[layer - 1]);
        return new Check(true, max, at, atLayer, upTo, upToStep, d0, dEnd, faithful, verdict);
    }
}
