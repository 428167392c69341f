package org.saddlescope.config;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saddlescope.datasets.Standardization;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.Json;
import org.saddlescope.net.Precision;

/**
 * Everything that defines a training run; config.yaml is this object, so a run folder's config reruns it.
 * Field names are the long option names of {@code saddlescope train} with dashes as underscores; the data,
 * architecture and initialisation fields are those of {@link InitSpec}, shared with flow, sweep and escape.
 */
@JsonPropertyOrder(alphabetic = false)
@JsonInclude(JsonInclude.Include.ALWAYS)
public final class TrainConfig extends InitSpec implements Validated {
    @Help("Start from a named configuration (listed below); a run's config.yaml records its name.")
    public String preset;

    @Help("Test samples to evaluate (0 = all, -1 = none).")
    @Bounds(min = -1)
    public int test_subset = 0;

    @Help("Input standardisation: auto (appendix B's scalar μ, σ for images; none for synthetic), scalar (global: one μ, σ over "
            + "all pixels), feature (per-pixel μ, σ), none.")
    public Standardization standardize = Standardization.AUTO;

    @Help("If > 0, rescale θ0 to this norm after drawing it.")
    @Bounds(min = 0)
    public double init_norm = 0;

    @Help(".npz file with W1..WL for init=npz (the weights) or init=aligned (the direction).")
    public String init_file;

    @Help("Minibatch size (0 = full-batch gradient descent).")
    @JsonAlias("batch_size")
    @Bounds(min = 0)
    public int batch = 0;

    @Help("Optimiser: sgd (fused fast path), momentum[:mu=0.9,dampening=0,nesterov=false] or adam[:beta1=0.9,beta2=0.999,eps=1e-8] (PyTorch's update formulas).")
    public OptimizerSpec optimizer = OptimizerSpec.SGD;

    @Help("Learning-rate constant c in lr = c/‖θ‖^p.")
    @Bounds(min = 0, minExclusive = true)
    public double lr = 0.05;

    @Help("Power p in lr = c/‖θ‖^p (0 = constant; L−2 = normalised time).")
    @Bounds(min = 0)
    public double lr_power = 0;

    @Help("Step budget (0 = none); with epochs, the smaller budget ends the run.")
    @Bounds(min = 0)
    public long steps = 0;

    @Help("Epoch budget (0 = none).")
    @Bounds(min = 0)
    public long epochs = 0;

    @Help("Stop once the logged loss is at or below this (0 = never).")
    @Bounds(min = 0)
    public double loss_target = 0;

    @Help("Steps between rows of metrics.csv.")
    @Bounds(min = 1)
    public long log_every = 10;

    @Help("Steps between evaluations (train/test loss, accuracy, speed).")
    @Bounds(min = 0)
    public long eval_every = 100;

    @Help("Steps between checkpoints (0 = none).")
    @Bounds(min = 0)
    public long checkpoint_every = 0;

    @Help("Minutes of wall time between checkpoints (0 = none); when they happen does not change the run's bits.")
    @Bounds(min = 0)
    public double checkpoint_minutes = 5;

    @Help("Training samples used by the evaluation probes (train loss, accuracy, speed; 0 = all).")
    @Bounds(min = 0)
    public int eval_samples = 10000;

    @Help("Arithmetic: float32, mixed (float32 products, weights kept to 48 bits as compensated float32 pairs) or float64.")
    @JsonSerialize(using = SpecJson.PrecisionOut.class)
    @JsonDeserialize(using = SpecJson.PrecisionIn.class)
    public Precision dtype = Precision.FLOAT64;

    @Help("Top singular values tracked per layer into spectra.csv (0 = off).")
    @JsonAlias("spectra_k")
    @Bounds(min = 0)
    public int top_k = 10;

    @Help("Spectra cadence: N or steps:N, epoch or epoch:N, log or log:P (P per decade), joined by '+' (log+steps:500).")
    public CadenceSpec spectra_every = CadenceSpec.LOG;

    @Help("Seconds between refreshes of report.html, every figure and the saddle analysis while the run goes on (0 = only at the end).")
    public double report_every = 300;

    @Help("Cost over a minibatch: mean (PyTorch's default) or sum (gradient B times the mean's; logged losses stay means).")
    public org.saddlescope.loss.Reduction reduction = org.saddlescope.loss.Reduction.MEAN;

    @Help("Fast-forward the plateau at the origin: error-controlled steps that each stand for many minibatch steps of the "
            + "configured law, handed back to it before the escape; budgets and cadences count nominal steps (docs/fast-forward.md).")
    public boolean fast_forward = false;

    @Help("Fast-forward: relative error allowed per step (step doubling): of the angle θ/‖θ‖ turns, and of the change of log‖θ‖.")
    @Bounds(min = 0, minExclusive = true, max = 0.5)
    public double fast_forward_tolerance = 0.03;

