package org.saddlescope.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quick saddle-to-saddle presets (issue 4): runs that show the plateau at the origin, the escape to a rank-one
 * saddle and the next escape in minutes on two cores, beside the paper's full runs in {@link Presets}.
 */
final class SaddlePresets {
    private SaddlePresets() {}

    static void register() {
        // Fashion-MNIST, first 2000 training images, depth 6 of width 100. σ0 = 1e-2 puts each hidden layer's
        // operator norm near 2σ0√n = 0.2 (the paper's 1000-wide N(0, 1e-3²) layers sit at 0.06, which needs
        // ~10⁵–10⁶ steps to escape); lr = 140/‖θ‖⁴ is the paper's law (p = 4 = L − 2), with c set so the first
        // step is ≈ 1 like the paper's 10/‖θ0‖⁴ ≈ 0.44. Measured (seed 0): escape from the origin near step 5000,
        // a rank-one plateau at loss ≈ 1.85, the next escape near step 35000.
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("dataset", "fashion-mnist");
        f.put("subset", 2000);
        f.put("test_subset", 1000);
        f.put("hidden", List.of(100, 100, 100, 100, 100));
        f.put("activation", "relu");
        f.put("cost", "cross_entropy");
        f.put("init", "gaussian");
        f.put("init_scale", 1e-2);
        f.put("batch", 32);
        f.put("lr", 140.0);
        f.put("lr_power", 4.0);
        f.put("steps", 50000);
        f.put("log_every", 25);
        f.put("eval_every", 2500);
        f.put("eval_samples", 2000);
        f.put("dtype", "float32");
        f.put("spectra_k", 10);
        f.put("spectra_every", "log:10+steps:1000");
        Presets.add("fashion-quick", "Fashion-MNIST 2000 images, depth 6 width 100, lr 140/|θ|^4, batch 32: two saddles in ~1 min", f);

        // Three single-neuron ReLU modes of strengths 4, 2, 1: three escapes, rank 1, 2, 3 on the plateaus
        // (the detector's own test bed, PlateauDetectorTest), a few seconds.
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("dataset", "relu-modes:s=4/2/1,d=10,n=64,out=5");
        t.put("hidden", List.of(16, 16, 16));
        t.put("activation", "relu");
        t.put("cost", "mse");
        t.put("init", "gaussian");
        t.put("init_scale", 1e-2);
        t.put("batch", 0);
        t.put("lr", 0.2);
        t.put("lr_power", 2.0);
        t.put("steps", 40000);
        t.put("log_every", 10);
        t.put("eval_every", 500);
        t.put("dtype", "float64");
        t.put("spectra_k", 5);
        t.put("spectra_every", "log+steps:500");
        Presets.add("teacher-saddles", "3 ReLU modes (4, 2, 1), depth 4 width 16, full-batch GD: 3 escapes, rank 1, 2, 3, seconds", t);
    }
}
