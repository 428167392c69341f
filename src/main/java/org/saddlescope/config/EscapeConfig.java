package org.saddlescope.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One escape-direction search ({@code saddlescope escape}); config.yaml is this object. Data, architecture, cost and
 * seed are the {@link NetworkSpec} fields shared with train, flow and sweep (no θ0: the search starts from random
 * points of the sphere, one stream per restart).
 */
public final class EscapeConfig extends NetworkSpec {
    @Help("Random starts on the sphere ‖θ‖² = L.")
    public int restarts = 32;

    @Help("pgd (fixed step), rgd (Riemannian gradient, Armijo steps), power (layer-wise generalised power method).")
    public String solver = "rgd";

    @Help("Solver iterations per start.")
    public int iterations = 2000;

    @Help("Step of pgd, first step of rgd.")
    public double lr = 0.05;

    @Help("Stop at this relative stationarity residual ‖∇L0 + sρ‖/s.")
    public double tolerance = 1e-10;

    @Help("Remove units inactive on every sample (zeroing them keeps L0 and only raises s after rescaling).")
    public boolean prune = true;

    @Help("Kink-aware final polish (kernel path only).")
    public boolean polish = true;

    @Help("kernel (fused small-net loop, parallel starts), blas (Matrix/BLAS, large nets), auto (kernel below 5e6 parameter-samples).")
    public String path = "auto";

    @Help("Also sweep depths L..K with and without the appendix-A.4 extension as warm start (kernel path; 0 = off).")
    public int extend_to = 0;

    @Help("Singular values kept per layer in the outputs.")
    public int top_k = 10;

    public EscapeConfig() {
        dataset = "example1";
        hidden = new ArrayList<>(List.of(16, 16));
        cost = "auto";
    }
}
