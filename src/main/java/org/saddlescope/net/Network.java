package org.saddlescope.net;

import java.util.Arrays;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;

/**
 * Bias-free fully connected network (paper section 2): Z_0^σ = X, Z_ℓ = W_ℓ Z_{ℓ-1}^σ, Z_ℓ^σ = σ(Z_ℓ),
 * Y_θ = Z_L (no activation on the output). W_ℓ is n_ℓ × n_{ℓ-1}; layers are numbered 1..L as in the paper.
 * θ is the concatenation of the W_ℓ and ‖θ‖² = Σ_ℓ ‖W_ℓ‖_F².
 */
public final class Network {
    private final int[] widths;
    private final Activation activation;
    private final DType dtype;
    private final Matrix[] weights; // weights[ℓ-1] = W_ℓ

    public Network(int[] widths, Activation activation, DType dtype) {
        if (widths.length < 2) throw new IllegalArgumentException("a network needs at least input and output widths");
        for (int w : widths) if (w <= 0) throw new IllegalArgumentException("widths must be positive: " + Arrays.toString(widths));
        this.widths = widths.clone();
        this.activation = activation;
        this.dtype = dtype;
        this.weights = new Matrix[widths.length - 1];
        for (int l = 1; l < widths.length; l++) weights[l - 1] = Matrix.zeros(dtype, widths[l], widths[l - 1]);
    }

    /** Depth L (number of weight matrices). */
    public int depth() { return weights.length; }
    public int[] widths() { return widths.clone(); }
    public int width(int l) { return widths[l]; }
    public Activation activation() { return activation; }
    public DType dtype() { return dtype; }

    /** W_ℓ for ℓ = 1..L (live, not a copy). */
    public Matrix weight(int l) {
        if (l < 1 || l > weights.length) throw new IndexOutOfBoundsException("layer " + l + " of " + weights.length);
        return weights[l - 1];
    }

    public long parameterCount() {
        long p = 0;
        for (Matrix w : weights) p += w.size();
        return p;
    }

    /** ‖θ‖². */
    public double normSquared() {
        double s = 0;
        for (Matrix w : weights) s += w.frobeniusNorm2();
        return s;
    }

    public double norm() { return Math.sqrt(normSquared()); }

    /** θ := λθ. */
    public void scale(double lambda) {
        for (Matrix w : weights) w.scale(lambda);
    }

    /** θ := θ + a·d, with d given per layer (same shapes). */
    public void addScaled(double a, Matrix[] d) {
        for (int l = 0; l < weights.length; l++) weights[l].addScaled(a, d[l]);
    }

    /** Frobenius inner product ⟨θ, d⟩. */
    public double dot(Matrix[] d) {
        double s = 0;
        for (int l = 0; l < weights.length; l++) s += weights[l].dot(d[l]);
        return s;
    }

    public Network copy() { return to(dtype); }

    public Network to(DType target) {
        Network n = new Network(widths, activation, target);
        for (int l = 0; l < weights.length; l++) n.weights[l].copyFrom(weights[l]);
        return n;
    }

    public void copyFrom(Network other) {
        if (!Arrays.equals(widths, other.widths)) throw new IllegalArgumentException("architectures differ");
        for (int l = 0; l < weights.length; l++) weights[l].copyFrom(other.weights[l]);
    }

    /** Zero matrices shaped like the weights, e.g. for gradients. */
    public Matrix[] zerosLike() {
        Matrix[] g = new Matrix[weights.length];
        for (int l = 0; l < weights.length; l++) g[l] = Matrix.zeros(dtype, weights[l].rows(), weights[l].cols());
        return g;
    }

    /** Buffers for a forward/backward pass on batches of the given size (allocate once, reuse every step). */
    public Workspace workspace(int batch) {
        return new Workspace(this, batch);
    }

