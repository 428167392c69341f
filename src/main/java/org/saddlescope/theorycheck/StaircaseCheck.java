package org.saddlescope.theorycheck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.saddlescope.data.Dataset;
import org.saddlescope.escape.Staircase;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.runs.Weights;
import org.saddlescope.spectra.SaddleAnalysis;

/**
 * The staircase a prediction holds (weights/staircase_K.npz) against a run's plateaus: for each saddle k ≥ 1 that the
 * detector found as plateau k with weights near its middle, the training loss there (the whole training set) against
 * the predicted saddle's, the numerical rank (σ_i ≥ 0.1σ_1) of every layer's learned part W_ℓ − W_ℓ(0) against the
 * predicted layer's, and the cosine of the outputs' change from the previous saddle, Y_k − Y_{k−1}, predicted against
 * observed (chance ≈ 0).
 */
final class StaircaseCheck {
    private StaircaseCheck() {}

    static List<TheoryCheck.Row> rows(Path run, Path prediction, Network w0, Dataset data, Cost cost) {
        List<TheoryCheck.Row> rows = new ArrayList<>();
        List<PlateauPoints.Point> points = Files.exists(run.resolve(RunFiles.STEP_LOG)) ? PlateauPoints.of(run) : List.of();
        Matrix yPrevPred = null, yPrevObs = null;
        int n = Math.min(2000, data.size());
        try (Matrix x = data.x().columns(0, n).copy()) {
            Path weights = prediction.resolve(RunFiles.WEIGHTS);
            for (int k = 1; Files.exists(weights.resolve(RunFiles.staircaseWeights(k))); k++) {
                Network pred = Weights.loadNew(weights.resolve(RunFiles.staircaseWeights(k)), Activation.RELU, DType.F64);
                PlateauPoints.Point at = PlateauPoints.plateau(points, k);
                if (at == null) {
                    rows.add(new TheoryCheck.Row("staircase saddle " + k + ": loss", lossOf(pred, data, cost), Double.NaN,
                            "no plateau " + k + " with weights in the run", "predicted saddle not reached or not detected"));
                    continue;
                }
                Network obs = Weights.loadNew(at.weights(), Activation.RELU, DType.F64);
                double lp = lossOf(pred, data, cost), lo = lossOf(obs, data, cost);
                double c0 = StaircaseCheck.lossOfZero(data, cost);
                String cmp = lossComparison(lp, lo, c0);
                rows.add(new TheoryCheck.Row("staircase saddle " + k + ": training loss (observed at step " + at.step() + ")", lp, lo, cmp,
                        "goal: within 5%"));
                int[] rp = Staircase.ranks(pred, SaddleAnalysis.DEFAULT_RANK_THRESHOLD), ro = learnedRanks(obs, w0);
                for (int l = 0; l < rp.length; l++) {
                    rows.add(new TheoryCheck.Row("staircase saddle " + k + ": rank of W_" + (l + 1) + " - W_" + (l + 1) + "(0)", rp[l], ro[l],
                            rp[l] == ro[l] ? "equal" : "DIFFERENT", "numerical rank, sigma_i >= 0.1 sigma_1"));
                }
                Matrix yp = pred.outputs(x), yo = obs.outputs(x);
                if (k >= 2 && yPrevPred != null) {
                    rows.add(new TheoryCheck.Row("staircase saddle " + k + ": cos(outputs' change from saddle " + (k - 1) + ")", 1,
                            changeCosine(yp, yPrevPred, yo, yPrevObs), "chance ~0", "Y_k - Y_(k-1) on " + n + " training samples"));
                }
                if (yPrevPred != null) { yPrevPred.close(); yPrevObs.close(); }
                yPrevPred = yp;
                yPrevObs = yo;
            }
        } finally {
            if (yPrevPred != null) { yPrevPred.close(); yPrevObs.close(); }
        }
        return rows;
    }

    /**
     * Predicted against observed saddle loss: the relative error and whether it is within the 5% goal; where one side
     * is a minimum (below 1e-3 C(0)) and the other is not, a relative error to ~0 says nothing (Example 1: +1e12%), so
     * the row says which side stopped at a saddle and where, in units of C(0).
     */
    static String lossComparison(double predicted, double observed, double c0) {
        boolean pMin = predicted < 1e-3 * c0, oMin = observed < 1e-3 * c0;
        if (pMin && oMin) return "both below 1e-3 C(0): a minimum";
        if (oMin) return String.format(Locale.ROOT, "WRONG: the run reached a minimum (below 1e-3 C(0)); predicted a saddle at %.3g C(0)", predicted / c0);
        if (pMin) return String.format(Locale.ROOT, "WRONG: predicted a minimum; the run sits at %.3g C(0)", observed / c0);
        double rel = (predicted - observed) / observed;
        return String.format(Locale.ROOT, "relative error %+.1f%% (%s 5%%)", 100 * rel, Math.abs(rel) <= 0.05 ? "within" : "OUTSIDE");
    }

    static double lossOfZero(Dataset data, Cost cost) {
        try (Matrix zero = Matrix.zeros(DType.F64, data.outputDim(), data.size()); Matrix t = data.targets().to(DType.F64)) {
            return cost.value(zero, t);
        }
    }

    static double lossOf(Network net, Dataset data, Cost cost) {
        try (Matrix y = net.to(DType.F64).outputs(data.x().to(DType.F64))) {
            return cost.value(y, data.targets().to(DType.F64));
        }
    }

    /** Numerical ranks (σ_i ≥ 0.1σ_1) of W_ℓ − W_ℓ(0). */
    static int[] learnedRanks(Network w, Network w0) {
        Network d = w.copy();
        for (int l = 1; l <= d.depth(); l++) {
            try (Matrix m = d.weight(l).copy()) {
                m.addScaled(-1, w0.weight(l));
                d.setWeight(l, m);
            }
        }
        return Staircase.ranks(d, SaddleAnalysis.DEFAULT_RANK_THRESHOLD);
    }

    private static double changeCosine(Matrix yp, Matrix yp0, Matrix yo, Matrix yo0) {
        try (Matrix a = yp.copy(); Matrix b = yo.copy()) {
            a.addScaled(-1, yp0);
            b.addScaled(-1, yo0);
            double den = a.frobeniusNorm() * b.frobeniusNorm();
            return den > 0 ? a.dot(b) / den : Double.NaN;
        }
    }
}
