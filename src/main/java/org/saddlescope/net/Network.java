package org.saddlescope.net;

import java.util.Arrays;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.Updates;

/**
 * Bias-free fully connected network (paper section 2): Z_0^σ = X, Z_ℓ = W_ℓ Z_{ℓ-1}^σ, Z_ℓ^σ = σ(Z_ℓ),
 * Y_θ = Z_L (no activation on the output). W_ℓ is n_ℓ × n_{ℓ-1}; layers are numbered 1..L as in the paper.
 * θ is the concatenation of the W_ℓ and ‖θ‖² = Σ_ℓ ‖W_ℓ‖_F².
 */
public final class Network implements AutoCloseable {
    private final int[] widths;
    private final Activation activation;
    private final Precision precision;
    private final DType dtype;
    private final Matrix[] weights; // weights[ℓ-1] = W_ℓ in the compute dtype (the high part for mixed precision)
    private final Matrix[] low;     // mixed precision: what rounding W_ℓ to float32 left out; null otherwise

    public Network(int[] widths, Activation activation, DType dtype) {
        this(widths, activation, Precision.of(dtype));
    }

    public Network(int[] widths, Activation activation, Precision precision) {
        if (widths.length < 2) throw new IllegalArgumentException("a network needs at least input and output widths");
        for (int w : widths) if (w <= 0) throw new IllegalArgumentException("widths must be positive: " + Arrays.toString(widths));
        this.widths = widths.clone();
        this.activation = activation;
        this.precision = precision;
        this.dtype = precision.compute();
        this.weights = new Matrix[widths.length - 1];
        this.low = precision == Precision.MIXED ? new Matrix[widths.length - 1] : null;
        for (int l = 1; l < widths.length; l++) {
            weights[l - 1] = Matrix.zeros(dtype, widths[l], widths[l - 1]);
            if (low != null) low[l - 1] = Matrix.zeros(DType.F32, widths[l], widths[l - 1]);
        }
    }

    /** Depth L (number of weight matrices). */
    public int depth() { return weights.length; }
    public int[] widths() { return widths.clone(); }
    public int width(int l) { return widths[l]; }
    public Activation activation() { return activation; }
    /** Element type of the forward and backward passes (float32 for mixed precision). */
    public DType dtype() { return dtype; }
    public Precision precision() { return precision; }

    /**
     * W_ℓ for ℓ = 1..L as the forward and backward passes use it (live, not a copy). Under mixed precision this is
     * the float32 rounding of the stored weight: write weights through {@link #setWeight}, read them exactly
     * through {@link #storedCopy}.
     */
    public Matrix weight(int l) {
        if (l < 1 || l > weights.length) throw new IndexOutOfBoundsException("layer " + l + " of " + weights.length);
        return weights[l - 1];
    }

    /** Mixed precision: the low float32 part of W_ℓ (W_ℓ = weight(ℓ) + low(ℓ), live); null otherwise. */
    public Matrix low(int l) {
        weight(l);
        return low == null ? null : low[l - 1];
    }

    /** W_ℓ := src (any dtype; float64 into mixed precision keeps ≈ 48 bits of it). */
    public void setWeight(int l, Matrix src) {
        Matrix w = weight(l);
        w.requireShape(src, w.rows(), w.cols());
        if (low == null) {
            w.copyFrom(src);
        } else if (src.dtype() == DType.F64) {
            Updates.split(src, w, low[l - 1]);
        } else {
            w.copyFrom(src);
            low[l - 1].fill(0);
        }
    }

    /** A new matrix holding W_ℓ as stored: float64 for mixed precision (high + low part), else the run's dtype. */
    public Matrix storedCopy(int l) {
        Matrix w = weight(l);
        if (low == null) return w.copy();
        Matrix out = Matrix.zeros(DType.F64, w.rows(), w.cols());
        Updates.join(w, low[l - 1], out);
        return out;
    }

    public long parameterCount() {
        long p = 0;
        for (Matrix w : weights) p += w.size();
        return p;
    }

    /** ‖θ‖² (BLAS dot products; float32 partial sums for float32 weights, see {@link Blas#dot}). */
    public double normSquared() {
        double s = 0;
        for (int l = 1; l <= weights.length; l++) s += layerNormSquared(l);
        return s;
    }

    /**
     * ‖W_ℓ‖²: BLAS dot products in float32 and float64; under mixed precision the float64 sum of the squares of the
     * pairs' exact values hi + lo ({@link Updates#powerSums}), since BLAS sdot/dsdot round in float32 (≈ 1e-10 of
     * ‖θ‖² on the appendix-B network, as large as ‖θ‖ − ‖θ0‖ moves in 100 plateau steps), and the ‖θ‖ column and the
     * learning-rate law c/‖θ‖^p read this sum.
     */
    public double layerNormSquared(int l) {
        Matrix w = weight(l);
        if (low != null) return Updates.powerSums(w, low[l - 1])[0];
        return w.frobeniusNorm2();
    }

