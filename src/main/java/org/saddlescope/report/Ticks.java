package org.saddlescope.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Axis ticks as a paper shows them. Linear axes: 1-2-5 steps, every label with the decimals its step needs
 * ("0.05, 0.10", never ".05" or 15 digits), a power of ten written 2×10⁵ only past 10⁶. Log axes: labelled
 * decades with unlabelled minor ticks at 2..9 × 10ᵏ; over less than three decades also 2 and 5 × 10ᵏ where they
 * fit (and 1..9 × 10ᵏ under one decade); on an axis narrower than that, linear ticks inside it. One notation per axis: every
 * label plain (0.01 … 10000) or every label 10ᵏ. The densest set whose labels do not touch is chosen, measured
 * with the font's own widths.
 */
final class Ticks {
    private Ticks() {}

    /** A tick at {@code at} (log10 of the value on a log axis); major ticks carry a label, minor ones do not. */
    record Tick(double at, String label, boolean major) {}

    private static final double[] STEPS = {1, 2, 2.5, 5};

    /**
     * Ticks of [lo, hi] on an axis {@code lengthPx} long. {@code size} gives a label's extent along the axis (its
     * width on a horizontal axis, its height on a vertical one); labels keep {@code gapPx} apart.
     */
    static List<Tick> linear(double lo, double hi, double lengthPx, ToDoubleFunction<String> size, double gapPx) {
        if (!(hi > lo)) return List.of(new Tick(lo, plain(lo, 0), true));
        double span = hi - lo;
        double mag = Math.pow(10, Math.floor(Math.log10(span / 12)));
        List<Tick> last = null;
        for (int k = 0; k < 12; k++) {
            double step = STEPS[k % STEPS.length] * mag * Math.pow(10, k / STEPS.length);
            List<Tick> t = linearAt(lo, hi, step);
            if (t.size() < 2 && last != null) break;
            last = t;
            if (t.size() <= 7 && fits(t, lo, hi, lengthPx, size, gapPx)) return t;
        }
        // nothing fits: the two outermost ticks of the coarsest set, which at least say where the axis lies
        return last == null ? List.of() : last.size() <= 2 ? last : List.of(last.get(0), last.get(last.size() - 1));
    }