    @Help("Fast-forward: samples per gradient, the next ones in the run's own data order (0 = the whole training set).")
    @Bounds(min = 0)
    public int fast_forward_sample = 8192;

    @Help("Fast-forward: hand back to the configured law once ‖θ‖ has grown by this fraction since the fast-forward began.")
    @Bounds(min = 0, minExclusive = true, max = 0.5)
    public double fast_forward_handover = 0.005;

    /**
     * Rules between fields, and the spec strings still read as text; per-field ranges are the {@link Bounds} above, and
     * the typed fields (dtype, optimizer, init, standardize, activation, spectra_every) were checked when they were read.
     */
    @Override
    public void validate(String where) {
        if (steps <= 0 && epochs <= 0) throw new BadInputException(where + ": give a budget: steps or epochs (--steps N or --epochs N)");
        for (String[] f : new String[][] {{"dataset", dataset}, {"cost", cost}}) {
            if (f[1] == null || f[1].isBlank()) throw new BadInputException(where + ": " + Configs.name(f[0]) + " is empty");
        }
        for (String f : new String[] {"init", "dtype", "optimizer", "standardize", "activation", "spectra_every", "hidden", "small_layers"}) {
            if (Configs.value(this, f) == null) throw new BadInputException(where + ": " + Configs.name(f) + " is empty");
        }
        if (hidden.isEmpty()) throw new BadInputException(where + ": hidden: give at least one hidden width (--hidden N,N,...)");
        int depth = hidden.size() + 1;
        for (int l : small_layers) {
            if (l > depth) throw new BadInputException(where + ": small_layers names layer " + l + " but the network has " + depth + " layers");
        }
        if (init.fromFile() && (init_file == null || init_file.isBlank())) {
            throw new BadInputException(where + ": init=" + init + " needs init_file (--init-file)");
        }
        if (init == InitScheme.ALIGNED && !(init_norm > 0)) throw new BadInputException(where + ": init=aligned needs init_norm > 0 (alpha)");
        if (reduction == null) throw new BadInputException(where + ": " + Configs.name("reduction") + " is empty");
        if (fast_forward && !optimizer.create().gradientDescent()) {
            throw new BadInputException(where + ": " + Configs.name("fast_forward") + " integrates gradient flow and needs optimizer sgd, not '"
                    + optimizer + "' (momentum and Adam steps carry memory: no time change of the flow)");
        }
        parses(where, "cost", () -> org.saddlescope.loss.Cost.parse(cost));
    }

    private static void parses(String where, String field, Runnable parse) {
        try {
            parse.run();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new BadInputException(where + ": " + Configs.name(field) + ": " + (e.getMessage() == null ? "missing" : e.getMessage()));
        }
    }

    /** Merges maps in order (later wins) onto the defaults and checks every key and value type. */
    public static TrainConfig merge(List<Map<String, Object>> layers, String where) {
        return Configs.merge(layers, TrainConfig.class, where);
    }

    /** Reads a YAML file into a map; bad YAML or a missing file is bad input. */
    public static Map<String, Object> readYaml(Path file) {
        return Configs.readYaml(file);
    }

    /**
     * Fields that decide when a run stops, what it writes beside its weights and how often, but not the weights: a
     * run extended to a larger budget, or checkpointed at another cadence, makes the same weights.
     */
    public static final java.util.Set<String> RUN_CONTROL = java.util.Set.of("preset", "steps", "epochs", "loss_target", "log_every",
            "eval_every", "checkpoint_every", "checkpoint_minutes", "eval_samples", "top_k", "spectra_every", "report_every");

    /** The fields that determine the weights (all but {@link #RUN_CONTROL}), for a weights file's provenance. */
    public Map<String, Object> weightsFields() {
        Map<String, Object> m = toMap();
        m.keySet().removeAll(RUN_CONTROL);
        return m;
    }

    /**
     * Fields that config.yaml leaves out while they hold their defaults (added after runs were written without them):
     * a run that does not use them keeps the bytes of its config.yaml, and an older config.yaml reads back the same.
     */
    static final java.util.Set<String> OMITTED_AT_DEFAULT = java.util.Set.of("reduction", "fast_forward", "fast_forward_tolerance",
            "fast_forward_sample", "fast_forward_handover");

    public Map<String, Object> toMap() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = Json.YAML.convertValue(this, LinkedHashMap.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> defaults = Json.YAML.convertValue(new TrainConfig(), LinkedHashMap.class);
        for (String k : OMITTED_AT_DEFAULT) if (java.util.Objects.equals(m.get(k), defaults.get(k))) m.remove(k);
        return m;
    }
}
