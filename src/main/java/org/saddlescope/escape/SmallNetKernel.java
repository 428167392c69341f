package org.saddlescope.escape;

import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;

/**
 * Fused forward + backward of the localized loss L0(θ) = Tr[Gᵀ Y_θ] (paper, section 2) for a small bias-free
 * network held as one flat {@code double[]} θ: the concatenation of W_1..W_L, each column-major n_ℓ × n_{ℓ-1}
 * (the layout of {@link Matrix#toDoubleArray()}). For Example 1 (N = 8, widths 2..128) a step costs a few
 * thousand flops, so call overhead dominates: this loop allocates nothing, touches no {@link Matrix} and skips
 * the zero entries ReLU produces. One kernel is shared by all threads; each thread owns a {@link Workspace}.
 * Only positively homogeneous activations (ReLU, leaky ReLU, identity): σ(z) = z for z > 0, slope·z otherwise,
 * with σ'(0) = slope as in {@link Activation}.
 */
public final class SmallNetKernel {
    private final int[] widths;
    private final int depth;
    private final int samples;
    private final double[] x; // n_0 × N column-major
    private final double[] g; // n_L × N column-major
    private final double slope;
    private final int[] offset; // offset[ℓ] = start of W_ℓ in θ, ℓ = 1..L; offset[L+1] = size
    private final int maxWidth;

    public SmallNetKernel(int[] widths, Activation activation, double[] x, double[] g, int samples) {
        this(widths, checkedSlope(activation), x, g, samples);
    }

    private static double checkedSlope(Activation activation) {
        if (!activation.positivelyHomogeneous() || activation.value(1.0) != 1.0) {
            throw new IllegalArgumentException("the small-net kernel needs a positively homogeneous activation (relu, leaky_relu, identity), got " + activation);
        }
        return -activation.value(-1.0);
    }

    /** σ(z) = z for z > 0, slope·z otherwise. */
    SmallNetKernel(int[] widths, double slope, double[] x, double[] g, int samples) {
        this.widths = widths.clone();
        this.depth = widths.length - 1;
        this.samples = samples;
        if (x.length != widths[0] * samples) throw new IllegalArgumentException("X must be " + widths[0] + "x" + samples);
        if (g.length != widths[depth] * samples) throw new IllegalArgumentException("G must be " + widths[depth] + "x" + samples);
        this.x = x.clone();
        this.g = g.clone();
        this.slope = slope;
        this.offset = new int[depth + 2];
        int o = 0, mw = 0;
        for (int l = 1; l <= depth; l++) {
            offset[l] = o;
            o += widths[l] * widths[l - 1];
        }
        offset[depth + 1] = o;
        for (int w : widths) mw = Math.max(mw, w);
        this.maxWidth = mw;
    }

    /** Kernel for a network's architecture and activation on data X (d×N) and G (n_L×N). */
    public static SmallNetKernel of(Network net, Matrix x, Matrix g) {
        return new SmallNetKernel(net.widths(), net.activation(), x.toDoubleArray(), g.toDoubleArray(), x.cols());
    }

    public int size() { return offset[depth + 1]; }
    public int depth() { return depth; }
    public int samples() { return samples; }
    public int[] widths() { return widths.clone(); }
    public double slope() { return slope; }
    /** Start of W_ℓ (ℓ = 1..L) in θ. */
    public int offset(int l) { return offset[l]; }
    double[] xData() { return x; }
    double[] gData() { return g; }

    public Workspace workspace() { return new Workspace(); }

    /** Per-thread buffers: Z_ℓ and Z_ℓ^σ for every layer, two δ buffers. */
    public final class Workspace {
        final double[][] z = new double[depth + 1][];
        final double[][] a = new double[depth + 1][];
        final double[] d1 = new double[maxWidth * samples];
        final double[] d2 = new double[maxWidth * samples];
        final int[] idx = new int[Math.max(maxWidth, samples)];

        Workspace() {
            a[0] = x;
            for (int l = 1; l <= depth; l++) {
                z[l] = new double[widths[l] * samples];
                a[l] = l < depth ? new double[widths[l] * samples] : z[l];
            }
        }

        /** Z_ℓ from the last forward pass (n_ℓ × N column-major, live). */
        public double[] preactivation(int l) { return z[l]; }
        /** Z_ℓ^σ from the last forward pass (ℓ = 0 gives X). */
        public double[] activation(int l) { return a[l]; }
    }

    /** Forward pass; returns L0(θ) = Tr[Gᵀ Y_θ]. Leaves Z_ℓ, Z_ℓ^σ in ws. */
    public double value(double[] theta, Workspace ws) {
        for (int l = 1; l <= depth; l++) forwardLayer(theta, ws, l);
        final double[] y = ws.z[depth];
        double s = 0;
        for (int k = 0; k < y.length; k++) s += g[k] * y[k];
        return s;
    }

