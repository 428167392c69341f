package org.saddlescope.experiment;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that defines a training run; config.yaml is this object, so a run folder's config reruns it.
 * Field names are the long option names of {@code saddlescope train} with dashes as underscores; the data,
 * architecture and initialisation fields are those of {@link InitSpec}, shared with flow, sweep and escape.
 */
@JsonPropertyOrder(alphabetic = false)
@JsonInclude(JsonInclude.Include.ALWAYS)
public final class TrainConfig extends InitSpec {
    @Help("Start from a named configuration (listed below); a run's config.yaml records its name.")
    public String preset;

    @Help("Test samples to evaluate (0 = all, -1 = none).")
    public int test_subset = 0;

    @Help("Input standardisation: auto (appendix B's scalar μ, σ for images; none for synthetic), scalar, feature, none.")
    public String standardize = "auto";

    @Help("If > 0, rescale θ0 to this norm after drawing it.")
    public double init_norm = 0;

    @Help(".npz file with W1..WL for init=npz (the weights) or init=aligned (the direction).")
    public String init_file;

    @Help("Minibatch size (0 = full-batch gradient descent).")
    @JsonAlias("batch_size")
    public int batch = 0;

    @Help("Optimiser: sgd (fused fast path), momentum[:mu=0.9,dampening=0,nesterov=false] or adam[:beta1=0.9,beta2=0.999,eps=1e-8] (PyTorch's update formulas).")
    public String optimizer = "sgd";

    @Help("Learning-rate constant c in lr = c/‖θ‖^p.")
    public double lr = 0.05;

    @Help("Power p in lr = c/‖θ‖^p (0 = constant; L−2 = normalised time).")
    public double lr_power = 0;

    @Help("Step budget (0 = none); with epochs, the smaller budget ends the run.")
    public long steps = 0;

    @Help("Epoch budget (0 = none).")
    public long epochs = 0;

    @Help("Stop once the logged loss is at or below this (0 = never).")
    public double loss_target = 0;

    @Help("Steps between rows of metrics.csv.")
    public long log_every = 10;

    @Help("Steps between evaluations (train/test loss, accuracy, speed).")
    public long eval_every = 100;

    @Help("Steps between checkpoints (0 = none).")
    public long checkpoint_every = 0;

    @Help("Training samples used by the evaluation probes (train loss, accuracy, speed; 0 = all).")
    public int eval_samples = 10000;

    @Help("Arithmetic: float32, mixed (float32 products, weights kept to 48 bits as compensated float32 pairs) or float64.")
    public String dtype = "float64";

    @Help("Top singular values tracked per layer into spectra.csv (0 = off).")
    @JsonAlias("spectra_k")
    public int top_k = 10;

    @Help("Spectra cadence: N or steps:N, epoch or epoch:N, log or log:P (P per decade), joined by '+' (log+steps:500).")
    public String spectra_every = "log";

    @Help("Seconds between refreshes of report.html, every figure and the saddle analysis while the run goes on (0 = only at the end).")
    public double report_every = 300;

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
