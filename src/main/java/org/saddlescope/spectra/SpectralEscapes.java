package org.saddlescope.spectra;

import java.util.Arrays;
import java.util.List;

/**
 * What the layer spectra say about an escape. Leaving a saddle lifts a new direction out of the initialisation
 * noise in every layer at once: the k-th escape of a deep net trained from small initialisation raises the k-th
 * singular value σ_k of each W_ℓ by a large factor (from the scale of the initialisation to O(1)). Across an
 * interval [t0, t1] this class measures, per layer, the largest rise ln σ_i(after) − ln σ_i(before) over the
 * tracked indices i, and takes L times the median over layers: the growth of the learned direction's end-to-end
 * gain, shared out over L balanced layers, robust to the first and last layers, whose ranks can move
 * differently. The index that rose most in most layers is the direction learned. Noise in the loss curve (SGD on
 * a plateau) moves no singular value: its "falls" show no rise and are not escapes.
 */
public final class SpectralEscapes {
    private SpectralEscapes() {}

    /**
     * L × the median over layers of the largest log-rise of a tracked singular value between snapshot steps
     * {@code before} and {@code after}, and the index (1-based) that rose most in most layers.
     */
    public record Rise(double logRise, int index, long before, long after) {}

    /**
     * The rise across [t0, t1], between the last snapshot at or before t0 and the first at or after t1; null when
     * the spectra do not bracket the interval within {@code maxGap} in ln-steps on each side (too sparse to tell).
     */
    public static Rise across(List<SpectrumSnapshot> snaps, double t0, double t1, double maxGap) {
        SpectrumSnapshot a = null, b = null;
        for (SpectrumSnapshot s : snaps) {
            if (s.step() <= t0) a = s;
            if (s.step() >= t1 && b == null) b = s;
        }
        if (a == null || b == null || a.step() < 1) return null;
        if (Math.log(t0 / a.step()) > maxGap || Math.log(b.step() / t1) > maxGap) return null;
        int depth = Math.min(a.depth(), b.depth());
        if (depth == 0) return null;
        double[] rise = new double[depth];
        int[] votes = new int[64];
        for (int l = 1; l <= depth; l++) {
            double[] va = a.layer(l), vb = b.layer(l);
            int n = Math.min(va.length, vb.length);
            double best = Double.NEGATIVE_INFINITY;
            int bestI = 0;
            for (int i = 0; i < n; i++) {
                if (!(va[i] > 0) || !(vb[i] > 0)) continue;
                double r = Math.log(vb[i] / va[i]);
                if (r > best) { best = r; bestI = i; }
            }
            rise[l - 1] = best;
            if (bestI < votes.length) votes[bestI]++;
        }
        Arrays.sort(rise);
        double median = depth % 2 == 1 ? rise[depth / 2] : 0.5 * (rise[depth / 2 - 1] + rise[depth / 2]);
        int index = 0;
        for (int i = 1; i < votes.length; i++) if (votes[i] > votes[index]) index = i;
        return new Rise(depth * median, index + 1, a.step(), b.step());
    }

    /**
     * Where the rise of σ_index is half done in log: the first snapshot step in [before, after] at which the median
     * over layers of ln σ_index has covered half of its change, interpolated in ln-steps; NaN if it cannot tell.
     */
    public static double middle(List<SpectrumSnapshot> snaps, int index, long before, long after) {
        double start = Double.NaN, end = Double.NaN;
        double prevStep = Double.NaN, prevV = Double.NaN;
        for (SpectrumSnapshot s : snaps) {
            if (s.step() == before) start = medianLog(s, index);
            if (s.step() == after) end = medianLog(s, index);
        }
        if (!Double.isFinite(start) || !Double.isFinite(end) || !(end > start)) return Double.NaN;
        double half = 0.5 * (start + end);
        for (SpectrumSnapshot s : snaps) {
            if (s.step() < before || s.step() > after) continue;
            double v = medianLog(s, index);
            if (!Double.isFinite(v)) continue;
            if (v >= half) {
                if (!Double.isFinite(prevV) || prevStep < 1) return s.step();
                double f = (half - prevV) / (v - prevV);
                return Math.exp(Math.log(prevStep) + f * (Math.log(s.step()) - Math.log(prevStep)));
            }
            prevStep = s.step();
            prevV = v;
        }
        return Double.NaN;
    }

