package org.saddlescope.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** The config of a map of option values or YAML keys ('-' or '_'), with the old --depth/--width shorthand applied. */
    public static EscapeConfig of(Map<String, Object> values, String where) {
        Map<String, Object> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k.replace('-', '_'), v));
        Object depth = m.remove("depth"), width = m.remove("width");
        if (depth != null || width != null) {
            int d = depth != null ? ((Number) depth).intValue() : 3, w = width != null ? ((Number) width).intValue() : 16;
            if (d < 1 || w < 1) throw new IllegalArgumentException(where + ": depth and width must be >= 1");
            m.put("hidden", new ArrayList<>(Collections.nCopies(d - 1, w)));
        }
        return Configs.merge(List.of(m), EscapeConfig.class, where);
    }
}
