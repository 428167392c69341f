package org.saddlescope.sweep;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.saddlescope.io.BadInputException;

/**
 * The points of a spec: the product of its axes, first axis outermost (zipped fields count as one axis), each
 * named after its axis values ({@code width=4_seed=0}) and checked by its kind before anything is written.
 */
public final class Grid {
    private Grid() {}

    /** The points and how many the kind left out. */
    public record Expanded(List<Point> points, int skipped, String skipReason) { }

    /** A grid larger than this is a typo (each point is a folder). */
    static final long MAX_POINTS = 1_000_000;
    /** Folder names stay well under the 255-byte limit of common file systems. */
    static final int MAX_NAME = 180;

    public static Expanded expand(SweepSpec spec, Kind kind, String where) {
        long total = 1;
        for (Axis a : spec.axes) {
            total *= a.size();
            if (total > MAX_POINTS) throw new BadInputException(where + ": more than " + MAX_POINTS + " points");
        }
        List<Point> points = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int skipped = 0;
        int[] at = new int[spec.axes.size()];
        for (long n = 0; n < total; n++) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (int k = 0; k < at.length; k++) values.putAll(spec.axes.get(k).at(at[k]));
            Map<String, Object> config = kind.pointConfig(spec.base, values);
            if (config == null) {
                skipped++;
            } else {
                String name = name(values);
                if (name.length() > MAX_NAME) name = name.substring(0, MAX_NAME) + "-" + points.size();
                if (!names.add(name)) {
                    name = name + "-" + points.size();
                    names.add(name);
                }
                kind.validate(config, where + ": point " + name);
                points.add(new Point(points.size(), name, values, config));
            }
            for (int k = at.length - 1; k >= 0; k--) { // odometer: last axis fastest
                if (++at[k] < spec.axes.get(k).size()) break;
                at[k] = 0;
            }
        }
        if (points.isEmpty()) throw new BadInputException(where + ": no point to run (" + skipped + " left out: " + kind.skipReason() + ")");
        return new Expanded(points, skipped, kind.skipReason());
    }

    /**
     * {@code width=4_seed=0}: the axis values, in axis order; "point" when nothing varies. No commas, spaces or quotes,
     * so a name is a plain CSV cell and a plain shell word.
     */
    public static String name(Map<String, Object> values) {
        if (values.isEmpty()) return "point";
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (b.length() > 0) b.append('_');
            b.append(safe(e.getKey())).append('=').append(safe(format(e.getValue())));
        }
        return b.toString();
    }

    /** A value as a name or a CSV cell shows it: 0.001 (not 1.0E-3), lists joined by x (hidden 100x100). */
    public static String format(Object v) {
        if (v == null) return "";
        if (v instanceof Double d) return formatDouble(d);
        if (v instanceof Float f) return formatDouble(f.doubleValue());
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder();
            for (Object o : l) b.append(b.length() > 0 ? "x" : "").append(format(o));
            return b.toString();
        }
        return v.toString();
    }

    static String formatDouble(double d) {
        if (!Double.isFinite(d)) return Double.toString(d);
        if (d == Math.rint(d) && Math.abs(d) < 1e7) return Long.toString((long) d) + ".0";
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = b.precision() - b.scale() - 1;
        if (exponent >= -4 && exponent < 7) return b.toPlainString();
        String mantissa = b.movePointLeft(exponent).toPlainString();
        return mantissa + "e" + (exponent < 0 ? "-" : "") + String.format("%02d", Math.abs(exponent));
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._+-]", "_");
    }
}
