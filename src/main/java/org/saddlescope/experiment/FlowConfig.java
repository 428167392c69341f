package org.saddlescope.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One gradient-flow run ({@code saddlescope flow}); config.yaml is this object. Field names are the long options
 * with dashes as underscores. Also the per-run part of a sweep ({@link SweepConfig}).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public class FlowConfig {
    /** Dataset spec, see DataSource (teacher:..., modes:s=..., example1, mnist:DIR with subset...). */
    public String dataset = "modes:s=2,n=32,d=8,out=4";
    public int subset = 0;
    public List<Integer> hidden = new ArrayList<>(List.of(8, 8, 8, 8));
    public String activation = "tanh";
    /** mse, cross_entropy, or localized (L0 = Tr[GᵀY] of the mse at the data: the flow of Proposition 2.2). */
    public String cost = "mse";
    /** gaussian (N(0, init_scale²)), he, he_scaled (He-normal, small_layers × epsilon). */
    public String init = "he_scaled";
    public double init_scale = 1e-2;
    public double epsilon = 1e-2;
    /** 1-based layers scaled by epsilon (he_scaled); empty: the first bottleneck layers. */
    public List<Integer> small_layers = new ArrayList<>();
    /** Number of small layers r when small_layers is empty: layers 1..r. */
    public int bottleneck = 2;
    public long seed = 0;
    /** real (t) or normalised (q, dq = ‖θ‖^(L−2) dt). */
    public String clock = "real";
    /**
     * End of integration, in the clock. Past an escape the flow nears a minimum and turns stiff for an explicit
     * method (~340 evaluations per unit of t on the default teacher), so the default keeps a run to seconds.
     */
    public double max_time = 1e3;
    /** Probes, log-spaced from probe_from to max_time (plus one at the end). */
    public int probes = 200;
    public double probe_from = 1e-2;
    /** Output escape time: first time ‖Y‖_F reaches this (0 = off). */
    public double escape_output = 0;
    /** Loss escape time: first time the loss falls by this fraction of its initial value (0 = off). */
    public double loss_drop = 0.5;
    /** Stop at the escape times instead of integrating to max_time. */
    public boolean stop_at_escape = false;
    /** Stop when ‖θ‖ reaches this (0 = off). */
    public double blow_up = 0;
    /** Relative local error tolerance of the Runge–Kutta integrator. */
    public double rtol = 1e-8;
    /** Shortest adaptive step before forced RK4 steps (0 = auto: none for smooth σ, min(1e-8·max_time, 1e-2) for ReLU-type). */
    public double min_step = 0;
    public int max_evaluations = 5_000_000;

    public static final Map<String, String> HELP = new LinkedHashMap<>();
    static {
        HELP.put("dataset", "Dataset spec (" + DataSource.SPECS + ").");
        HELP.put("subset", "Training samples to use (0 = all).");
        HELP.put("hidden", "Hidden widths, comma-separated (n_0 and n_L come from the data).");
        HELP.put("activation", "Activation: relu, identity, leaky_relu[:slope], tanh, sigmoid, softplus, gelu, silu.");
        HELP.put("cost", "mse, cross_entropy, or localized (L0 = Tr[G^T Y]).");
        HELP.put("init", "gaussian, he, he_scaled.");
        HELP.put("init_scale", "sigma_0 of init=gaussian.");
        HELP.put("epsilon", "Scale of the small layers for he_scaled.");
        HELP.put("small_layers", "Layers (1-based) scaled by epsilon; empty = 1..bottleneck.");
        HELP.put("bottleneck", "r: number of small layers when small_layers is empty.");
        HELP.put("clock", "real (t) or normalised (q, dq = |theta|^(L-2) dt).");
        HELP.put("max_time", "End of the integration, in the clock (default 1000; raise it for small epsilon).");
        HELP.put("probes", "Number of log-spaced probes.");
        HELP.put("probe_from", "First probe time.");
        HELP.put("escape_output", "Output escape: first time |Y|_F reaches this (0 = off).");
        HELP.put("loss_drop", "Loss escape: first time the loss falls by this fraction (0 = off).");
        HELP.put("stop_at_escape", "Stop at the escape time(s).");
        HELP.put("blow_up", "Stop when |theta| reaches this (0 = off).");
        HELP.put("rtol", "Relative local error tolerance of the Dormand-Prince 8(5,3) integrator.");
        HELP.put("min_step", "Shortest adaptive step; below it fixed RK4 steps are forced (0 = auto).");
        HELP.put("max_evaluations", "Bound on gradient evaluations.");
    }
}
