package org.saddlescope.theorycheck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Subsets;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.loss.LocalizedLoss;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.theory.NormLaw;
import org.saddlescope.train.flow.NormalisedFlow;

/**
 * When the origin plateau ends, three ways, in the steps of the run's lr law (dq = c·‖θ‖^(L−2−p) per step):
 * <ul>
 * <li><b>the theory's reduced model</b> (the prediction): the localized loss C(0) + Tr[GᵀY_θ] (equation 1 to first
 *     order) from the run's θ0. Its direction follows the projected gradient flow of L0 on the unit sphere, whatever the
 *     norm, and log‖θ‖ accumulates at rate L·s_unit(θ̄) (Proposition A.1, {@link NormLaw#logNormRate}); the escape is
 *     the first q at which the localized loss is {@link org.saddlescope.spectra.EscapeDefinition#ONSET_DROP} below C(0)
 *     (other fractions reported too). It never evaluates the cost; it stops holding where the second-order term of C at
 *     0, ½⟨Y, ∇²C(0)Y⟩, reaches {@link #VALIDITY} of the first (the "taylor_ratio" event, reported: an onset after it is
 *     outside the model). Assumptions: gradient flow (GD with small steps in q; SGD's noise ignored), G from a stratified
 *     subset of the training set, the first-order model up to the onset.</li>
 * <li><b>a simulation of the run's gradient flow</b>: the same integration with the real cost (not a prediction of the
 *     theory: it re-runs the dynamics on a subset); run when affordable ({@code simulate}: auto = P·n ≤ {@link #AFFORDABLE}).</li>
 * <li><b>Proposition 2.2's aligned-start bound</b>: from θ0 aligned with the best direction the onset needs
 *     ‖θ‖ = (f·C0/s*_unit)^(1/L) ({@link NormLaw#alignedDropNorm}); a random start grows no faster. Vacuous (0 steps) when
 *     ‖θ0‖ is already larger.</li>
 * </ul>
 */
final class PlateauPrediction {
    private PlateauPrediction() {}

    /** The reduced model holds while the second-order term is below this fraction of the first. */
    static final double VALIDITY = 0.1;
    /** P·n (parameters × samples) up to which simulate=auto runs the simulation. */
    static final double AFFORDABLE = 5e8;

    /** One loss drop f: reduced model, simulation and aligned bound (q and steps; NaN when not reached or not run). */
    record End(double lossDrop, double reducedQ, double reducedSteps, double simulatedQ, double simulatedSteps, double alignedQ,
               double alignedSteps) {}

    record Result(List<End> ends, NormalisedFlow.Result reduced, NormalisedFlow.Result simulation, Map<String, Object> summary) {}

    static Result run(Network theta0, Dataset data, Cost cost, double c0, double sStar, Prediction.Settings s, double lrC, double lrP,
                      RandomStreams streams, ProgressListener progress) {
        int L = theta0.depth();
        Dataset pd = s.plateauSubset() > 0 && s.plateauSubset() < data.size()
                ? Subsets.subset(data, s.plateauSubset(), Subsets.Kind.STRATIFIED, streams.stream("plateau-subset")) : data;
        double[] drops = s.lossDrops();
        NormalisedFlow.Result reduced = null, sim = null;
        if (s.plateauSubset() >= 0) {
            progress.progress(3, 5, "plateau: the reduced model (localized loss) from theta0");
            try (Matrix g = cost.gradientAtZero(pd.targets())) {
                NormalisedFlow.Options o = NormalisedFlow.Options.of(s.maxQ(), lrC, lrP).withEvents(drops, new double[0])
                        .withTaylor(new double[] {VALIDITY}, cost).withEuler(s.reducedAngle()).withMaxEvaluations(s.maxEvaluations());
                reduced = new NormalisedFlow(theta0, pd.x(), pd.targets(), new LocalizedLoss(g.copy(), c0OnSubset(cost, pd)), pd.dtype())
                        .run(o, progress);
            }
            boolean affordable = (double) theta0.parameterCount() * pd.size() <= AFFORDABLE;
            if ("on".equals(s.simulate()) || ("auto".equals(s.simulate()) && affordable)) {
                progress.progress(4, 5, "plateau: simulation of the run's gradient flow from theta0");
                NormalisedFlow.Options fo = NormalisedFlow.Options.of(s.maxQ(), lrC, lrP).withTolerance(s.plateauTolerance())
                        .withEvents(drops, new double[0]).withMaxEvaluations(s.maxEvaluations());
                // few samples: each ReLU kink is a jump of the vector field; small Euler steps pass them as training does
                if (pd.size() < 100) fo = fo.withEuler(1e-3);
                sim = new NormalisedFlow(theta0, pd.x(), pd.targets(), cost, pd.dtype()).run(fo, progress);
            }
        }
        List<End> ends = new ArrayList<>();
        double r0 = theta0.norm(), sUnit = org.saddlescope.theory.EscapeSpeed.unitSpeed(sStar, L);
        for (double f : drops) {
            double rf = NormLaw.alignedDropNorm(f, c0, sUnit, L);
            double qA = rf <= r0 ? 0 : NormLaw.normalisedTimeToNorm(r0, rf, sStar, L);
            NormalisedFlow.Event re = reduced == null ? null : reduced.event("loss_drop", f), se = sim == null ? null : sim.event("loss_drop", f);
            ends.add(new End(f, re == null ? Double.NaN : re.q(), re == null ? Double.NaN : re.steps(), se == null ? Double.NaN : se.q(),
                    se == null ? Double.NaN : se.steps(), qA, NormLaw.stepsInNormalisedTime(qA, r0, sStar, L, lrC, lrP)));
        }
        return new Result(ends, reduced, sim, summary(theta0, pd, s, lrC, lrP, reduced, sim, ends, sUnit, c0));
    }

