package org.saddlescope.linalg;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Element-wise kernels of the weight update: adding an update to weights stored as compensated pairs (mixed
 * precision), counting the updates that left a weight unchanged, and sums of powers accumulated in float64. The loops work on L1-sized chunks copied into heap arrays: the JIT does not vectorise element
 * access to direct buffers, but it does vectorise these loops over arrays.
 *
 * <p>Mixed precision keeps each weight as an unevaluated float32 pair hi + lo ("double-float"): hi is the
 * float32 weight the forward and backward passes use, lo what rounding hi left out, |lo| ≤ ulp(hi)/2. That is
 * compensated summation in the form of Dekker's and Knuth's TwoSum: hi + lo carries 48 significant bits, and hi
 * is always hi + lo rounded to float32, exactly what a float64 master weight rounded to float32 would be. It
 * was chosen over float64 master weights by measurement (thread CPU time, Java 17 on this project's Zen 5): the
 * pair's pass costs 0.13 ns a weight in cache and 0.40 from memory, a float64 master with its float32 copy 0.39
 * and 0.58; the pair moves 16 bytes a weight, the master 24 (docs/precision.md).
 */
public final class Updates {
    private Updates() {}

    private static final int CHUNK = 4096;
    private static final ThreadLocal<float[][]> F32 = ThreadLocal.withInitial(() -> new float[3][CHUNK]);
    private static final ThreadLocal<double[][]> F64 = ThreadLocal.withInitial(() -> new double[3][CHUNK]);

    /**
     * (hi, lo)[offset + k] += d[k] for k &lt; n, all float32: TwoSum of hi and d, the error added to lo, then
     * renormalised so that hi = fl32(hi + lo) again. Error ≤ ~2⁻⁴⁸|hi| per call. When {@code count} is not null,
     * adds the number of nonzero d[k] to count[0] and of those that left both hi and lo unchanged to count[1]
     * (the weights come out the same either way).
     */
    public static void addCompensated(Matrix d, Matrix hi, Matrix lo, int offset, int n, long[] count) {
        requireF32(d, hi, lo);
        checkRange(d, 0, n);
        checkRange(hi, offset, n);
        checkRange(lo, offset, n);
        FloatBuffer db = d.floatBuffer(), hb = hi.floatBuffer(), lb = lo.floatBuffer();
        float[][] buf = F32.get();
        float[] dv = buf[0], hv = buf[1], lv = buf[2];
        for (int off = 0; off < n; off += CHUNK) {
            int m = Math.min(CHUNK, n - off);
            db.get(off, dv, 0, m);
            hb.get(offset + off, hv, 0, m);
            lb.get(offset + off, lv, 0, m);
            if (count != null) compensatedCounting(dv, hv, lv, m, count);
            else compensated(dv, hv, lv, m);
            hb.put(offset + off, hv, 0, m);
            lb.put(offset + off, lv, 0, m);
        }
    }

    /**
     * Two loops, not one: Java 17's C2 vectorises each (0.12 ns a weight together, thread CPU time, L1-resident
     * chunk) but not the fused loop (1.2 ns). Same operations, same bits as {@link #compensatedCounting}.
     */
    private static void compensated(float[] d, float[] hi, float[] lo, int m) {
        for (int k = 0; k < m; k++) {
            float a = hi[k], b = d[k];
            float s = a + b;
            float bb = s - a;
            lo[k] += (a - (s - bb)) + (b - bb); // a + b = s + err exactly (TwoSum); lo + err rounded
            hi[k] = s;
        }
        for (int k = 0; k < m; k++) {
            float s = hi[k], t = lo[k];
            float h = s + t;                    // renormalise: h = fl(s + t), lo = what h left out (Fast2Sum)
            lo[k] = t - (h - s);
            hi[k] = h;
        }
    }

    /** {@link #compensated} in one scalar loop that also counts (log steps only). */
    private static void compensatedCounting(float[] d, float[] hi, float[] lo, int m, long[] count) {
        long nonzero = 0, lost = 0;
        for (int k = 0; k < m; k++) {
            float a = hi[k], b = d[k], l0 = lo[k];
            float s = a + b;
            float bb = s - a;
            float err = (a - (s - bb)) + (b - bb);
            float t = l0 + err;
            float h = s + t;
            float l = t - (h - s);
            if (b != 0) {
                nonzero++;
                if (h == a && l == l0) lost++;
            }
            lo[k] = l;
            hi[k] = h;
        }
        count[0] += nonzero;
        count[1] += lost;
    }

    /**
     * Adds to count[0] the nonzero entries of {@code update} and to count[1] those among them where {@code after}
     * equals {@code before}: updates that rounding lost.
     */
    public static void countUnchanged(Matrix update, Matrix before, Matrix after, long[] count) {
        int n = update.size();
        if (before.size() != n || after.size() != n) throw new IllegalArgumentException("sizes differ");
        if (update.dtype() != before.dtype() || before.dtype() != after.dtype()) throw new IllegalArgumentException("dtypes differ");
        long nonzero = 0, lost = 0;
        if (update.dtype() == DType.F32) {
            float[][] buf = F32.get();
            float[] u = buf[0], b = buf[1], a = buf[2];
            for (int off = 0; off < n; off += CHUNK) {
                int m = Math.min(CHUNK, n - off);
                update.floatBuffer().get(off, u, 0, m);
                before.floatBuffer().get(off, b, 0, m);
                after.floatBuffer().get(off, a, 0, m);
                for (int k = 0; k < m; k++) {
                    if (u[k] != 0) {
                        nonzero++;
                        if (a[k] == b[k]) lost++;
                    }
                }
            }
        } else {
            double[][] buf = F64.get();
            double[] u = buf[0], b = buf[1], a = buf[2];
            for (int off = 0; off < n; off += CHUNK) {
                int m = Math.min(CHUNK, n - off);
                update.doubleBuffer().get(off, u, 0, m);
                before.doubleBuffer().get(off, b, 0, m);
                after.doubleBuffer().get(off, a, 0, m);
                for (int k = 0; k < m; k++) {
                    if (u[k] != 0) {
                        nonzero++;
                        if (a[k] == b[k]) lost++;
                    }
                }
            }
        }
        count[0] += nonzero;
        count[1] += lost;
    }

    /** dst[k] = m[offset + k] for k &lt; n, in float64 whatever m's dtype (for loops written once for both). */
    public static void read(Matrix m, int offset, double[] dst, int n) {
        checkRange(m, offset, n);
        if (m.dtype() == DType.F64) {
            m.doubleBuffer().get(offset, dst, 0, n);
            return;
        }
        FloatBuffer b = m.floatBuffer();
        float[] v = F32.get()[0];
        for (int off = 0; off < n; off += CHUNK) {
            int c = Math.min(CHUNK, n - off);
            b.get(offset + off, v, 0, c);
            for (int k = 0; k < c; k++) dst[off + k] = v[k];
        }
    }

    /** m[offset + k] = src[k] for k &lt; n, rounded to m's dtype. */
    public static void write(double[] src, Matrix m, int offset, int n) {
        checkRange(m, offset, n);
        if (m.dtype() == DType.F64) {
            m.doubleBuffer().put(offset, src, 0, n);
            return;
        }
        FloatBuffer b = m.floatBuffer();
        float[] v = F32.get()[0];
        for (int off = 0; off < n; off += CHUNK) {
            int c = Math.min(CHUNK, n - off);
            for (int k = 0; k < c; k++) v[k] = (float) src[off + k];
            b.put(offset + off, v, 0, c);
        }
    }

    /** hi = fl32(v), lo = fl32(v − hi): the float32 pair nearest a float64 value (v − hi is exact in float64). */
    public static void split(Matrix v, Matrix hi, Matrix lo) {
        if (v.dtype() != DType.F64) throw new IllegalArgumentException("split takes a float64 matrix, got " + v.dtype());
        requireF32(hi, hi, lo);
        checkRange(hi, 0, v.size());
        checkRange(lo, 0, v.size());
        DoubleBuffer vb = v.doubleBuffer();
        FloatBuffer hb = hi.floatBuffer(), lb = lo.floatBuffer();
        for (int k = 0, n = v.size(); k < n; k++) {
            double x = vb.get(k);
            float h = (float) x;
            hb.put(k, h);
            lb.put(k, (float) (x - h));
        }
    }

    /** out = hi + lo in float64, rounded to nearest (exact unless lo is far below half an ulp of hi). */
    public static void join(Matrix hi, Matrix lo, Matrix out) {
        requireF32(hi, hi, lo);
        if (out.dtype() != DType.F64) throw new IllegalArgumentException("join writes a float64 matrix, got " + out.dtype());
        checkRange(lo, 0, hi.size());
        checkRange(out, 0, hi.size());
        FloatBuffer hb = hi.floatBuffer(), lb = lo.floatBuffer();
        DoubleBuffer ob = out.doubleBuffer();
        for (int k = 0, n = hi.size(); k < n; k++) ob.put(k, (double) hb.get(k) + lb.get(k));
    }

    /**
     * {Σ x², Σ x⁴} over the entries of w (or of w + lo when lo is not null), accumulated in float64: squares of
     * float32 values, and of a pair's exact sum hi + lo (48 bits), are exact or rounded once in float64. Summed in
     * chunks of {@link #SUM_CHUNK} entries, each chunk's sum then added to the total, so the summation error is at
     * most (SUM_CHUNK + n/SUM_CHUNK)·2⁻⁵³ relative (Higham §4.2, for nonnegative terms): the bound
     * train.PrecisionMonitor charges for reading ‖W‖², and ≈ 250× tighter than one running sum over 10⁶ entries.
     */
    public static double[] powerSums(Matrix w, Matrix lo) {
        double s2 = 0, s4 = 0;
        int n = w.size();
        if (w.dtype() == DType.F64) {
            if (lo != null) throw new IllegalArgumentException("a float64 matrix has no low part");
            DoubleBuffer wb = w.doubleBuffer();
            double[] v = F64.get()[0];
            for (int off = 0; off < n; off += CHUNK) {
                int m = Math.min(CHUNK, n - off);
                wb.get(off, v, 0, m);
                double c2 = 0, c4 = 0;
                for (int k = 0; k < m; k++) {
                    double q = v[k] * v[k];
                    c2 += q;
                    c4 += q * q;
                }
                s2 += c2;
                s4 += c4;
            }
        } else {
            FloatBuffer wb = w.floatBuffer();
            FloatBuffer lb = lo == null ? null : lo.floatBuffer();
            float[][] buf = F32.get();
            float[] v = buf[0], l = buf[1];
            for (int off = 0; off < n; off += CHUNK) {
                int m = Math.min(CHUNK, n - off);
                wb.get(off, v, 0, m);
                if (lb != null) lb.get(off, l, 0, m);
                double c2 = 0, c4 = 0;
                for (int k = 0; k < m; k++) {
                    double x = lb != null ? (double) v[k] + l[k] : v[k];
                    double q = x * x;
                    c2 += q;
                    c4 += q * q;
                }
                s2 += c2;
                s4 += c4;
            }
        }
        return new double[] {s2, s4};
    }

    /** Entries summed apart before their sum joins the total in {@link #powerSums} (its error bound's chunk). */
    public static final int SUM_CHUNK = CHUNK;

    private static void requireF32(Matrix a, Matrix b, Matrix c) {
        if (a.dtype() != DType.F32 || b.dtype() != DType.F32 || c.dtype() != DType.F32) {
            throw new IllegalArgumentException("compensated float32 kernels take float32 matrices");
        }
    }

    private static void checkRange(Matrix m, int offset, int n) {
        if (offset < 0 || n < 0 || (long) offset + n > m.size()) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + n + " of a " + m.shape() + " matrix");
        }
    }
}
