package org.saddlescope.curvature;

import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;

/**
 * Exact Hessian-vector products of a training loss L(θ) = C(Y_θ(X)) of a bias-free network (DESIGN: Z_0^σ = X,
 * Z_ℓ = W_ℓ Z_{ℓ−1}^σ, Z_ℓ^σ = σ(Z_ℓ), Y = Z_L) by Pearlmutter's R-operator (Neural Computation 6, 1994): with
 * R(·) the directional derivative along V = (V_1..V_L),
 * <pre>
 *   forward   R Z_ℓ = V_ℓ Z_{ℓ−1}^σ + W_ℓ R Z_{ℓ−1}^σ,   R Z_ℓ^σ = σ'(Z_ℓ) ⊙ R Z_ℓ,   R Z_0^σ = 0
 *   seed      δ_L = ∇C(Y),   R δ_L = ∇²C(Y)[R Y]
 *   backward  δ_{ℓ−1} = (W_ℓᵀδ_ℓ) ⊙ σ'(Z_{ℓ−1})
 *             R δ_{ℓ−1} = (V_ℓᵀδ_ℓ + W_ℓᵀ R δ_ℓ) ⊙ σ'(Z_{ℓ−1}) + (W_ℓᵀδ_ℓ) ⊙ σ''(Z_{ℓ−1}) ⊙ R Z_{ℓ−1}
 *   product   (Hv)_ℓ = R δ_ℓ (Z_{ℓ−1}^σ)ᵀ + δ_ℓ (R Z_{ℓ−1}^σ)ᵀ
 * </pre>
 * Exact wherever L is twice differentiable; for ReLU that is off the kinks (σ'(0) = 0 and σ'' = 0, as PyTorch's
 * autograd takes them), which a trained network's pre-activations almost never sit on. The samples are processed in
 * chunks (the cost is a mean over samples, so each chunk's gradient is weighted by its share of N). The passes run in
 * the network's dtype (float32 or float64); vectors in and out are float64 columns of length P, packing W_1..W_L in
 * column-major order (as {@link #flatten}).
 */
public final class HessianOperator implements SymmetricOperator, AutoCloseable {
    /** Samples per chunk of the passes. */
    public static final int DEFAULT_CHUNK = 2048;

    private final Network net;
    private final Matrix x, targets;
    private final Cost cost;
    private final Activation act;
    private final boolean curved;
    private final int L, N, P, chunk;
    private final int[] widths;
    private final Matrix vIn, out;      // P × 1 in the dtype of the passes
    private final Matrix[] vLayers, outLayers;
    private Buffers full, last;
    private long products;

    /** θ is copied into {@code dtype}; x and targets are converted to it. */
    public HessianOperator(Network theta, Matrix x, Matrix targets, Cost cost, DType dtype, int chunk) {
        if (x.cols() != targets.cols()) throw new IllegalArgumentException("x and targets need the same samples");
        this.net = theta.to(dtype);
        this.x = x.to(dtype);
        this.targets = targets.to(dtype);
        this.cost = cost;
        this.act = net.activation();
        this.curved = hasCurvature(act);
        this.L = net.depth();
        this.N = x.cols();
        this.P = Math.toIntExact(net.parameterCount());
        this.chunk = Math.max(1, Math.min(chunk, N));
        this.widths = net.widths();
        this.vIn = Matrix.zeros(dtype, P, 1);
        this.out = Matrix.zeros(dtype, P, 1);
        this.vLayers = layers(vIn, widths);
        this.outLayers = layers(out, widths);
    }

    public HessianOperator(Network theta, Matrix x, Matrix targets, Cost cost, DType dtype) {
        this(theta, x, targets, cost, dtype, DEFAULT_CHUNK);
    }

    /** σ'' not identically zero (tanh, GELU, ...): the backward R-pass needs its term. */
    private static boolean hasCurvature(Activation a) {
        for (double z : new double[] {-1.3, -0.4, 0.3, 1.7}) if (a.secondDerivative(z) != 0) return true;
        return false;
    }

    @Override public int dimension() { return P; }
    public DType dtype() { return net.dtype(); }
    public int samples() { return N; }
    public int[] widths() { return widths.clone(); }
    /** Hessian-vector products taken so far (a gradient counts as none). */
    public long products() { return products; }

    /** θ packed as a float64 column (W_1..W_L, column-major). */
    public static Matrix flatten(Network net) {
        int P = Math.toIntExact(net.parameterCount());
        Matrix v = Matrix.zeros(DType.F64, P, 1);
        Matrix[] views = layers(v, net.widths());
        for (int l = 1; l <= net.depth(); l++) {
            try (Matrix w = net.storedCopy(l)) {
                views[l - 1].copyFrom(w);
            }
        }
        return v;
    }

    /** Views of a packed column as the matrices W_1..W_L of a network of these widths (sharing its memory). */
    public static Matrix[] layers(Matrix flat, int[] widths) {
        Matrix[] m = new Matrix[widths.length - 1];
        long off = 0;
        for (int l = 1; l < widths.length; l++) {
            m[l - 1] = flat.view(off, widths[l], widths[l - 1]);
            off += (long) widths[l] * widths[l - 1];
        }
        return m;
    }

    /** out := ∇L(θ) (float64, P × 1); returns L(θ). */
    public double gradient(Matrix gradient) {
        out.fill(0);
        double loss = sweep(false, true);
        gradient.copyFrom(out);
        return loss;
    }