    /** Z_ℓ = W_ℓ Z_{ℓ-1}^σ and (hidden layers) Z_ℓ^σ = σ(Z_ℓ) from the Z_{ℓ-1}^σ held in ws. */
    void forwardLayer(double[] theta, Workspace ws, int l) {
        final int N = samples;
        final int nout = widths[l], nin = widths[l - 1], o = offset[l];
        final double[] h = ws.a[l - 1], z = ws.z[l];
        final int[] idx = ws.idx;
        for (int j = 0; j < N; j++) {
            final int zo = j * nout, ho = j * nin;
            // ReLU zeros: skip those columns of W_ℓ; take the rest four at a time, so that each load and store
            // of z serves four multiply-adds (the loop over i is vectorised by the JIT)
            int m = 0;
            for (int k = 0; k < nin; k++) if (h[ho + k] != 0.0) idx[m++] = k;
            for (int i = 0; i < nout; i++) z[zo + i] = 0.0;
            int q = 0;
            for (; q + 3 < m; q += 4) {
                final int k0 = idx[q], k1 = idx[q + 1], k2 = idx[q + 2], k3 = idx[q + 3];
                final double h0 = h[ho + k0], h1 = h[ho + k1], h2 = h[ho + k2], h3 = h[ho + k3];
                final int w0 = o + k0 * nout, w1 = o + k1 * nout, w2 = o + k2 * nout, w3 = o + k3 * nout;
                for (int i = 0; i < nout; i++) {
                    z[zo + i] += theta[w0 + i] * h0 + theta[w1 + i] * h1 + theta[w2 + i] * h2 + theta[w3 + i] * h3;
                }
            }
            for (; q < m; q++) {
                final int k = idx[q];
                final double hv = h[ho + k];
                final int wo = o + k * nout;
                for (int i = 0; i < nout; i++) z[zo + i] += theta[wo + i] * hv;
            }
        }
        if (l < depth) {
            final double[] act = ws.a[l];
            final double sl = slope;
            for (int k = 0, n = nout * N; k < n; k++) {
                final double v = z[k];
                act[k] = v > 0 ? v : sl * v;
            }
        }
    }

    /**
     * General backward pass (slow path, for the polish): starts from δ_top at layer top (n_top × N), writes
     * ∂/∂W_ℓ for ℓ ≤ top and zero above; entries with mask[ℓ][k] != 0 get σ' = 0 (kinks held at zero).
     */
    void backwardFrom(double[] theta, double[] grad, Workspace ws, double[] deltaTop, int top, byte[][] mask) {
        final int N = samples;
        for (int k = offset[top + 1]; k < offset[depth + 1]; k++) grad[k] = 0.0;
        double[] delta = deltaTop;
        for (int l = top; l >= 1; l--) {
            final int nout = widths[l], nin = widths[l - 1], o = offset[l];
            final double[] h = ws.a[l - 1];
            for (int k = o, end = o + nout * nin; k < end; k++) grad[k] = 0.0;
            for (int j = 0; j < N; j++)
                for (int k = 0; k < nin; k++) {
                    final double hv = h[j * nin + k];
                    if (hv == 0.0) continue;
                    for (int i = 0; i < nout; i++) grad[o + k * nout + i] += delta[j * nout + i] * hv;
                }
            if (l > 1) {
                final double[] zPrev = ws.z[l - 1];
                final byte[] m = mask == null ? null : mask[l - 1];
                final double[] next = new double[nin * N];
                for (int q = 0; q < nin * N; q++) {
                    if (m != null && m[q] != 0) continue;
                    final double dz = zPrev[q] > 0 ? 1.0 : slope;
                    if (dz == 0.0) continue;
                    final int j = q / nin, k = q % nin;
                    double s = 0;
                    for (int i = 0; i < nout; i++) s += theta[o + k * nout + i] * delta[j * nout + i];
                    next[q] = dz * s;
                }
                delta = next;
            }
        }
    }

    /**
     * Forward and backward pass: grad := ∇L0(θ) (same layout as θ); returns L0(θ). Backpropagation with
     * δ_L = G, ∂L0/∂W_ℓ = δ_ℓ (Z_{ℓ-1}^σ)ᵀ, δ_{ℓ-1} = (W_ℓᵀ δ_ℓ) ⊙ σ'(Z_{ℓ-1}).
     */
    public double valueAndGradient(double[] theta, double[] grad, Workspace ws) {
        final double v = value(theta, ws);
        backward(theta, grad, ws, g);
        return v;
    }

