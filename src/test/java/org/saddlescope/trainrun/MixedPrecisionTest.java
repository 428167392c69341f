package org.saddlescope.trainrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.data.Npz;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.config.TrainConfig;

/**
 * A small analogue of the appendix-B plateau: depth 6, width 32, σ0 = 0.01, lr = 0.005/‖θ‖⁴, full-batch GD. Most
 * steps move a weight by less than half a float32 ulp (3e-8–6e-8 of it), so float32 storage rounds most updates
 * away (after 3000 steps 72–79% of the hidden weights are bit for bit their initial values; 0–4% in float64,
 * the dead units) while mixed precision keeps them.
 */
class MixedPrecisionTest {

    static TrainConfig analogue(String dtype) {
        TrainConfig c = new TrainConfig();
        c.dataset = "teacher:n=128,d=16,out=4,rank=1";
        c.hidden = new ArrayList<>(List.of(32, 32, 32, 32, 32));
        c.init_scale = 0.01;
        c.lr = 0.005;
        c.lr_power = 4;
        c.steps = 3000;
        c.log_every = 1000;
        c.eval_every = 1000;
        c.top_k = 0;
        c.dtype = org.saddlescope.net.Precision.parse(dtype);
        return c;
    }

    /** ‖θ‖ − ‖θ0‖, then ‖W_ℓ‖² − ‖W_ℓ(0)‖² for every layer, from the run's npz files, in float64. */
    static double[] growth(Path run) {
        Map<String, Matrix> w0 = Npz.read(run.resolve("weights/initial.npz"), DType.F64);
        Map<String, Matrix> w1 = Npz.read(run.resolve("weights/final.npz"), DType.F64);
        int L = w0.size();
        double[] g = new double[L + 1];
        double n0 = 0, n1 = 0;
        for (int l = 1; l <= L; l++) {
            double a = w0.get("W" + l).frobeniusNorm2(), b = w1.get("W" + l).frobeniusNorm2();
            g[l] = b - a;
            n0 += a;
            n1 += b;
        }
        g[0] = Math.sqrt(n1) - Math.sqrt(n0);
        return g;
    }

    @Test
    void mixedFollowsFloat64WhereFloat32LosesUpdates(@TempDir Path tmp) {
        double[][] g = new double[3][];
        String[] dtypes = {"float64", "mixed", "float32"};
        TrainRun.Outcome[] runs = new TrainRun.Outcome[3];
        for (int i = 0; i < 3; i++) {
            runs[i] = TrainRun.start(analogue(dtypes[i]), tmp.resolve(dtypes[i]), 1, ProgressListener.NONE, List.of(new SpectraAddon()));
            g[i] = growth(tmp.resolve(dtypes[i]));
        }
        double worst32 = 0;
        for (int k = 0; k < g[0].length; k++) {
            assertTrue(g[0][k] != 0, "the analogue's norms move in float64");
            // Mixed differs from float64 only by float32 rounding in the products (~1e-7 relative a step, random in
            // sign): measured ≤ 2e-8 after 3000 steps, so 1e-5 leaves a margin of 500.
            assertEquals(g[0][k], g[1][k], 1e-5 * Math.abs(g[0][k]), (k == 0 ? "norm" : "layer " + k) + " mixed vs float64");
            worst32 = Math.max(worst32, Math.abs((g[2][k] - g[0][k]) / g[0][k]));
        }
        // The effect this analogue exists for: float32 storage is off (measured: 93% on layer 1). If it is not, the
        // analogue no longer loses updates and the assertions above prove nothing.
        assertTrue(worst32 > 0.2, "float32's worst relative error is only " + worst32);
        // A mixed run's weight files hold float64 (high + low parts), not the float32 copy.
        assertEquals(DType.F64, Npz.read(tmp.resolve("mixed/weights/final.npz")).get("W1").dtype());

        // The monitor says so on the runs themselves: float32 loses most hidden-layer updates (measured 0.4–0.8 at
        // the last step) and warns; float64 and mixed lose none, keep the identity and stay silent.
        for (int i = 0; i < 3; i++) {
            List<Map<String, String>> rows = csv(tmp.resolve(dtypes[i]).resolve("metrics.csv"));
            Map<String, String> last = rows.get(rows.size() - 1);
            for (int l = 1; l <= 5; l++) {
                double lost = Double.parseDouble(last.get("lost_updates_" + l));
                if (i < 2) assertEquals(0.0, lost, 0.0, dtypes[i] + " layer " + l);
                else assertTrue(lost > 0.3, "float32 layer " + l + " lost only " + lost);
                double drift = Double.parseDouble(last.get("imbalance_drift_" + l)), gd = Double.parseDouble(last.get("imbalance_gd_" + l));
                // float64 keeps the identity to rounding of the reads (~1e-13 of ‖W‖² ≈ 0.1); mixed computes the
                // gradients in float32, whose rounding moves each layer's first-order term differently: measured
                // residuals ≤ 3% of the drift on this analogue, so 20%; float32 is off by orders of magnitude.
                if (i == 0) assertEquals(gd, drift, 1e-3 * Math.abs(gd) + 1e-14, "float64 identity, layers " + l + "-" + (l + 1));
                if (i == 1) assertEquals(gd, drift, 0.2 * Math.abs(gd), "mixed identity, layers " + l + "-" + (l + 1));
            }
            assertEquals(i == 2, !runs[i].warnings().isEmpty(), dtypes[i] + " warnings: " + runs[i].warnings());
        }
        assertTrue(runs[2].warnings().get(0).contains("--dtype mixed"), runs[2].warnings().get(0));
    }

    static List<Map<String, String>> csv(Path file) {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(file);
            String[] head = lines.get(0).split(",", -1);
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                Map<String, String> m = new java.util.LinkedHashMap<>();
                for (int k = 0; k < head.length; k++) m.put(head[k], f[k]);
                rows.add(m);
            }
            return rows;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