    /**
     * Forward pass on x (n_0 × B, B = the workspace's batch), keeping Z_ℓ and Z_ℓ^σ for every layer.
     * Returns Y = Z_L, owned by the workspace.
     */
    public Matrix forward(Matrix x, Workspace ws) {
        ws.check(this, x);
        ws.a[0] = x;
        int L = weights.length;
        for (int l = 1; l <= L; l++) {
            if (ws.zt[l] != null) {
                // Skinny float32 batches: OpenBLAS's sgemm runs Zᵀ = AᵀWᵀ faster than Z = W·A (0.54 vs 0.82 ms
                // per 1000×1000 layer at B = 32, quiet machine); the transpose back costs ~20 µs. Not for
                // float64 (dgemm: 1.06 vs 0.75 ms) nor large batches (B = 1024: 10.5 vs 8.6 ms).
                Blas.gemm(true, true, 1.0, ws.a[l - 1], weights[l - 1], 0.0, ws.zt[l]);
                ws.zt[l].transposeInto(ws.z[l]);
            } else {
                Blas.gemm(false, false, 1.0, weights[l - 1], ws.a[l - 1], 0.0, ws.z[l]);
            }
            if (l < L) activation.apply(ws.z[l], ws.a[l]);
        }
        return ws.z[L];
    }

    /** Convenience: outputs for x in a fresh workspace. */
    public Matrix outputs(Matrix x) {
        Workspace ws = workspace(x.cols());
        return forward(x, ws).copy();
    }

    /**
     * Backpropagation after {@link #forward}: given dY = ∂C/∂Y (n_L × B), writes ∂C/∂W_ℓ = δ_ℓ (Z_{ℓ-1}^σ)ᵀ into
     * grads[ℓ-1]. δ_L = dY, δ_{ℓ-1} = (W_ℓᵀ δ_ℓ) ⊙ σ'(Z_{ℓ-1}).
     */
    public void backward(Workspace ws, Matrix dY, Matrix[] grads) {
        backpropagate(ws, dY, grads, 0.0, false);
    }

    /**
     * Fused gradient step W_ℓ := W_ℓ − lr·δ_ℓ (Z_{ℓ-1}^σ)ᵀ without materialising the gradient: δ_{ℓ-1} is formed
     * from the old W_ℓ first, then W_ℓ is updated in place by one GEMM with β = 1. Same result as
     * {@link #backward} followed by θ −= lr·∇, one pass over each weight matrix fewer.
     */
    public void gradientStep(Workspace ws, Matrix dY, double lr) {
        backpropagate(ws, dY, null, lr, false);
    }

    /**
     * {@link #gradientStep} that also returns ‖θ‖² after the step, given ‖θ‖² before it, without another pass
     * over the weights: with D_ℓ = δ_ℓ (Z_{ℓ-1}^σ)ᵀ, ‖W_ℓ − lr D_ℓ‖² = ‖W_ℓ‖² − 2lr⟨Z_ℓ, δ_ℓ⟩ + lr²⟨δ_ℓᵀδ_ℓ,
     * (Z_{ℓ-1}^σ)ᵀZ_{ℓ-1}^σ⟩, because ⟨W_ℓ, D_ℓ⟩ = ⟨W_ℓ Z_{ℓ-1}^σ, δ_ℓ⟩. The B×B Gram matrices cost
     * B²(n_ℓ + n_{ℓ-1}) flops; where that exceeds a direct pass over W_ℓ (large batches) the norm is read directly.
     * Exact in exact arithmetic; in floating point it drifts by rounding, so callers resynchronise periodically.
     */
    public double gradientStepTrackingNorm(Workspace ws, Matrix dY, double lr, double normSquaredBefore) {
        return normSquaredBefore + backpropagate(ws, dY, null, lr, true);
    }