    /**
     * A rise of σ_index seen in the spectra alone: from {@code startStep} to {@code endStep}, half done (in the
     * median over layers of ln σ_index) at {@code middleStep}; {@code logRise} is L × that median's rise.
     */
    public record Event(int index, double startStep, double middleStep, double endStep, double logRise, long before, long after) {}

    /**
     * Sharp rises of each tracked σ_i: runs of snapshots over which L × the median over layers of ln σ_i climbs
     * faster than t¹ (slope above 1 in ln-steps), joined across dips shorter than {@code joinGap}, kept when they rise
     * by at least {@code minRise} in all and the central 20–80% of the rise takes at most {@code maxWidth}
     * (ln-steps), and ended before the last snapshot. These are escapes the loss may hide: early SGD escapes, where a minibatch loss averaged over few
     * steps is too noisy to show two falls half a decade apart, still lift one singular value after another.
     */
    public static List<Event> events(List<SpectrumSnapshot> snaps, double minRise, double maxWidth, double joinGap) {
        List<Event> out = new java.util.ArrayList<>();
        if (snaps.size() < 5) return out;
        int depth = snaps.get(snaps.size() - 1).depth(), k = 0;
        for (int l = 1; l <= depth; l++) k = Math.max(k, snaps.get(snaps.size() - 1).layer(l).length);
        for (int index = 1; index <= k; index++) {
            java.util.List<double[]> pts = new java.util.ArrayList<>(); // ln step, L × median ln σ, snapshot step
            for (SpectrumSnapshot s : snaps) {
                if (s.step() < 1) continue;
                double v = medianLog(s, index);
                if (Double.isFinite(v)) pts.add(new double[] {Math.log(s.step()), s.depth() * v, s.step()});
            }
            int n = pts.size();
            for (int i = 0; i + 1 < n; ) {
                if (slope(pts, i) <= 1) { i++; continue; }
                int a = i, b = i + 1;
                while (true) {
                    while (b + 1 < n && slope(pts, b) > 1) b++;
                    int c = b; // join across a short dip
                    while (c + 1 < n && slope(pts, c) <= 1 && pts.get(c + 1)[0] - pts.get(b)[0] < joinGap) c++;
                    if (c + 1 < n && c > b && slope(pts, c) > 1 && pts.get(c)[0] - pts.get(b)[0] < joinGap) { b = c + 1; continue; }
                    break;
                }
                double lo = pts.get(a)[1], hi = pts.get(b)[1];
                // a rise still going at the last snapshot is an escape under way, not yet one to count
                if (hi - lo >= minRise && b < n - 1) {
                    double u20 = crossing(pts, a, b, lo + 0.2 * (hi - lo)), u50 = crossing(pts, a, b, lo + 0.5 * (hi - lo)),
                            u80 = crossing(pts, a, b, lo + 0.8 * (hi - lo));
                    if (u80 - u20 <= maxWidth) {
                        out.add(new Event(index, Math.exp(pts.get(a)[0]), Math.exp(u50), Math.exp(pts.get(b)[0]), hi - lo,
                                (long) pts.get(a)[2], (long) pts.get(b)[2]));
                    }
                }
                i = b;
            }
        }
        out.sort((x, y) -> Double.compare(x.middleStep(), y.middleStep()));
        return out;
    }

    private static double slope(List<double[]> pts, int i) {
        double du = pts.get(i + 1)[0] - pts.get(i)[0];
        return du > 0 ? (pts.get(i + 1)[1] - pts.get(i)[1]) / du : 0;
    }

    /** ln-step at which the series first reaches {@code level} in [a, b], interpolated. */
    private static double crossing(List<double[]> pts, int a, int b, double level) {
        for (int j = a + 1; j <= b; j++) {
            double[] p = pts.get(j - 1), q = pts.get(j);
            if (q[1] >= level) return q[1] == p[1] ? q[0] : p[0] + (level - p[1]) / (q[1] - p[1]) * (q[0] - p[0]);
        }
        return pts.get(b)[0];
    }

    /** Median over layers of ln σ_index (1-based); NaN if no layer tracks it. */
    static double medianLog(SpectrumSnapshot s, int index) {
        double[] v = new double[s.depth()];
        int n = 0;
        for (int l = 1; l <= s.depth(); l++) {
            double[] sv = s.layer(l);
            if (sv.length >= index && sv[index - 1] > 0) v[n++] = Math.log(sv[index - 1]);
        }
        if (n == 0) return Double.NaN;
        Arrays.sort(v, 0, n);
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
}
