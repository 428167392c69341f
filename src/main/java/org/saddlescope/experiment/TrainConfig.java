package org.saddlescope.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that defines a training run; config.yaml is this object, so a run folder's config reruns it.
 * Field names are the long option names of {@code saddlescope train} with dashes as underscores.
 */
@JsonPropertyOrder(alphabetic = false)
@JsonInclude(JsonInclude.Include.ALWAYS)
public final class TrainConfig {
    /** Preset this config started from (informational; its fields are already merged in). */
    public String preset;
    /** Dataset spec, see data.DataSource (e.g. fashion-mnist, mnist:DIR, cifar10:DIR, teacher, example1). */
    public String dataset = "teacher";
    /** Training samples to use (0 = all). */
    public int subset = 0;
    /** Test samples to evaluate (0 = all, -1 = none). */
    public int test_subset = 0;
    /** Input standardisation: auto (appendix B's scalar μ, σ for images; none for synthetic), scalar, feature, none. */
    public String standardize = "auto";
    /** Hidden widths n_1..n_{L-1}; n_0 and n_L come from the data. */
    public List<Integer> hidden = new ArrayList<>(List.of(50, 50, 50));
    public String activation = "relu";
    public String cost = "mse";
    /**
     * gaussian (N(0, init_scale²)), he, he_scaled (He-normal with small_layers × epsilon), npz (init_file),
     * aligned (θ0 = init_norm · ρ/‖ρ‖ with ρ from init_file).
     */
    public String init = "gaussian";
    public double init_scale = 1e-3;
    public double epsilon = 1e-2;
    public List<Integer> small_layers = new ArrayList<>();
    /** If > 0, rescale θ0 to this norm after drawing it. */
    public double init_norm = 0;
    public String init_file;
    /** Minibatch size; 0 = full-batch gradient descent. */
    public int batch = 0;
    /** Learning-rate law lr = lr / ‖θ‖^lr_power (lr_power 0: constant). */
    public double lr = 0.05;
    public double lr_power = 0;
    /** Budgets: steps and/or epochs (0 = unlimited); the smaller one ends the run. */
    public long steps = 0;
    public long epochs = 0;
    /** Stop once the logged loss is at or below this (0 = never). */
    public double loss_target = 0;
    public long log_every = 10;
    public long eval_every = 100;
    public long checkpoint_every = 0;
    /** Training samples used for the evaluation probes (train loss/accuracy, speed); 0 = all. */
    public int eval_samples = 10000;
    public long seed = 0;
    public String dtype = "float64";
    /** Top singular values per layer tracked into spectra.csv (0 = off). */
    public int spectra_k = 10;
    /** Spectra cadence: "epoch", "log" (log-spaced steps), or a number of steps. */
    public String spectra_every = "log";

    /** One line of help per field, shown by {@code saddlescope train --help}. */
    public static final Map<String, String> HELP = new LinkedHashMap<>();

    static {
        HELP.put("dataset", "Dataset spec (fashion-mnist, mnist:DIR, cifar10:DIR, teacher:..., example1).");
        HELP.put("subset", "Training samples to use (0 = all).");
        HELP.put("test_subset", "Test samples to evaluate (0 = all, -1 = none).");
        HELP.put("standardize", "Input standardisation: auto, scalar, feature, none.");
        HELP.put("hidden", "Hidden widths, comma-separated (n_0 and n_L come from the data).");
        HELP.put("activation", "Activation: relu, identity, leaky_relu[:slope], tanh, sigmoid, softplus, gelu, silu.");
        HELP.put("cost", "Cost: mse or cross_entropy.");
        HELP.put("init", "Initialisation: gaussian, he, he_scaled, npz, aligned (init_norm * rho/|rho|, rho from init_file).");
        HELP.put("init_scale", "sigma_0 of the gaussian initialisation.");
        HELP.put("epsilon", "Scale of the small layers for he_scaled.");
        HELP.put("small_layers", "Layers (1-based, comma-separated) scaled by epsilon for he_scaled.");
        HELP.put("init_norm", "If > 0, rescale theta_0 to this norm.");
        HELP.put("init_file", ".npz file with W1..WL for init=npz (the weights) or init=aligned (the direction).");
        HELP.put("batch", "Minibatch size (0 = full-batch gradient descent).");
        HELP.put("lr", "Learning-rate constant c in lr = c/|theta|^p.");
        HELP.put("lr_power", "Power p in lr = c/|theta|^p (0 = constant; L-2 = normalised time).");
        HELP.put("steps", "Step budget (0 = none).");
        HELP.put("epochs", "Epoch budget (0 = none).");
        HELP.put("loss_target", "Stop when the logged loss reaches this (0 = never).");
        HELP.put("log_every", "Steps between rows of metrics.csv.");
        HELP.put("eval_every", "Steps between evaluations (train/test loss, accuracy, speed).");
        HELP.put("checkpoint_every", "Steps between checkpoints (0 = none).");
        HELP.put("eval_samples", "Training samples used by the evaluation probes (0 = all).");
        HELP.put("seed", "Seed for every random draw.");
        HELP.put("dtype", "float32 or float64.");
        HELP.put("spectra_k", "Top singular values tracked per layer (0 = off).");
        HELP.put("spectra_every", "Spectra cadence: N or steps:N, epoch or epoch:N, log or log:P (P per decade), joined by '+' (log+steps:500).");
        HELP.put("preset", "(set by --preset)");
    }

    /** Merges maps in order (later wins) onto the defaults and checks every key and value type. */
    public static TrainConfig merge(List<Map<String, Object>> layers, String where) {
        return Configs.merge(layers, TrainConfig.class, where);
    }

    /** Reads a YAML file into a map; bad YAML or a missing file is bad input. */
    public static Map<String, Object> readYaml(Path file) {
        return Configs.readYaml(file);
    }

    public Map<String, Object> toMap() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = RunFolder.YAML.convertValue(this, LinkedHashMap.class);
        return m;
    }
}
