package org.saddlescope.train.optim;

import java.util.Map;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Network;

/**
 * Plain (minibatch) gradient descent θ := θ − lr·∇, the fast path: each W_ℓ is updated by
 * {@link Network#descend} as soon as δ_ℓ is known, one GEMM with β = 1 and no gradient in memory.
 *
 * <p>‖θ‖² is tracked without reading the weights: with D_ℓ = δ_ℓ (Z_{ℓ-1}^σ)ᵀ, ‖W_ℓ − lr D_ℓ‖² = ‖W_ℓ‖² −
 * 2lr⟨Z_ℓ, δ_ℓ⟩ + lr²⟨δ_ℓᵀδ_ℓ, (Z_{ℓ-1}^σ)ᵀZ_{ℓ-1}^σ⟩, because ⟨W_ℓ, D_ℓ⟩ = ⟨W_ℓ Z_{ℓ-1}^σ, δ_ℓ⟩. The B×B Gram
 * matrices cost B²(n_ℓ + n_{ℓ-1}) flops; where that exceeds a pass over W_ℓ (large batches, thin layers) the
 * update is formed instead and read twice (‖D_ℓ‖², ⟨W_ℓ, D_ℓ⟩) before it is added. Either way ‖∇_ℓ‖² and
 * ⟨W_ℓ, ∇_ℓ⟩ of every layer come out for the precision monitor. Exact in exact arithmetic; in floating point the
 * tracked norm drifts by rounding, so the trainer resynchronises it periodically. Which way a layer goes is a
 * rule on shapes only, so a run's bits never depend on timing.
 */
public final class Sgd implements Optimizer {
    private Matrix gramDelta, gramInput; // B×B
    private Matrix[] update;             // per layer, for layers that form the update

    @Override public String spec() { return "sgd"; }

    @Override public boolean gradientDescent() { return true; }

    /** Whether layer ℓ's norm change comes from B×B Grams (cheaper than a pass over W_ℓ) or from the formed update. */
    static boolean gram(long batch, int rows, int cols) {
        return batch * batch * ((long) rows + cols) < 6L * rows * cols;
    }

    @Override
    public double step(Network net, Network.Workspace ws, Matrix dY, double lr, double normSquaredBefore, StepRecord record) {
        int b = ws.batch();
        if (gramDelta == null || gramDelta.rows() != b || gramDelta.dtype() != net.dtype()) {
            gramDelta = Matrix.zeros(net.dtype(), b, b);
            gramInput = Matrix.zeros(net.dtype(), b, b);
        }
        if (update == null) update = new Matrix[net.depth()];
        double[] change = {0};
        net.backpropagate(ws, dY, (l, delta, input) -> {
            Matrix w = net.weight(l);
            if (gram(b, w.rows(), w.cols())) {
                double cross = ws.preactivation(l).dot(delta); // ⟨W_ℓ, D_ℓ⟩
                Blas.gemm(true, false, 1.0, delta, delta, 0.0, gramDelta);
                Blas.gemm(true, false, 1.0, input, input, 0.0, gramInput);
                double g2 = gramDelta.dot(gramInput);           // ‖D_ℓ‖²
                change[0] += -2 * lr * cross + lr * lr * g2;
                record.gradient(l, g2, cross);
                net.descend(l, lr, delta, input, ws, record.counter(l));
            } else {
                if (update[l - 1] == null) update[l - 1] = Matrix.zeros(net.dtype(), w.rows(), w.cols());
                Matrix u = update[l - 1];
                Blas.gemm(false, true, -lr, delta, input, 0.0, u); // U = −lr D_ℓ
                double uu = u.frobeniusNorm2(), wu = net.layerDot(l, u);
                change[0] += 2 * wu + uu;
                record.gradient(l, uu / (lr * lr), -wu / lr);
                net.addToWeight(l, u, ws, record.counter(l));
            }
        });
        return normSquaredBefore + change[0];
    }

    @Override public Map<String, Matrix> state() { return Map.of(); }

    @Override
    public void restore(Network net, Map<String, Matrix> arrays) {
        if (!arrays.isEmpty()) throw new IllegalArgumentException("plain SGD has no state, but the checkpoint holds " + arrays.keySet());
    }
}
