package org.saddlescope.linalg;

/** Element type of a {@link Matrix}: chosen once per run; everything above {@code linalg} is written once for both. */
public enum DType {
    F32(4), F64(8);

    public final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Parses "float32"/"f32"/"float"/"float64"/"f64"/"double" (case-insensitive). */
    public static DType parse(String s) {
        switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "f32": case "float32": case "float": case "single": return F32;
            case "f64": case "float64": case "double": return F64;
            default: throw new IllegalArgumentException("unknown dtype '" + s + "' (use float32 or float64)");
        }
    }

    public String label() {
        return this == F32 ? "float32" : "float64";
    }
}