    /** {‖W_ℓ‖², Σ w⁴} over the stored entries, summed in float64 (exact squares, no float32 partial sums). */
    public double[] layerPowerSums(int l) {
        return Updates.powerSums(weight(l), low(l));
    }

    public double norm() { return Math.sqrt(normSquared()); }

    /** θ := λθ. */
    public void scale(double lambda) {
        if (low == null) {
            for (Matrix w : weights) w.scale(lambda);
            return;
        }
        for (int l = 1; l <= weights.length; l++) {
            try (Matrix m = storedCopy(l)) {
                m.scale(lambda);
                setWeight(l, m);
            }
        }
    }

    /** θ := θ + a·d, with d given per layer (same shapes). */
    public void addScaled(double a, Matrix[] d) {
        if (low == null) {
            for (int l = 0; l < weights.length; l++) weights[l].addScaled(a, d[l]);
            return;
        }
        for (int l = 1; l <= weights.length; l++) {
            try (Matrix m = storedCopy(l); Matrix dl = d[l - 1].to(DType.F64)) {
                m.addScaled(a, dl);
                setWeight(l, m);
            }
        }
    }

    /** Frobenius inner product ⟨θ, d⟩. */
    public double dot(Matrix[] d) {
        double s = 0;
        for (int l = 0; l < weights.length; l++) {
            s += weights[l].dot(d[l]);
            if (low != null) s += low[l].dot(d[l]);
        }
        return s;
    }

    public Network copy() { return to(precision); }

    /** A copy in another dtype (mixed precision: its stored weights rounded to that dtype). */
    public Network to(DType target) { return to(Precision.of(target)); }

    /** A copy in another precision; float64 into mixed keeps ≈ 48 bits of every weight. */
    public Network to(Precision target) {
        Network n = new Network(widths, activation, target);
        n.copyFrom(this);
        return n;
    }

    /** θ := other's θ (converting precision as {@link #to(Precision)} does). */
    public void copyFrom(Network other) {
        if (!Arrays.equals(widths, other.widths)) throw new IllegalArgumentException("architectures differ");
        for (int l = 1; l <= weights.length; l++) {
            if (other.low == null) {
                setWeight(l, other.weights[l - 1]);
            } else if (low != null) {
                weights[l - 1].copyFrom(other.weights[l - 1]);
                low[l - 1].copyFrom(other.low[l - 1]);
            } else {
                try (Matrix m = other.storedCopy(l)) {
                    setWeight(l, m);
                }
            }
        }
    }

    /**
     * The weights as the forward pass reads them (the float32 high parts under mixed precision) copied into
     * {@code into}, a network of the compute dtype (made when null or of another shape): a snapshot whose forward
     * passes give the same bits as this network's.
     */
    public Network forwardSnapshot(Network into) {
        Network n = into != null && Arrays.equals(into.widths, widths) && into.dtype == dtype && into.low == null && into.activation == activation
                ? into : new Network(widths, activation, Precision.of(dtype));
        for (int l = 0; l < weights.length; l++) n.weights[l].copyFrom(weights[l]);
        return n;
    }

    /** Frees the weights' native memory now rather than at garbage collection; the network is unusable after. */
    @Override
    public void close() {
        for (Matrix w : weights) w.close();
        if (low != null) for (Matrix m : low) m.close();
    }

    /** Zero matrices shaped like the weights, in the compute dtype, e.g. for gradients. */
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

    /** What backpropagation hands over for layer ℓ: δ_ℓ and Z_{ℓ-1}^σ, so that ∂C/∂W_ℓ = δ_ℓ (Z_{ℓ-1}^σ)ᵀ. */
    @FunctionalInterface
    public interface LayerUpdate {
        void apply(int layer, Matrix delta, Matrix input);
    }

    /**
     * Backpropagation after {@link #forward}: for ℓ = L..1, forms δ_{ℓ-1} = (W_ℓᵀ δ_ℓ) ⊙ σ'(Z_{ℓ-1}) from the
     * current W_ℓ first (δ_L = dY = ∂C/∂Y), then calls {@code update.apply(ℓ, δ_ℓ, Z_{ℓ-1}^σ)}, which may change
     * W_ℓ in place: a step never needs the whole gradient at once.
     */
    public void backpropagate(Workspace ws, Matrix dY, LayerUpdate update) {
        Matrix delta = dY;
        for (int l = weights.length; l >= 1; l--) {
            Matrix next = null;
            if (l > 1) {
                next = ws.delta[l - 1];
                Blas.gemm(true, false, 1.0, weights[l - 1], delta, 0.0, next);
                activation.multiplyByDerivative(ws.z[l - 1], next);
            }
            update.apply(l, delta, ws.a[l - 1]);
            delta = next;
        }
    }