    /** L(θ) (forward passes only). */
    public double loss() {
        double loss = 0;
        for (int from = 0; from < N; from += chunk) {
            int n = Math.min(chunk, N - from);
            Buffers b = buffers(n);
            try (Matrix xc = x.columns(from, n); Matrix tc = targets.columns(from, n)) {
                loss += cost.value(net.forward(xc, b.ws), tc) * n / N;
            }
        }
        return loss;
    }

    /** out := H·v (float64 columns). */
    @Override
    public void apply(Matrix v, Matrix hv) {
        vIn.copyFrom(v);
        out.fill(0);
        sweep(true, false);
        hv.copyFrom(out);
        products++;
    }

    /** Accumulates H·vIn (hessian) or ∇L (gradient) into out over all chunks; returns L(θ). */
    private double sweep(boolean hessian, boolean gradient) {
        double loss = 0;
        for (int from = 0; from < N; from += chunk) {
            int n = Math.min(chunk, N - from);
            Buffers b = buffers(n);
            try (Matrix xc = x.columns(from, n); Matrix tc = targets.columns(from, n)) {
                loss += chunkPass(xc, tc, (double) n / N, b, hessian, gradient);
            }
        }
        return loss;
    }

    private Buffers buffers(int n) {
        if (n == chunk) return full != null ? full : (full = new Buffers(n));
        if (last == null || last.n != n) { if (last != null) last.close(); last = new Buffers(n); }
        return last;
    }

    /** One chunk of samples, its cost weighted by {@code weight} = its share of N. */
    private double chunkPass(Matrix xc, Matrix tc, double weight, Buffers b, boolean hessian, boolean gradient) {
        Network.Workspace ws = b.ws;
        Matrix y = net.forward(xc, ws);
        if (hessian) forwardR(b);
        double loss = cost.gradient(y, tc, b.delta[L]) * weight;
        b.delta[L].scale(weight);
        if (hessian) {
            cost.hessianVector(y, tc, b.rz[L], b.rdelta[L]);
            b.rdelta[L].scale(weight);
        }
        for (int l = L; l >= 1; l--) {
            Matrix in = ws.activation(l - 1);
            if (gradient) Blas.gemm(false, true, 1.0, b.delta[l], in, 1.0, outLayers[l - 1]);
            if (hessian) {
                Blas.gemm(false, true, 1.0, b.rdelta[l], in, 1.0, outLayers[l - 1]);
                if (l > 1) Blas.gemm(false, true, 1.0, b.delta[l], b.ra[l - 1], 1.0, outLayers[l - 1]);
            }
            if (l > 1) backwardStep(l, b, hessian);
        }
        return loss;
    }

    /** R Z_ℓ and R Z_ℓ^σ for ℓ = 1..L along vIn. */
    private void forwardR(Buffers b) {
        for (int l = 1; l <= L; l++) {
            Blas.gemm(false, false, 1.0, vLayers[l - 1], b.ws.activation(l - 1), 0.0, b.rz[l]);
            if (l > 1) Blas.gemm(false, false, 1.0, net.weight(l), b.ra[l - 1], 1.0, b.rz[l]);
            if (l < L) {
                b.ra[l].copyFrom(b.rz[l]);
                act.multiplyByDerivative(b.ws.preactivation(l), b.ra[l]);
            }
        }
    }

    /** δ_{ℓ−1} and R δ_{ℓ−1} from δ_ℓ and R δ_ℓ. */
    private void backwardStep(int l, Buffers b, boolean hessian) {
        Matrix z = b.ws.preactivation(l - 1), w = net.weight(l);
        Blas.gemm(true, false, 1.0, w, b.delta[l], 0.0, b.back[l - 1]); // W_ℓᵀ δ_ℓ
        if (hessian) {
            Blas.gemm(true, false, 1.0, vLayers[l - 1], b.delta[l], 0.0, b.rdelta[l - 1]);
            Blas.gemm(true, false, 1.0, w, b.rdelta[l], 1.0, b.rdelta[l - 1]);
            act.multiplyByDerivative(z, b.rdelta[l - 1]);
            if (curved) {
                for (int k = 0, n = z.size(); k < n; k++) {
                    b.rdelta[l - 1].setFlat(k, b.rdelta[l - 1].getFlat(k)
                            + b.back[l - 1].getFlat(k) * act.secondDerivative(z.getFlat(k)) * b.rz[l - 1].getFlat(k));
                }
            }
        }
        b.delta[l - 1].copyFrom(b.back[l - 1]);
        act.multiplyByDerivative(z, b.delta[l - 1]);
    }

    /** Buffers of the passes for chunks of n samples. */
    private final class Buffers implements AutoCloseable {
        final int n;
        final Network.Workspace ws;
        final Matrix[] rz = new Matrix[L + 1], ra = new Matrix[L + 1], delta = new Matrix[L + 1], rdelta = new Matrix[L + 1],
                back = new Matrix[L + 1];

        Buffers(int n) {
            this.n = n;
            this.ws = net.workspace(n);
            DType dt = net.dtype();
            for (int l = 1; l <= L; l++) {
                rz[l] = Matrix.zeros(dt, widths[l], n);
                delta[l] = Matrix.zeros(dt, widths[l], n);
                rdelta[l] = Matrix.zeros(dt, widths[l], n);
                if (l < L) {
                    ra[l] = Matrix.zeros(dt, widths[l], n);
                    back[l] = Matrix.zeros(dt, widths[l], n);
                }
            }
        }

        @Override
        public void close() {
            for (Matrix[] ms : new Matrix[][] {rz, ra, delta, rdelta, back}) for (Matrix m : ms) if (m != null) m.close();
        }
    }

    @Override
    public void close() {
        if (full != null) full.close();
        if (last != null) last.close();
        vIn.close();
        out.close();
        x.close();
        targets.close();
    }
}
