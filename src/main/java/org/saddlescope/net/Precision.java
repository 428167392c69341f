package org.saddlescope.net;

import java.util.Locale;
import org.saddlescope.linalg.DType;

/**
 * The arithmetic of a training run: what the forward and backward products compute in, and how the weights are
 * stored and updated. {@link #MIXED} computes in float32 and stores every weight as a compensated float32 pair
 * (≈ 48 significant bits, see {@link org.saddlescope.linalg.Updates}), so an update far below half an ulp of a
 * float32 weight, which float32 storage rounds away, is kept.
 */
public enum Precision {
    FLOAT32(DType.F32, "float32"), MIXED(DType.F32, "mixed"), FLOAT64(DType.F64, "float64");

    private final DType compute;
    private final String label;

    Precision(DType compute, String label) {
        this.compute = compute;
        this.label = label;
    }

    /** Element type of the forward/backward products, activations, data and gradients. */
    public DType compute() { return compute; }

    public String label() { return label; }

    /** The label (float32, mixed, float64), as config.yaml and every message write it. */
    @Override
    public String toString() { return label; }

    /**
     * Unit roundoff of the stored weights: 2⁻²⁴ (float32), 2⁻⁴⁸ (mixed: a float32 pair), 2⁻⁵³ (float64). A
     * stored weight w is within this relative distance of the exact result of its last update.
     */
    public double storageRoundoff() {
        switch (this) {
            case FLOAT32: return 0x1p-24;
            case MIXED: return 0x1p-48;
            default: return 0x1p-53;
        }
    }

    /** Unit roundoff of the arithmetic that computes gradients. */
    public double computeRoundoff() {
        return compute == DType.F32 ? 0x1p-24 : 0x1p-53;
    }

    public static Precision of(DType d) {
        return d == DType.F32 ? FLOAT32 : FLOAT64;
    }

    /** "float32" (f32, float, single), "mixed", "float64" (f64, double); case-insensitive. */
    public static Precision parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("mixed")) return MIXED;
        try {
            return of(DType.parse(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown dtype '" + s + "' (use float32, mixed or float64)");
        }
    }
}
