package org.saddlescope.train.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.Updates;
import org.saddlescope.net.Network;

/**
 * An optimiser whose update is an element-wise function of the gradient and per-weight state: forms ∇_ℓ =
 * δ_ℓ (Z_{ℓ-1}^σ)ᵀ of each layer in turn, turns it chunk by chunk (in float64, whatever the run's dtype) into the
 * update U_ℓ, and adds U_ℓ to the stored weights ({@link Network#addToWeight}, compensated under mixed
 * precision). State arrays live in the compute dtype and are named {@code <prefix>_<ℓ>}.
 */
abstract class FormedGradient implements Optimizer {
    /** Entries read from a gradient at a time; subclasses size their per-chunk buffers by it. */
    protected static final int CHUNK = 4096;
    private final double[] chunk = new double[CHUNK];
    private Matrix[] gradient;                 // per layer: ∇_ℓ, then U_ℓ in place
    protected final Map<String, Matrix> state = new LinkedHashMap<>();

    /** Once per step, before any layer (e.g. Adam's step count). */
    protected void beforeStep(double lr) { }

    /** Before layer ℓ's chunks; {@code gradient} gives the shape and dtype of state arrays. */
    protected abstract void beginLayer(int l, Matrix gradient);

    /**
     * g[k] holds entry offset + k of ∇_ℓ on entry and must hold the update U_ℓ on exit, for k &lt; m; reads and
     * writes the layer's state for the same entries.
     */
    protected abstract void transform(int l, int offset, double[] g, int m, double lr);

    /** State array {@code <prefix>_<ℓ>}, made (zero) on first use with the gradient's shape and dtype. */
    protected Matrix array(String prefix, int l, Matrix like) {
        return state.computeIfAbsent(prefix + "_" + l, k -> Matrix.zeros(like.dtype(), like.rows(), like.cols()));
    }

    @Override
    public double step(Network net, Network.Workspace ws, Matrix dY, double lr, double normSquaredBefore, StepRecord record) {
        if (gradient == null) gradient = new Matrix[net.depth()];
        beforeStep(lr);
        net.backpropagate(ws, dY, (l, delta, input) -> {
            Matrix w = net.weight(l);
            if (gradient[l - 1] == null) gradient[l - 1] = Matrix.zeros(net.dtype(), w.rows(), w.cols());
            Matrix g = gradient[l - 1];
            Blas.gemm(false, true, 1.0, delta, input, 0.0, g);
            beginLayer(l, g);
            for (int off = 0, n = g.size(); off < n; off += CHUNK) {
                int m = Math.min(CHUNK, n - off);
                Updates.read(g, off, chunk, m);
                transform(l, off, chunk, m, lr);
                Updates.write(chunk, g, off, m);
            }
            net.addToWeight(l, g, ws, record.counter(l));
        });
        return net.normSquared();
    }

    @Override
    public Map<String, Matrix> state() {
        return state;
    }

    /** Reads a state array chunk into a float64 buffer / writes it back. */
    protected static void read(Matrix m, int offset, double[] dst, int n) { Updates.read(m, offset, dst, n); }

    protected static void write(double[] src, Matrix m, int offset, int n) { Updates.write(src, m, offset, n); }

    @Override
    public void restore(Network net, Map<String, Matrix> arrays) {
        state.clear();
        for (Map.Entry<String, Matrix> e : arrays.entrySet()) {
            String name = e.getKey();
            int cut = name.lastIndexOf('_');
            int l;
            try {
                l = Integer.parseInt(name.substring(cut + 1));
            } catch (NumberFormatException | IndexOutOfBoundsException ex) {
                l = 0;
            }
            Matrix src = e.getValue();
            if (l < 1 || l > net.depth()) {
                restoreScalar(name, src);
                continue;
            }
            Matrix w = net.weight(l);
            if (src.rows() != w.rows() || src.cols() != w.cols() || src.dtype() != net.dtype()) {
                throw new IllegalArgumentException("optimiser state " + name + " is " + src.shape() + " " + src.dtype()
                        + " but W" + l + " is " + w.shape() + " " + net.dtype());
            }
            state.put(name, src.copy());
        }
        checkRestored(net);
    }

    /** A restored array that is not per layer (a scalar); none by default. */
    protected void restoreScalar(String name, Matrix value) {
        throw new IllegalArgumentException("unknown optimiser state '" + name + "' for " + spec());
    }

    /** After restore: the state must be complete for every layer, or empty. */
    protected abstract void checkRestored(Network net);

}