    /** Returns the change of ‖θ‖² when tracking, else 0. */
    private double backpropagate(Workspace ws, Matrix dY, Matrix[] grads, double lr, boolean track) {
        int L = weights.length;
        Matrix delta = dY;
        double change = 0;
        for (int l = L; l >= 1; l--) {
            Matrix w = weights[l - 1];
            Matrix next = null;
            if (l > 1) {
                next = ws.delta[l - 1];
                Blas.gemm(true, false, 1.0, w, delta, 0.0, next);
                activation.multiplyByDerivative(ws.z[l - 1], next);
            }
            if (grads != null) {
                Blas.gemm(false, true, 1.0, delta, ws.a[l - 1], 0.0, grads[l - 1]);
            } else if (!track) {
                Blas.gemm(false, true, -lr, delta, ws.a[l - 1], 1.0, w);
            } else {
                long b = ws.batch;
                boolean gram = b * b * (w.rows() + (long) w.cols()) < 6L * w.rows() * w.cols();
                if (gram) {
                    double cross = ws.z[l].dot(delta);
                    Blas.gemm(true, false, 1.0, delta, delta, 0.0, ws.gramDelta);
                    Blas.gemm(true, false, 1.0, ws.a[l - 1], ws.a[l - 1], 0.0, ws.gramAct);
                    change += -2 * lr * cross + lr * lr * ws.gramDelta.dot(ws.gramAct);
                    Blas.gemm(false, true, -lr, delta, ws.a[l - 1], 1.0, w);
                } else {
                    double before = w.frobeniusNorm2();
                    Blas.gemm(false, true, -lr, delta, ws.a[l - 1], 1.0, w);
                    change += w.frobeniusNorm2() - before;
                }
            }
            delta = next;
        }
        return change;
    }

    /** float32 batches up to this size compute the forward product transposed (see {@link #forward}). */
    static final int TRANSPOSED_FORWARD_MAX_BATCH = 256;

    /** Reusable per-batch-size buffers: Z_ℓ, Z_ℓ^σ and backpropagated δ_ℓ. */
    public static final class Workspace {
        final int batch;
        final Matrix[] z;     // z[ℓ] = Z_ℓ, ℓ = 1..L
        final Matrix[] a;     // a[ℓ] = Z_ℓ^σ, a[0] = X
        final Matrix[] delta; // delta[ℓ] = δ_ℓ, ℓ = 1..L-1
        final Matrix[] zt;    // zt[ℓ] = Z_ℓᵀ scratch where the transposed product is used, else null
        final Matrix gramDelta; // B×B, for the tracked norm
        final Matrix gramAct;
        private final int[] widths;
        private final DType dtype;

        Workspace(Network net, int batch) {
            int L = net.depth();
            this.batch = batch;
            this.widths = net.widths.clone();
            this.dtype = net.dtype;
            z = new Matrix[L + 1];
            a = new Matrix[L + 1];
            delta = new Matrix[L + 1];
            zt = new Matrix[L + 1];
            gramDelta = Matrix.zeros(dtype, batch, batch);
            gramAct = Matrix.zeros(dtype, batch, batch);
            for (int l = 1; l <= L; l++) {
                z[l] = Matrix.zeros(dtype, widths[l], batch);
                // Shape rule only (never a timing), so the same run always takes the same path and bits.
                if (dtype == DType.F32 && batch <= TRANSPOSED_FORWARD_MAX_BATCH && widths[l] >= 64 && widths[l - 1] >= 64) {
                    zt[l] = Matrix.zeros(dtype, batch, widths[l]);
                }
                if (l < L) {
                    a[l] = net.activation == Activation.IDENTITY ? z[l] : Matrix.zeros(dtype, widths[l], batch);
                    delta[l] = Matrix.zeros(dtype, widths[l], batch);
                }
            }
        }

        void check(Network net, Matrix x) {
            if (x.cols() != batch || x.rows() != widths[0] || x.dtype() != dtype || !Arrays.equals(widths, net.widths)) {
                throw new IllegalArgumentException("workspace for " + widths[0] + "x" + batch + " " + dtype
                        + " used with input " + x.shape() + " " + x.dtype());
            }
        }

        public int batch() { return batch; }

        /** Pre-activation Z_ℓ, ℓ = 1..L, from the last forward pass. */
        public Matrix preactivation(int l) { return z[l]; }

        /** Activation Z_ℓ^σ, ℓ = 0..L-1 (Z_0^σ = X), from the last forward pass. */
        public Matrix activation(int l) { return a[l]; }
    }
}
