package org.saddlescope.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * A grid of gradient-flow runs ({@code saddlescope sweep}): every (depth L, bottleneck count r ≤ L, ε, seed) with
 * He-normal weights and layers 1..r scaled by ε (r = L: all layers small), run to the escape time. The per-run
 * fields are those of {@link FlowConfig}; epsilon, bottleneck, seed and (when depths is given) hidden are set by
 * the grid.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public final class SweepConfig extends FlowConfig {
    @Help("Scales ε of the small layers, comma-separated.")
    @Bounds(min = 0, minExclusive = true)
    public List<Double> epsilons = new ArrayList<>(List.of(1e-1, 3e-2, 1e-2, 3e-3, 1e-3));

    @Help("Numbers r of small layers (layers 1..r), comma-separated.")
    @Bounds(min = 0)
    public List<Integer> bottlenecks = new ArrayList<>(List.of(2, 3, 4));

    @Help("Depths L, comma-separated (empty: from hidden); hidden layers then have width 'width'.")
    @Bounds(min = 1)
    public List<Integer> depths = new ArrayList<>();

    @Help("Hidden width when depths is given.")
    @Bounds(min = 1)
    public int width = 8;

    @Help("Initialisations per grid point (seeds seed..seed+seeds−1).")
    @Bounds(min = 1)
    public int seeds = 3;

    @Help("Escape time used by the fits: loss (loss_drop) or output (escape_output).")
    public String escape = "loss";

    @Help("Confidence level of the exponent intervals.")
    @Bounds(min = 0, minExclusive = true, max = 1)
    public double confidence = 0.95;

    @Help("Write a folder per run under runs/ (metrics.csv, summary.json, config.yaml).")
    public boolean run_folders = true;

    @Help("Parallel runs (0 = all cores).")
    @Bounds(min = 0)
    public int threads = 0;

    public SweepConfig() {
        max_time = 1e13;
        stop_at_escape = true;
        probes = 60;
        init = InitScheme.HE_SCALED;
        max_evaluations = 500_000; // a run that never escapes stops here instead of crawling to max_time
    }
}
