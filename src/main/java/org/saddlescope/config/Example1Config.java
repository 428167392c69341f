package org.saddlescope.config;

import java.util.ArrayList;
import java.util.List;

/** {@code reproduce example1}: the paper's Example 1 (section 4, appendix D.1); config.yaml is this object. */
public final class Example1Config {
    @Help("Hidden widths of the sweep (Figures 2 and 8), comma-separated.")
    public List<Integer> widths = new ArrayList<>(List.of(2, 4, 8, 16, 32, 64));

    @Help("Runs per width.")
    public int runs = 100;

    @Help("Projected gradient steps per run.")
    public int steps = 2000;

    @Help("Step size of projected gradient descent.")
    public double lr = 0.05;

    @Help("Angles for the equation-6 curve.")
    public int curve_points = 720;

    @Help("Width of the solver comparison.")
    public int compare_width = 16;

    @Help("Starts per solver in the comparison (0 = skip).")
    public int compare_runs = 3;

    @Help("Iterations per solver in the comparison.")
    public int compare_iterations = 3000;

    @Help(NetworkSpec.SEED_HELP)
    public long seed = 0;
}