    /** Writes ∂C/∂W_ℓ = δ_ℓ (Z_{ℓ-1}^σ)ᵀ into grads[ℓ-1] (compute dtype), after {@link #forward}. */
    public void backward(Workspace ws, Matrix dY, Matrix[] grads) {
        backpropagate(ws, dY, (l, delta, input) -> Blas.gemm(false, true, 1.0, delta, input, 0.0, grads[l - 1]));
    }

    /**
     * Fused gradient step θ := θ − lr·∇ without materialising the gradient (see {@link #descend}). Same result as
     * {@link #backward} followed by θ −= lr·∇, one pass over each weight matrix fewer. Training steps go through
     * an optimiser (train.optim), which also tracks ‖θ‖²; this is the step alone.
     */
    public void gradientStep(Workspace ws, Matrix dY, double lr) {
        backpropagate(ws, dY, (l, delta, input) -> descend(l, lr, delta, input, ws, null));
    }

    /**
     * The update pass of a gradient step: W_ℓ := W_ℓ − lr·δ_ℓ (Z_{ℓ-1}^σ)ᵀ. float32 and float64: one GEMM with
     * β = 1, no gradient in memory. Mixed precision: the product in float32 into a buffer of W_ℓ's shape (one GEMM,
     * like the fused step), then added to the stored pair (high, low) by compensated summation, which also leaves
     * the float32 copy that the next forward pass reads. (GEMMs on column tiles of W_ℓ that stay in cache cost the
     * same CPU time on one thread, but many small multithreaded GEMM calls slow down badly on a busy machine.) When
     * {@code count} is not null, adds the number of nonzero entries of the update to count[0] and of those that
     * left the stored weight unchanged to count[1], without changing what the step computes.
     */
    public void descend(int l, double lr, Matrix delta, Matrix input, Workspace ws, long[] count) {
        Matrix w = weight(l);
        if (low == null && count == null) {
            Blas.gemm(false, true, -lr, delta, input, 1.0, w);
            return;
        }
        Matrix update = ws.updateScratch(l, 0, w);
        if (low != null) {
            Blas.gemm(false, true, -lr, delta, input, 0.0, update);
            Updates.addCompensated(update, w, low[l - 1], 0, w.size(), count);
            return;
        }
        // Observe without changing the bits: the same fused GEMM, the update formed separately to know which
        // entries were nonzero, and the weights compared before and after.
        Matrix before = ws.updateScratch(l, 1, w);
        before.copyFrom(w);
        Blas.gemm(false, true, -lr, delta, input, 0.0, update);
        Blas.gemm(false, true, -lr, delta, input, 1.0, w);
        Updates.countUnchanged(update, before, w, count);
    }

    /**
     * W_ℓ := W_ℓ + U (U in the compute dtype): BLAS axpy with α = 1 (one rounding per entry), compensated under
     * mixed precision; lost updates counted as in {@link #descend}, without changing the result.
     */
    public void addToWeight(int l, Matrix update, Workspace ws, long[] count) {
        Matrix w = weight(l);
        w.requireShape(update, w.rows(), w.cols());
        if (low != null) {
            Updates.addCompensated(update, w, low[l - 1], 0, w.size(), count);
        } else if (count == null) {
            Blas.axpy(1.0, update, w);
        } else {
            Matrix before = ws.updateScratch(l, 1, w);
            before.copyFrom(w);
            Blas.axpy(1.0, update, w);
            Updates.countUnchanged(update, before, w, count);
        }
    }

    /** ⟨W_ℓ, U⟩ with W_ℓ as stored (high + low part under mixed precision). */
    public double layerDot(int l, Matrix u) {
        double s = weight(l).dot(u);
        if (low != null) s += low[l - 1].dot(u);
        return s;
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
        private final Matrix[][] updates; // updates[ℓ]: W_ℓ-shaped scratch of the update pass, made on first use
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
            updates = new Matrix[L + 1][2];
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

        Matrix updateScratch(int l, int i, Matrix like) {
            if (updates[l][i] == null) updates[l][i] = Matrix.zeros(like.dtype(), like.rows(), like.cols());
            return updates[l][i];
        }

        /** Pre-activation Z_ℓ, ℓ = 1..L, from the last forward pass. */
        public Matrix preactivation(int l) { return z[l]; }

        /** Activation Z_ℓ^σ, ℓ = 0..L-1 (Z_0^σ = X), from the last forward pass. */
        public Matrix activation(int l) { return a[l]; }
    }
}