    /** Ticks at whole numbers only (an axis of depths, layers, indices): steps 1, 2, 5, 10, 20, 50, ... */
    static List<Tick> integer(double lo, double hi, double lengthPx, ToDoubleFunction<String> size, double gapPx) {
        List<Tick> last = null;
        for (double mag = 1; mag < 1e15; mag *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                List<Tick> t = linearAt(lo, hi, m * mag);
                if (t.isEmpty()) return last == null ? t : last;
                last = t;
                if (t.size() <= 12 && fits(t, lo, hi, lengthPx, size, gapPx)) return t;
            }
        }
        return last;
    }

    private static List<Tick> linearAt(double lo, double hi, double step) {
        long first = (long) Math.ceil(lo / step - 1e-9), lastK = (long) Math.floor(hi / step + 1e-9);
        double maxAbs = Math.max(Math.abs(lo), Math.abs(hi));
        boolean sci = maxAbs >= 1e6 || maxAbs < 1e-3;
        int e = (int) Math.floor(Math.log10(maxAbs) + 1e-9);
        int decimals = decimals(sci ? step / Math.pow(10, e) : step);
        List<Tick> out = new ArrayList<>();
        for (long k = first; k <= lastK && out.size() < 200; k++) {
            double v = k * step;
            if (Math.abs(v) < step * 1e-9) v = 0;
            out.add(new Tick(v, sci ? sci(v, e, decimals) : plain(v, decimals), true));
        }
        return out;
    }

    /** Labelled ticks at given values (log10 of them on a log axis), each with the decimals it needs. */
    static List<Tick> at(double[] values, boolean log) {
        List<Tick> out = new ArrayList<>();
        for (double v : values) {
            if (!Double.isFinite(v) || (log && v <= 0)) continue;
            int d = 0;
            while (d < 6 && Math.abs(v * Math.pow(10, d) - Math.rint(v * Math.pow(10, d))) > 1e-9 * Math.max(1, Math.abs(v) * Math.pow(10, d))) d++;
            out.add(new Tick(log ? Math.log10(v) : v, plain(v, d), true));
        }
        return out;
    }

    /** Decimals that a step needs: 0.05 → 2, 2.5 → 1, 20 → 0. */
    static int decimals(double step) {
        for (int d = 0; d < 12; d++) {
            double scaled = step * Math.pow(10, d);
            if (scaled >= 1 - 1e-9 && Math.abs(scaled - Math.rint(scaled)) < 1e-6 * scaled) return d;
        }
        return 12;
    }

    static String plain(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v).replace('-', '\u2212');
    }

    /** v as m×10ᵉ with the mantissa's {@code decimals} ("2×10⁶", "1.5×10⁻⁴", "0"); 10ᵉ alone when m is 1. */
    static String sci(double v, int e, int decimals) {
        if (v == 0) return "0";
        String ms = plain(v / Math.pow(10, e), decimals);
        if (ms.equals("1")) return "10" + sup(e);
        if (ms.equals("\u22121")) return "\u221210" + sup(e);
        return ms + "\u00d710" + sup(e);
    }

    static String sup(int e) {
        String digits = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079";
        StringBuilder b = new StringBuilder();
        if (e < 0) b.append('\u207b');
        for (char c : Integer.toString(Math.abs(e)).toCharArray()) b.append(digits.charAt(c - '0'));
        return b.toString();
    }

    /**
     * Ticks of [lo, hi] (values, lo > 0) on a log axis; {@link Tick#at} is log10 of the value.
     */
    static List<Tick> log(double lo, double hi, double lengthPx, ToDoubleFunction<String> size, double gapPx) {
        if (!(lo > 0) || !(hi > lo)) return List.of(new Tick(Math.log10(Math.max(lo, Double.MIN_NORMAL)), "", true));
        double a = Math.log10(lo), b = Math.log10(hi);
        int e0 = (int) Math.floor(a - 1e-9), e1 = (int) Math.ceil(b + 1e-9);
        double pxPerDecade = lengthPx / (b - a);
        boolean exponent = e0 < -3 || e1 > 5;
        // candidate label sets, densest first: multipliers per decade (over less than two decades), then decades,
        // then every n-th decade
        double decades = b - a;
        List<int[]> sets = new ArrayList<>();   // {minimum labels, multipliers...}
        if (decades < 1) { sets.add(new int[] {3, 1, 2, 5}); sets.add(new int[] {2, 1, 2, 3, 4, 5, 6, 7, 8, 9}); }
        if (decades < 3) { sets.add(new int[] {2, 1, 2, 5}); sets.add(new int[] {2, 1, 3}); }
        for (int[] set : sets) {
            int[] mult = java.util.Arrays.copyOfRange(set, 1, set.length);
            List<Tick> t = logAt(a, b, e0, e1, mult, 1, exponent, pxPerDecade);
            if (labelled(t) >= set[0] && fits(t, a, b, lengthPx, size, gapPx)) return t;
        }
        for (int every : new int[] {1, 2, 3, 4, 5, 10, 20, 50}) {
            List<Tick> t = logAt(a, b, e0, e1, new int[] {1}, every, exponent, pxPerDecade);
            if (labelled(t) >= 2 && fits(t, a, b, lengthPx, size, gapPx)) return every == 1 ? ends(t, a, b, exponent, lengthPx, size, gapPx) : t;
        }
        // less than a factor that holds two 1..9×10ᵏ values: linear ticks inside the range, at log positions
        List<Tick> lin = linear(lo, hi, lengthPx * 0.6, size, gapPx);
        List<Tick> out = new ArrayList<>();
        for (Tick t : lin) if (t.at() > 0) out.add(new Tick(Math.log10(t.at()), t.label(), true));
        return out;
    }

    /**
     * Decade labels that leave an end of the axis more than half a decade unlabelled get a label at that end too:
     * the highest 2 or 5 × 10ᵏ below the top (the lowest above the bottom), where it fits.
     */
    private static List<Tick> ends(List<Tick> t, double a, double b, boolean exponent, double lengthPx, ToDoubleFunction<String> size, double gapPx) {
        List<Tick> out = new ArrayList<>(t);
        double top = Double.NEGATIVE_INFINITY, bottom = Double.POSITIVE_INFINITY;
        for (Tick k : t) if (k.major()) { top = Math.max(top, k.at()); bottom = Math.min(bottom, k.at()); }
        if (b - top > 0.5) addLabel(out, Math.floor(b), new int[] {5, 2}, a, b, exponent, lengthPx, size, gapPx);
        if (bottom - a > 0.5) addLabel(out, Math.floor(a), new int[] {2, 5}, a, b, exponent, lengthPx, size, gapPx);
        return out;
    }

    private static void addLabel(List<Tick> t, double decade, int[] mults, double a, double b, boolean exponent, double lengthPx,
                                 ToDoubleFunction<String> size, double gapPx) {
        for (int m : mults) {
            double at = Math.log10(m) + decade;
            if (at < a - 1e-9 || at > b + 1e-9) continue;
            List<Tick> trial = new ArrayList<>();
            for (Tick k : t) if (Math.abs(k.at() - at) > 1e-9) trial.add(k);
            trial.add(new Tick(at, logLabel(m, (int) decade, exponent), true));
            trial.sort((x, y) -> Double.compare(x.at(), y.at()));
            if (fits(trial, a, b, lengthPx, size, gapPx)) {
                t.clear();
                t.addAll(trial);
                return;
            }
        }
    }

    private static List<Tick> logAt(double a, double b, int e0, int e1, int[] mult, int every, boolean exponent, double pxPerDecade) {
        List<Tick> out = new ArrayList<>();
        boolean minors = pxPerDecade >= 30;
        for (int e = e0; e <= e1; e++) {
            for (int m = 1; m <= 9; m++) {
                double at = Math.log10(m) + e;
                if (at < a - 1e-9 || at > b + 1e-9) continue;
                boolean labelled = contains(mult, m) && Math.floorMod(e, every) == 0;
                if (labelled) out.add(new Tick(at, logLabel(m, e, exponent), true));
                else if (m == 1 || minors) out.add(new Tick(at, "", false));
            }
        }
        return out;
    }

    static String logLabel(int m, int e, boolean exponent) {
        if (exponent) return m == 1 ? "10" + sup(e) : m + "\u00d710" + sup(e);
        double v = m * Math.pow(10, e);
        return plain(v, Math.max(0, -e));
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }

    private static int labelled(List<Tick> t) {
        int n = 0;
        for (Tick k : t) if (k.major()) n++;
        return n;
    }

    /** Labels centred on their ticks do not come within gapPx of each other. */
    private static boolean fits(List<Tick> t, double lo, double hi, double lengthPx, ToDoubleFunction<String> size, double gapPx) {
        double prevEnd = Double.NEGATIVE_INFINITY;
        for (Tick k : t) {
            if (!k.major()) continue;
            double c = (k.at() - lo) / (hi - lo) * lengthPx, half = size.applyAsDouble(k.label()) / 2;
            if (c - half < prevEnd + gapPx) return false;
            prevEnd = c + half;
        }
        return true;
    }
}
