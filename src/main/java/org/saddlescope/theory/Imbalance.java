package org.saddlescope.theory;

import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;

/**
 * Layer imbalance D_ℓ = ‖W_{ℓ+1}‖² − ‖W_ℓ‖² (ℓ = 1..L−1) and its rate under gradient flow (companion paper,
 * docs/design.md "Imbalance").
 *
 * <p>Derivation. With δ_ℓ = ∂L/∂Z_ℓ (the backpropagated gradient of the loss, δ_L = ∇C(Y), as in
 * {@link Network#backward}) the gradient is ∂L/∂W_ℓ = δ_ℓ (Z_{ℓ−1}^σ)ᵀ and δ_ℓ = (W_{ℓ+1}ᵀδ_{ℓ+1}) ⊙ σ'(Z_ℓ).
 * Under θ' = −∇L: d‖W_ℓ‖²/dt = −2⟨W_ℓ, δ_ℓ(Z_{ℓ−1}^σ)ᵀ⟩ = −2⟨Z_ℓ, δ_ℓ⟩ = −2⟨W_{ℓ+1}ᵀδ_{ℓ+1}, Z_ℓ ⊙ σ'(Z_ℓ)⟩ and
 * d‖W_{ℓ+1}‖²/dt = −2⟨W_{ℓ+1}ᵀδ_{ℓ+1}, σ(Z_ℓ)⟩, hence
 * <pre>  dD_ℓ/dt = −2 Σ (W_{ℓ+1}ᵀ δ_{ℓ+1}) ⊙ (σ(Z_ℓ) − Z_ℓ σ'(Z_ℓ)),</pre>
 * the sign docs/design.md states, with δ the gradient (not its negative). It vanishes when σ(z) = zσ'(z) for all z,
 * i.e. for positively homogeneous σ (ReLU, leaky ReLU, identity): D_ℓ is conserved.
 */
public final class Imbalance {
    private Imbalance() {}

    /** D_ℓ for ℓ = 1..L−1 (index ℓ−1). */
    public static double[] values(Network net) {
        int L = net.depth();
        double[] d = new double[Math.max(0, L - 1)];
        for (int l = 1; l < L; l++) d[l - 1] = net.weight(l + 1).frobeniusNorm2() - net.weight(l).frobeniusNorm2();
        return d;
    }

    /**
     * dD_ℓ/dt from the identity, after {@code net.forward(x, ws)} with dY = ∇_Y C at that forward pass.
     * Backpropagates its own δ (allocates; meant for probes, not inner loops).
     */
    public static double[] rates(Network net, Network.Workspace ws, Matrix dY) {
        int L = net.depth();
        Activation act = net.activation();
        double[] rate = new double[Math.max(0, L - 1)];
        Matrix delta = dY.copy();
        for (int l = L - 1; l >= 1; l--) {
            // back = W_{ℓ+1}ᵀ δ_{ℓ+1}
            Matrix back = Blas.multiply(true, net.weight(l + 1), false, delta);
            Matrix z = ws.preactivation(l);
            double s = 0;
            for (int k = 0, n = z.size(); k < n; k++) {
                double zk = z.getFlat(k);
                s += back.getFlat(k) * (act.value(zk) - zk * act.derivative(zk));
            }
            rate[l - 1] = -2 * s;
            act.multiplyByDerivative(z, back); // δ_ℓ
            delta.close();
            delta = back;
        }
        delta.close();
        return rate;
    }

    /**
     * The same rates computed directly from the weight gradients: dD_ℓ/dt = −2⟨W_{ℓ+1}, ∂L/∂W_{ℓ+1}⟩ + 2⟨W_ℓ, ∂L/∂W_ℓ⟩.
     * An independent check of {@link #rates}.
     */
    public static double[] ratesFromGradients(Network net, Matrix[] grads) {
        int L = net.depth();
        double[] rate = new double[Math.max(0, L - 1)];
        for (int l = 1; l < L; l++) rate[l - 1] = -2 * net.weight(l + 1).dot(grads[l]) + 2 * net.weight(l).dot(grads[l - 1]);
        return rate;
    }
}
