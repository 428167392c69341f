package org.saddlescope.linalg;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Element-wise kernels of the forward and backward passes, for both dtypes (the dtype branching stays in this
 * package): leaky ReLU (ReLU is slope 0) and the product with its derivative, and a byte-table lookup for
 * reading images.
 *
 * <p>Pre-activations have random signs, so a branch per element mispredicts half the time, and the JIT does not
 * vectorise element access to direct buffers: the loops work on L1-sized chunks copied into heap arrays, with
 * branch-free forms the JIT vectorises (as {@link Updates} does for the weight update).
 */
public final class Elementwise {
    private Elementwise() {}

    private static final int CHUNK = 4096;
    private static final ThreadLocal<float[][]> F32 = ThreadLocal.withInitial(() -> new float[2][CHUNK]);
    private static final ThreadLocal<double[][]> F64 = ThreadLocal.withInitial(() -> new double[2][CHUNK]);

    /**
     * out := max(z, 0) + slope·min(z, 0), i.e. z for z &gt; 0 and slope·z otherwise (one term is an exact zero, so
     * this equals the branch exactly). out may be z.
     */
    public static void leakyRelu(Matrix z, Matrix out, double slope) {
        int n = z.size();
        if (z.dtype() == DType.F32) {
            FloatBuffer a = z.floatBuffer(), b = out.floatBuffer();
            float[] v = F32.get()[0];
            float s = (float) slope;
            for (int off = 0; off < n; off += CHUNK) {
                int m = Math.min(CHUNK, n - off);
                a.get(off, v, 0, m);
                if (s == 0f) for (int k = 0; k < m; k++) v[k] = Math.max(v[k], 0f);
                else for (int k = 0; k < m; k++) v[k] = Math.max(v[k], 0f) + s * Math.min(v[k], 0f);
                b.put(off, v, 0, m);
            }
        } else {
            DoubleBuffer a = z.doubleBuffer(), b = out.doubleBuffer();
            double[] v = F64.get()[0];
            for (int off = 0; off < n; off += CHUNK) {
                int m = Math.min(CHUNK, n - off);
                a.get(off, v, 0, m);
                if (slope == 0) for (int k = 0; k < m; k++) v[k] = Math.max(v[k], 0.0);
                else for (int k = 0; k < m; k++) v[k] = Math.max(v[k], 0.0) + slope * Math.min(v[k], 0.0);
                b.put(off, v, 0, m);
            }
        }
    }

    /**
     * delta := delta ⊙ σ'(z) for leaky ReLU: σ'(z) = 1 for z &gt; 0, slope otherwise (σ'(0) = slope, as PyTorch takes
     * ReLU'(0) = 0), chosen by a sign mask rather than a branch.
     */
    public static void multiplyByLeakyReluDerivative(Matrix z, Matrix delta, double slope) {
        int n = z.size();
        if (z.dtype() == DType.F32) {
            FloatBuffer a = z.floatBuffer(), d = delta.floatBuffer();
            float[][] buf = F32.get();
            float[] zv = buf[0], dv = buf[1];
            int oneBits = Float.floatToRawIntBits(1f), slopeBits = Float.floatToRawIntBits((float) slope);
            for (int off = 0; off < n; off += CHUNK) {
                int m = Math.min(CHUNK, n - off);
                a.get(off, zv, 0, m);
                d.get(off, dv, 0, m);
                for (int k = 0; k < m; k++) {
                    int zb = Float.floatToRawIntBits(zv[k]);
                    int neg = ((zb - 1) | zb) >> 31; // all ones iff z ≤ 0 (±0 included)
                    dv[k] *= Float.intBitsToFloat((oneBits & ~neg) | (slopeBits & neg));
                }
                d.put(off, dv, 0, m);
            }
        } else {
            DoubleBuffer a = z.doubleBuffer(), d = delta.doubleBuffer();
            double[][] buf = F64.get();
            double[] zv = buf[0], dv = buf[1];
            long oneBits = Double.doubleToRawLongBits(1.0), slopeBits = Double.doubleToRawLongBits(slope);
            for (int off = 0; off < n; off += CHUNK) {
                int m = Math.min(CHUNK, n - off);
                a.get(off, zv, 0, m);
                d.get(off, dv, 0, m);
                for (int k = 0; k < m; k++) {
                    long zb = Double.doubleToRawLongBits(zv[k]);
                    long neg = ((zb - 1) | zb) >> 63; // all ones iff z ≤ 0 (±0 included)
                    dv[k] *= Double.longBitsToDouble((oneBits & ~neg) | (slopeBits & neg));
                }
                d.put(off, dv, 0, m);
            }
        }
    }

    /**
     * x[:, j] := table[bytes of record j] for n records of x.rows() bytes, record j starting at offset + j·stride
     * (IDX images: stride = rows; CIFAR-10: the label byte between records). The table is in float64 and rounded
     * once to float32 for F32 matrices, so both dtypes hold roundings of the same numbers.
     */
    public static void lookupBytes(byte[] b, int offset, int stride, int n, double[] table, Matrix x) {
        int d = x.rows();
        if (table.length != 256) throw new IllegalArgumentException("a byte table has 256 entries, got " + table.length);
        if (x.cols() != n) throw new IllegalArgumentException("x has " + x.cols() + " columns, " + n + " records given");
        int chunkCols = Math.max(1, (1 << 20) / Math.max(1, d));
        if (x.dtype() == DType.F32) {
            FloatBuffer buf = x.floatBuffer();
            float[] tf = new float[256];
            for (int v = 0; v < 256; v++) tf[v] = (float) table[v];
            float[] chunk = new float[Math.min(n, chunkCols) * d];
            for (int j0 = 0; j0 < n; j0 += chunkCols) {
                int cols = Math.min(chunkCols, n - j0);
                for (int c = 0; c < cols; c++) {
                    int src = offset + (j0 + c) * stride, dst = c * d;
                    for (int i = 0; i < d; i++) chunk[dst + i] = tf[b[src + i] & 0xff];
                }
                buf.put(j0 * d, chunk, 0, cols * d);
            }
        } else {
            DoubleBuffer buf = x.doubleBuffer();
            double[] chunk = new double[Math.min(n, chunkCols) * d];
            for (int j0 = 0; j0 < n; j0 += chunkCols) {
                int cols = Math.min(chunkCols, n - j0);
                for (int c = 0; c < cols; c++) {
                    int src = offset + (j0 + c) * stride, dst = c * d;
                    for (int i = 0; i < d; i++) chunk[dst + i] = table[b[src + i] & 0xff];
                }
                buf.put(j0 * d, chunk, 0, cols * d);
            }
        }
    }
}
