package org.saddlescope.loss;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How a minibatch's cost combines its samples ({@code reduction} in config.yaml, as PyTorch's loss argument):
 * {@code mean} (PyTorch's default; every {@link Cost} here is the mean) or {@code sum}, whose gradient is B times
 * the mean's. Under lr = c/‖θ‖^p a sum is the mean with c·B: the same normalised-time path on the plateau, B
 * times fewer steps to cover it (section 2.1), and B times larger steps wherever the flow is not scale-free.
 * Logged losses stay means either way, so runs of both readings are comparable.
 */
public enum Reduction {
    MEAN("mean"), SUM("sum");

    private final String label;

    Reduction(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() { return label; }

    @Override
    public String toString() { return label; }

    /** The factor on the mean's gradient for a batch of {@code batch} samples. */
    public double gradientScale(int batch) {
        return this == SUM ? batch : 1;
    }

    /** mean or sum, case-insensitive. */
    @JsonCreator
    public static Reduction parse(String s) {
        String m = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (Reduction r : values()) if (r.label.equals(m)) return r;
        throw new IllegalArgumentException("unknown reduction '" + s + "' (use mean or sum)");
    }
}