    /** C(0) of the subset (the localized model's offset; the loss at zero output is the same per sample for CE and MSE up to targets). */
    private static double c0OnSubset(Cost cost, Dataset pd) {
        try (Matrix zero = Matrix.zeros(pd.dtype(), pd.outputDim(), pd.size())) {
            return cost.value(zero, pd.targets());
        }
    }

    private static Map<String, Object> summary(Network theta0, Dataset pd, Prediction.Settings s, double lrC, double lrP,
                                               NormalisedFlow.Result reduced, NormalisedFlow.Result sim, List<End> ends, double sUnit, double c0) {
        int L = theta0.depth();
        Map<String, Object> pl = new LinkedHashMap<>();
        double r0 = theta0.norm();
        pl.put("initial_norm", r0);
        pl.put("lr_law", "lr = " + lrC + "/||theta||^" + lrP + "; GD advances normalised time q by lr*||theta||^(L-2) = "
                + lrC + "*||theta||^" + Prediction.fmt(L - 2 - lrP) + " per step");
        pl.put("escape", "the onset: loss " + org.saddlescope.spectra.EscapeDefinition.ONSET_DROP + " below C(0) (spectra.EscapeDefinition)");
        pl.put("reduced_model", reduced == null ? "skipped" : "the theory's prediction: localized loss C(0) + Tr[G^T Y] from theta0 on "
                + pd.size() + " stratified training samples, direction by projected gradient flow of L0 on the unit sphere (Euler steps turning "
                + "theta by at most " + s.reducedAngle() + " rad), log||theta|| accumulated at L*s_unit (Proposition A.1); never evaluates the cost; "
                + reduced.evaluations() + " gradient evaluations, stop " + reduced.stop());
        NormalisedFlow.Event validity = reduced == null ? null : reduced.event("taylor_ratio", VALIDITY);
        pl.put("reduced_validity_end_q", validity == null ? null : validity.q());
        pl.put("reduced_validity_end_steps", validity == null ? null : validity.steps());
        pl.put("reduced_validity", "the first-order model holds while 1/2<Y, Hess C(0) Y> < " + VALIDITY + " |Tr[G^T Y]|");
        pl.put("assumptions", "gradient flow in normalised time (GD steps small in q; SGD noise ignored); G from the stratified subset; "
                + "first-order Taylor model of the cost up to the onset; steps from q by the run's lr law");
        pl.put("simulation", sim == null ? "skipped (simulate=" + s.simulate() + "; P*n = " + Prediction.fmt((double) theta0.parameterCount() * pd.size())
                + ", auto runs it up to " + Prediction.fmt(AFFORDABLE) + ")" : "a simulation of the run's gradient flow, not the theory's prediction: "
                + "the cost's own gradient flow from theta0 on the same subset, tolerance " + s.plateauTolerance() + ", " + sim.evaluations()
                + " gradient evaluations, stop " + sim.stop());
        double rf = NormLaw.alignedDropNorm(org.saddlescope.spectra.EscapeDefinition.ONSET_DROP, c0, sUnit, L);
        pl.put("aligned_start", rf <= r0
                ? "Proposition 2.2 (corrected) from an aligned start: VACUOUS here (0 steps): ||theta0|| = " + Prediction.fmt(r0)
                  + " already exceeds the norm " + Prediction.fmt(rf) + " at which an aligned start has lost 1% of C(0)"
                : "Proposition 2.2 (corrected, unit-sphere speed) from theta0 aligned with the direction: a lower bound on the plateau");
        pl.put("initial_speed_unit", reduced == null ? null : reduced.trajectory().get(0).speedUnit());
        pl.put("ends", ends);
        double qStep = lrC * Math.pow(r0, L - 2 - lrP);
        pl.put("q_per_step_at_theta0", qStep);
        pl.put("angle_per_step_at_escape", qStep * L * sUnit);
        pl.put("flow_faithful_forecast", qStep * L * sUnit < 0.1
                ? "GD turns theta by < 0.1 rad a step at the escape speed: close to the flow"
                : "GD turns theta by " + Prediction.fmt(qStep * L * sUnit) + " rad a step at the escape speed: not a small step; the flow is a guide, not a prediction");
        return pl;
    }
}
