package org.saddlescope.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How θ0 is made, by the name config.yaml and {@code --init} use. The three drawn schemes come from the run seed's
 * stream "init" ({@link NetworkBuilder#draw}); the two read from {@code init_file} are train's only.
 */
public enum InitScheme {
    /** N(0, init_scale²) for every weight. */
    GAUSSIAN("gaussian", false),
    /** He-normal: N(0, 2/n_{ℓ-1}). */
    HE("he", false),
    /** He-normal with the small layers multiplied by epsilon. */
    HE_SCALED("he_scaled", false),
    /** PyTorch's nn.Linear default, U(±1/√n_{ℓ-1}); with init_norm, rescaled to that ‖θ0‖. */
    PYTORCH("pytorch", false),
    /** The weights of init_file. */
    NPZ("npz", true),
    /** init_norm · ρ/‖ρ‖ with the direction ρ read from init_file. */
    ALIGNED("aligned", true);

    /** The drawn schemes, as flow and sweep name them in their messages. */
    public static final String DRAWN = "gaussian, he, he_scaled, pytorch";

    private final String label;
    private final boolean fromFile;

    InitScheme(String label, boolean fromFile) {
        this.label = label;
        this.fromFile = fromFile;
    }

    /** The name config.yaml holds. */
    @JsonValue
    public String label() { return label; }

    /** True when θ0 is read from init_file rather than drawn. */
    public boolean fromFile() { return fromFile; }

    @Override
    public String toString() { return label; }

    @JsonCreator
    public static InitScheme parse(String s) {
        String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (InitScheme i : values()) if (i.label.equals(t)) return i;
        throw new IllegalArgumentException("unknown init '" + s + "' (use gaussian, he, he_scaled, pytorch, npz, aligned)");
    }
}
