package org.saddlescope.spectra;

import java.util.ArrayList;
import java.util.List;

/**
 * A run of log-time slope S &gt; exit cut where it passes between two escapes' falls ({@link PlateauDetector}, step 4):
 * around each peak (highest first) a core where S ≥ max(exit, peak/3); two consecutive cores are cut apart at the
 * lowest S between them when that valley is deep (S at most a fifth of the lower peak) and both falls are large on
 * their own: peaks of at least {@link #PEAK} and at least 3·minDrop of log-loss on each side. On reproduce
 * mnist-quick the falls had peaks S = 4.1 and 5.6 and lowered y by 0.69 and 0.86, with S down to 0.23 between them.
 */
final class Valleys {
    private Valleys() {}

    /**
     * Peak slope of a fall that may be cut from its neighbour at a valley: three times the original enter threshold (1),
     * steeper than the noise peaks of a power-law descent; kept when enter was lowered to 0.5 (issue 20) so that the
     * lower entry threshold does not also cut SGD falls into pieces.
     */
    static final double PEAK = 3.0;

    /** The run [a, b] of grid indices cut at its deep valleys (gs: slope S, gy: smoothed log-loss on the grid). */
    static List<int[]> split(double[] gs, double[] gy, int[] run, double exit, double minDrop) {
        int a = run[0], b = run[1];
        boolean[] taken = new boolean[b - a + 1];
        List<int[]> cores = new ArrayList<>();
        while (true) {
            int peak = -1;
            for (int j = a; j <= b; j++) if (!taken[j - a] && (peak < 0 || gs[j] > gs[peak])) peak = j;
            if (peak < 0 || gs[peak] < PEAK) break;
            double level = Math.max(exit, gs[peak] / 3);
            int lo = peak, hi = peak;
            while (lo > a && !taken[lo - 1 - a] && gs[lo - 1] >= level) lo--;
            while (hi < b && !taken[hi + 1 - a] && gs[hi + 1] >= level) hi++;
            for (int j = lo; j <= hi; j++) taken[j - a] = true;
            cores.add(new int[] {lo, hi});
        }
        if (cores.size() < 2) return List.of(run);
        cores.sort((x, y) -> Integer.compare(x[0], y[0]));
        List<int[]> out = new ArrayList<>();
        int start = a;
        for (int c = 0; c + 1 < cores.size(); c++) {
            int valley = cores.get(c)[1];
            for (int j = cores.get(c)[1]; j <= cores.get(c + 1)[0]; j++) if (gs[j] < gs[valley]) valley = j;
            if (gs[valley] > Math.min(max(gs, cores.get(c)), max(gs, cores.get(c + 1))) / 5) continue;
            if (gy[start] - gy[valley] < 3 * minDrop || gy[valley] - gy[cores.get(c + 1)[1]] < 3 * minDrop) continue;
            out.add(new int[] {start, valley});
            start = valley;
        }
        out.add(new int[] {start, b});
        return out;
    }

    private static double max(double[] v, int[] range) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = range[0]; j <= range[1]; j++) m = Math.max(m, v[j]);
        return m;
    }
}
