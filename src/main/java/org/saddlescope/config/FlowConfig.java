package org.saddlescope.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import org.saddlescope.net.Activation;

/**
 * One gradient-flow run ({@code saddlescope flow}); config.yaml is this object. Field names are the long options
 * with dashes as underscores; data, architecture and θ0 are the {@link InitSpec} fields shared with train. Also
 * the per-run part of a sweep ({@link SweepConfig}).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public class FlowConfig extends InitSpec {
    @Help("r: number of small layers (1..r) when small_layers is empty.")
    @Bounds(min = 0)
    public int bottleneck = 2;

    @Help("real (t) or normalised (q, dq = ‖θ‖^(L−2) dt).")
    public String clock = "real";

    /**
     * Past an escape the flow nears a minimum and turns stiff for an explicit method (~340 evaluations per unit of t
     * on the default teacher), so the default keeps a run to seconds.
     */
    @Help("End of the integration, in the clock (raise it for small epsilon).")
    @Bounds(min = 0, minExclusive = true)
    public double max_time = 1e3;

    @Help("Number of probes, log-spaced from probe_from to max_time (plus one at the end).")
    @Bounds(min = 0)
    public int probes = 200;

    @Help("First probe time.")
    @Bounds(min = 0, minExclusive = true)
    public double probe_from = 1e-2;

    @Help("Output escape: first time ‖Y‖_F reaches this (0 = off).")
    @Bounds(min = 0)
    public double escape_output = 0;

    @Help("Loss escape: first time the loss falls by this fraction of its initial value (0 = off).")
    @Bounds(min = 0, max = 1)
    public double loss_drop = 0.5;

    @Help("Stop at the escape time(s) instead of integrating to max_time.")
    public boolean stop_at_escape = false;

    @Help("Stop when ‖θ‖ reaches this (0 = off).")
    @Bounds(min = 0)
    public double blow_up = 0;

    @Help("Relative local error tolerance of the Dormand-Prince 8(5,3) integrator.")
    @Bounds(min = 0, minExclusive = true)
    public double rtol = 1e-8;

    @Help("Shortest adaptive step; below it fixed RK4 steps are forced (0 = auto: none for smooth σ, min(1e-8·max_time, 1e-2) for ReLU-type).")
    @Bounds(min = 0)
    public double min_step = 0;

    @Help("Bound on gradient evaluations.")
    @Bounds(min = 1)
    public int max_evaluations = 5_000_000;

    public FlowConfig() {
        dataset = "modes:s=2,n=32,d=8,out=4";
        hidden = new ArrayList<>(List.of(8, 8, 8, 8));
        activation = Activation.TANH;
        init = InitScheme.HE_SCALED;
        init_scale = 1e-2;
    }
}
