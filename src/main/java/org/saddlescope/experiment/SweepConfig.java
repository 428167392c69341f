package org.saddlescope.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A grid of gradient-flow runs ({@code saddlescope sweep}): every (depth L, bottleneck count r ≤ L, ε, seed) with
 * He-normal weights and layers 1..r scaled by ε (r = L: all layers small), run to the escape time. The per-run
 * fields are those of {@link FlowConfig}; epsilon, bottleneck, seed and (when depths is given) hidden are set by
 * the grid.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public final class SweepConfig extends FlowConfig {
    public List<Double> epsilons = new ArrayList<>(List.of(1e-1, 3e-2, 1e-2, 3e-3, 1e-3));
    public List<Integer> bottlenecks = new ArrayList<>(List.of(2, 3, 4));
    /** Depths L; empty = the depth given by hidden. With depths, every hidden layer has width {@code width}. */
    public List<Integer> depths = new ArrayList<>();
    public int width = 8;
    /** Seeds 0..seeds−1 offset by seed. */
    public int seeds = 3;
    /** Which escape time the fits use: loss (loss_drop) or output (escape_output). */
    public String escape = "loss";
    public double confidence = 0.95;
    /** Write each run's folder (metrics.csv, summary.json, config.yaml) under runs/. */
    public boolean run_folders = true;
    /** Parallel runs (0 = all cores). */
    public int threads = 0;

    public SweepConfig() {
        max_time = 1e13;
        stop_at_escape = true;
        probes = 60;
        init = "he_scaled";
        max_evaluations = 500_000; // a run that never escapes stops here instead of crawling to max_time
    }

    public static final Map<String, String> HELP = new LinkedHashMap<>(FlowConfig.HELP);
    static {
        HELP.put("epsilons", "Scales of the small layers, comma-separated.");
        HELP.put("bottlenecks", "Numbers r of small layers (layers 1..r), comma-separated.");
        HELP.put("depths", "Depths L, comma-separated (empty: from hidden); hidden layers then have width 'width'.");
        HELP.put("width", "Hidden width when depths is given.");
        HELP.put("seeds", "Initialisations per grid point (seeds seed..seed+seeds-1).");
        HELP.put("escape", "Escape time used by the fits: loss or output.");
        HELP.put("confidence", "Confidence level of the exponent intervals.");
        HELP.put("run_folders", "Write a folder per run under runs/.");
        HELP.put("threads", "Parallel runs (0 = all cores).");
    }
}
