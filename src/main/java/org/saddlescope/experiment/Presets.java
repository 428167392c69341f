package org.saddlescope.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named training configurations: the paper's experiments (appendices B and C) and quick demos. */
public final class Presets {
    private Presets() {}

    private static final Map<String, Map<String, Object>> PRESETS = new LinkedHashMap<>();
    private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        // Appendix B: 784-1000x5-10 bias-free ReLU, CE, N(0, 1e-3²), batch 32, lr 10/‖θ‖⁴, 1000 epochs, standardised.
        add("mnist-paper", "paper appendix B: MNIST, depth 6, widths 1000, lr 10/|θ|^4, batch 32, 1000 epochs",
                paper("mnist", 5, 10, 1000));
        add("mnist-paper-d4", "paper appendix B (depth-4 repeat): MNIST, widths 1000, lr 10/|θ|^4, batch 32, 1000 epochs",
                paper("mnist", 3, 10, 1000));
        // Appendix C: grey 32×32 = 1024 inputs, lr 40/‖θ‖⁴ for 5000 epochs (depth 6), 0.01/‖θ‖⁴ for 10000 (depth 4).
        add("cifar10-paper", "paper appendix C: CIFAR-10 grey, depth 6, widths 1000, lr 40/|θ|^4, batch 32, 5000 epochs",
                paper("cifar10", 5, 40, 5000));
        add("cifar10-paper-d4", "paper appendix C: CIFAR-10 grey, depth 4, widths 1000, lr 0.01/|θ|^4, batch 32, 10000 epochs",
                paper("cifar10", 3, 0.01, 10000));
        // A plateau and an escape in seconds: a rank-one teacher, depth 4, GD on normalised time (p = L − 2).
        Map<String, Object> demo = new LinkedHashMap<>();
        demo.put("dataset", "teacher:n=256,d=16,out=4,rank=1");
        demo.put("hidden", List.of(32, 32, 32));
        demo.put("activation", "relu");
        demo.put("cost", "mse");
        demo.put("init", "gaussian");
        demo.put("init_scale", 1e-3);
        demo.put("batch", 0);
        demo.put("lr", 0.02);
        demo.put("lr_power", 2.0);
        demo.put("steps", 3000);
        demo.put("log_every", 10);
        demo.put("eval_every", 10);
        demo.put("dtype", "float64");
        demo.put("spectra_every", "log");
        add("teacher-demo", "rank-one teacher, depth 4, full-batch GD on normalised time: plateau then escape in seconds", demo);
        SaddlePresets.register();
    }

    private static Map<String, Object> paper(String dataset, int hiddenLayers, double c, long epochs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", dataset);
        m.put("hidden", java.util.Collections.nCopies(hiddenLayers, 1000));
        m.put("activation", "relu");
        m.put("cost", "cross_entropy");
        m.put("init", "gaussian");
        m.put("init_scale", 1e-3);
        m.put("batch", 32);
        m.put("lr", c);
        m.put("lr_power", 4.0);
        m.put("epochs", epochs);
        m.put("log_every", 100);
        m.put("eval_every", 1875);
        m.put("checkpoint_every", 18750);
        m.put("eval_samples", 10000);
        m.put("dtype", "float32");
        m.put("spectra_every", "log+epoch"); // log-spaced early (the escape from the origin), then once an epoch
        return m;
    }

    /** Registers a preset (used by other packages' static initialisers too). */
    public static synchronized void add(String name, String description, Map<String, Object> fields) {
        Map<String, Object> f = new LinkedHashMap<>(fields);
        f.put("preset", name);
        PRESETS.put(name, f);
        DESCRIPTIONS.put(name, description);
    }

    public static synchronized Map<String, Object> get(String name) {
        Map<String, Object> p = PRESETS.get(name);
        if (p == null) throw new BadInputException("unknown preset '" + name + "' (known: " + String.join(", ", PRESETS.keySet()) + ")");
        return new LinkedHashMap<>(p);
    }

    public static synchronized Map<String, String> descriptions() {
        return new LinkedHashMap<>(DESCRIPTIONS);
    }
}
