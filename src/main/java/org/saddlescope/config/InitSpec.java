package org.saddlescope.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/** {@link NetworkSpec} plus the initialisation θ0: what the runs that start a network share (train, flow, sweep). */
@JsonInclude(JsonInclude.Include.ALWAYS)
public class InitSpec extends NetworkSpec {
    @Help("Initialisation θ0: gaussian (N(0, init_scale²)), he, he_scaled (He-normal, small_layers × epsilon), pytorch (nn.Linear's default U(±1/√fan_in); "
            + "with init_norm, rescaled to that ‖θ0‖); train also "
            + "npz (init_file) and aligned (init_norm·ρ/‖ρ‖, ρ from init_file).")
    public InitScheme init = InitScheme.GAUSSIAN;

    @Help("σ0 of init=gaussian.")
    @Bounds(min = 0, minExclusive = true)
    public double init_scale = 1e-3;

    @Help("Scale ε of the small layers for he_scaled.")
    @Bounds(min = 0, minExclusive = true)
    public double epsilon = 1e-2;

    @Help("Layers (1-based, comma-separated) scaled by epsilon for he_scaled; flow and sweep: empty = 1..bottleneck.")
    @Bounds(min = 1)
    public List<Integer> small_layers = new ArrayList<>();
}