    /** Backward pass for an arbitrary dY (n_L × N), after {@link #value}; used by the kink-aware polish too. */
    void backward(double[] theta, double[] grad, Workspace ws, double[] dY) {
        final int N = samples;
        double[] delta = dY;
        double[] spare = ws.d1;
        for (int l = depth; l >= 1; l--) {
            final int nout = widths[l], nin = widths[l - 1], o = offset[l];
            final double[] h = ws.a[l - 1];
            // gradient of W_ℓ
            // ∂L0/∂W_ℓ[:,k] = Σ_j δ_ℓ[:,j] h[k,j] over the samples with h[k,j] ≠ 0, four samples at a time
            final int[] idx = ws.idx;
            for (int k = 0; k < nin; k++) {
                final int go = o + k * nout;
                int m = 0;
                for (int j = 0; j < N; j++) if (h[j * nin + k] != 0.0) idx[m++] = j;
                for (int i = 0; i < nout; i++) grad[go + i] = 0.0;
                int q = 0;
                for (; q + 3 < m; q += 4) {
                    final int j0 = idx[q], j1 = idx[q + 1], j2 = idx[q + 2], j3 = idx[q + 3];
                    final double h0 = h[j0 * nin + k], h1 = h[j1 * nin + k], h2 = h[j2 * nin + k], h3 = h[j3 * nin + k];
                    final int d0 = j0 * nout, e1 = j1 * nout, e2 = j2 * nout, e3 = j3 * nout;
                    for (int i = 0; i < nout; i++) {
                        grad[go + i] += delta[d0 + i] * h0 + delta[e1 + i] * h1 + delta[e2 + i] * h2 + delta[e3 + i] * h3;
                    }
                }
                for (; q < m; q++) {
                    final int j = idx[q];
                    final double hv = h[j * nin + k];
                    final int d0 = j * nout;
                    for (int i = 0; i < nout; i++) grad[go + i] += delta[d0 + i] * hv;
                }
            }
            if (l > 1) {
                final double[] zPrev = ws.z[l - 1];
                final double[] next = spare;
                final double sl = slope;
                for (int j = 0; j < N; j++) {
                    final int dOff = j * nout, no = j * nin;
                    for (int k = 0; k < nin; k++) {
                        final double dz = zPrev[no + k] > 0 ? 1.0 : sl;
                        if (dz == 0.0) { next[no + k] = 0.0; continue; }
                        final int wo = o + k * nout;
                        // four partial sums: breaks the add-latency chain of the reduction (C2 does not vectorise
                        // floating-point reductions because it must keep their order)
                        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                        int i = 0;
                        for (; i + 3 < nout; i += 4) {
                            s0 += theta[wo + i] * delta[dOff + i];
                            s1 += theta[wo + i + 1] * delta[dOff + i + 1];
                            s2 += theta[wo + i + 2] * delta[dOff + i + 2];
                            s3 += theta[wo + i + 3] * delta[dOff + i + 3];
                        }
                        for (; i < nout; i++) s0 += theta[wo + i] * delta[dOff + i];
                        next[no + k] = dz * ((s0 + s1) + (s2 + s3));
                    }
                }
                spare = (next == ws.d1) ? ws.d2 : ws.d1;
                delta = next;
            }
        }
    }

    /** ‖v‖². */
    static double norm2(double[] v) {
        double s = 0;
        for (double e : v) s += e * e;
        return s;
    }

    /** θ as a {@link Network} (tests and diagnostics). */
    public Network toNetwork(double[] theta, Activation activation, org.saddlescope.linalg.DType dtype) {
        Network net = new Network(widths, activation, dtype);
        for (int l = 1; l <= depth; l++) {
            Matrix w = net.weight(l);
            for (int k = 0, n = w.size(); k < n; k++) w.setFlat(k, theta[offset[l] + k]);
        }
        return net;
    }

    /** Flat θ of a network with this architecture. */
    public double[] flatten(Network net) {
        double[] theta = new double[size()];
        for (int l = 1; l <= depth; l++) {
            Matrix w = net.weight(l);
            for (int k = 0, n = w.size(); k < n; k++) theta[offset[l] + k] = w.getFlat(k);
        }
        return theta;
    }

    /** θ rescaled in place onto the sphere ‖θ‖² = depth (the zero network stays zero). */
    static void scaleToSphere(double[] t, int depth) {
        double n2 = SmallNetKernel.norm2(t);
        if (n2 == 0) return; // the zero network (all units removed) has no direction
        double f = Math.sqrt(depth / n2);
        for (int i = 0; i < t.length; i++) t[i] *= f;
    }
}
