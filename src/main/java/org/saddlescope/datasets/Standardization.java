package org.saddlescope.datasets;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How inputs are standardised before training ({@code standardize} in config.yaml): {@code auto} is appendix B's
 * scalar μ, σ for images and nothing for synthetic data.
 */
public enum Standardization {
    AUTO("auto"), SCALAR("scalar"), FEATURE("feature"), NONE("none");

    private final String label;

    Standardization(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() { return label; }

    @Override
    public String toString() { return label; }

    /** What auto means for a kind of data. */
    public Standardization resolve(boolean images) {
        return this != AUTO ? this : images ? SCALAR : NONE;
    }

    /** auto, scalar, feature (also per-feature, per_feature) or none; case-insensitive. */
    @JsonCreator
    public static Standardization parse(String s) {
        String m = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        switch (m) {
            case "per-feature": case "per_feature": case "per-pixel": case "per_pixel": return FEATURE;
            case "global": return SCALAR;
            default:
                for (Standardization v : values()) if (v.label.equals(m)) return v;
                throw new IllegalArgumentException("unknown standardize '" + s + "' (use auto, scalar (global), feature (per-pixel) or none)");
        }
    }
}
