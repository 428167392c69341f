package org.saddlescope.serve;

/**
 * What a chart a few thousand pixels wide can show of 10⁶ rows: the rows are cut into buckets equally spaced in log x
 * (the dashboard's x axes are logarithmic), and each bucket keeps, for every column, its lowest and highest value, at
 * the bucket's first and last x and in the order they occur (min–max decimation: every spike and plateau survives;
 * a pixel column cannot show more). Rows with x ≤ 0 are dropped (a log axis cannot show them). Ranges of at most
 * twice the buckets come back as they are.
 */
final class Decimation {
    private Decimation() {}

    /**
     * Column {@code cx} as x, then columns {@code ys}, of the rows with lo ≤ x ≤ hi (NaN: no bound) and x &gt; 0,
     * decimated to at most 2·{@code buckets} points. x must not decrease along the rows (steps, epochs and times of
     * one run do not).
     */
    static double[][] logMinMax(CsvTail.View v, int cx, int[] ys, double lo, double hi, int buckets) {
        int from = 0, to = v.rows();
        while (from < to && !(v.get(cx, from) > 0 && !(v.get(cx, from) < lo))) from++;
        while (to > from && (Double.isNaN(v.get(cx, to - 1)) || v.get(cx, to - 1) > hi)) to--;
        int n = to - from;
        double[][] out = new double[ys.length + 1][];
        if (n <= 2 * buckets) {
            for (int c = 0; c <= ys.length; c++) {
                int col = c == 0 ? cx : ys[c - 1];
                out[c] = new double[n];
                for (int r = 0; r < n; r++) out[c][r] = v.get(col, from + r);
            }
            return out;
        }
        double l0 = Math.log(v.get(cx, from)), l1 = Math.log(v.get(cx, to - 1));
        double width = (l1 - l0) / buckets;
        for (int c = 0; c <= ys.length; c++) out[c] = new double[2 * buckets];
        int m = 0, r = from;
        for (int b = 0; b < buckets && r < to; b++) {
            double edge = b == buckets - 1 ? Double.POSITIVE_INFINITY : Math.exp(l0 + (b + 1) * width);
            int start = r;
            while (r < to && v.get(cx, r) <= edge) r++;
            if (r == start) continue;
            if (r - start == 1) {
                out[0][m] = v.get(cx, start);
                for (int c = 0; c < ys.length; c++) out[c + 1][m] = v.get(ys[c], start);
                m++;
                continue;
            }
            out[0][m] = v.get(cx, start);
            out[0][m + 1] = v.get(cx, r - 1);
            for (int c = 0; c < ys.length; c++) minMax(v, ys[c], start, r, out[c + 1], m);
            m += 2;
        }
        for (int c = 0; c <= ys.length; c++) out[c] = java.util.Arrays.copyOf(out[c], m);
        return out;
    }

    /** Column rows [from, to) as they are: x first, then ys. */
    static double[][] rows(CsvTail.View v, int cx, int[] ys, int from, int to) {
        double[][] out = new double[ys.length + 1][to - from];
        for (int r = from; r < to; r++) {
            out[0][r - from] = v.get(cx, r);
            for (int c = 0; c < ys.length; c++) out[c + 1][r - from] = v.get(ys[c], r);
        }
        return out;
    }

    /** The min and max of column c over rows [start, end) (NaN ignored) into out[at], out[at+1], in row order. */
    private static void minMax(CsvTail.View v, int c, int start, int end, double[] out, int at) {
        int lo = -1, hi = -1;
        double vlo = 0, vhi = 0;
        for (int i = start; i < end; i++) {
            double y = v.get(c, i);
            if (Double.isNaN(y)) continue;
            if (lo < 0 || y < vlo) { lo = i; vlo = y; }
            if (hi < 0 || y > vhi) { hi = i; vhi = y; }
        }
        if (lo < 0) {
            out[at] = Double.NaN;
            out[at + 1] = Double.NaN;
        } else {
            out[at] = lo <= hi ? vlo : vhi;
            out[at + 1] = lo <= hi ? vhi : vlo;
        }
    }
}
