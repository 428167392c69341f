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
