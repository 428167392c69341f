package org.saddlescope.escape;

import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Network;

/**
 * Proposition 3.2 / A.3, the construction of appendix A.4: from a depth-L direction θ with ‖θ‖² = L and
 * L0(θ) = −s0 < 0, a depth-(L+k) direction θ' with ‖θ'‖² = L + k and L0(θ') ≤ L0(θ).
 *
 * <p>Write L0(θ) = Σ_i ‖W_{L,·,i}‖‖W_{L−1,i}‖ c_i with c_i = Tr[Gᵀ W̄_{L,·,i} σ(W̄_{L−1,i} Z_{L−2}^σ)] (column i
 * of W_L, row i of W_{L−1}, bars = normalised; homogeneity of σ). Take i* = argmin c_i and M = Σ_i ‖W_{L,·,i}‖‖W_{L−1,i}‖.
 * New layers: W̃_ℓ = W_ℓ (ℓ ≤ L−2); W̃_{L−1} = √M e_1 W̄_{L−1,i*}; W̃_ℓ = e_1 e_1ᵀ (ℓ = L..L+k−1, "identity-like"
 * rank one); W̃_{L+k} = √M W̄_{L,·,i*} e_1ᵀ. Then L0(θ̃) = M c_{i*} ≤ Σ_i ‖·‖‖·‖ c_i = L0(θ), and
 * ‖θ̃‖² = Σ_{ℓ≤L−2}‖W_ℓ‖² + 2M + k ≤ L + k by AM–GM (2ab ≤ a² + b²). The appendix stops at "≤ L + k"; we then
 * rescale θ̃ by λ = sqrt((L+k)/‖θ̃‖²) ≥ 1 onto the sphere, which multiplies L0 < 0 by λ^(L+k) ≥ 1, so the
 * inequality L0(θ') ≤ L0(θ) is kept. The hidden widths of the new layers are n_{L−1}.
 * Rank one: W̃_ℓ for ℓ ≥ L−1 and Z̃_ℓ for ℓ ≥ L−1; no nonlinearity: Z̃_ℓ = Z̃_ℓ^σ ≥ 0 for hidden ℓ ≥ L.
 */
public final class DepthExtension {
    private DepthExtension() {}

    /** The extended direction, the chosen unit i* (0-based), and ‖θ̃‖² before rescaling. */
    public record Result(Network network, int bestUnit, double normSquaredBeforeRescale, double rescale) {}

    public static Result extend(Network net, int k, Matrix x, Matrix g) {
        int L = net.depth();
        if (L < 2) throw new IllegalArgumentException("the depth extension needs depth >= 2");
        if (k < 1) throw new IllegalArgumentException("extend by k >= 1 layers, got " + k);
        // The identity-like layers need σ(σ(z)) = σ(z) and σ(z) ≥ 0 on their inputs: ReLU (or identity).
        // For leaky ReLU σ(σ(z)) = slope²z ≠ σ(z) on z < 0 and the construction does not apply.
        var sigma = net.activation();
        boolean relu = sigma.positivelyHomogeneous() && sigma.value(-1.0) == 0.0 && sigma.value(1.0) == 1.0;
        if (!relu && sigma != org.saddlescope.net.Activation.IDENTITY) {
            throw new IllegalArgumentException("the depth extension of appendix A.4 needs ReLU (or identity), got " + sigma);
        }
        int[] w = net.widths();
        int nOut = w[L], nHid = w[L - 1], nPrev = w[L - 2];
        // Z_{L-2}^σ
        Network.Workspace ws = net.workspace(x.cols());
        net.forward(x, ws);
        Matrix h = ws.activation(L - 2);
        Matrix wl = net.weight(L), wp = net.weight(L - 1);
        int N = x.cols();
        double m = 0, bestC = Double.POSITIVE_INFINITY;
        int best = -1;
        for (int i = 0; i < nHid; i++) {
            double nc = 0, nr = 0;
            for (int r = 0; r < nOut; r++) nc += wl.get(r, i) * wl.get(r, i);
            for (int c = 0; c < nPrev; c++) nr += wp.get(i, c) * wp.get(i, c);
            nc = Math.sqrt(nc);
            nr = Math.sqrt(nr);
            if (nc == 0 || nr == 0) continue;
            m += nc * nr;
            double ci = 0;
            for (int j = 0; j < N; j++) {
                double pre = 0;
                for (int c = 0; c < nPrev; c++) pre += wp.get(i, c) * h.get(c, j);
                double act = net.activation().value(pre / nr);
                if (act == 0) continue;
                double gc = 0;
                for (int r = 0; r < nOut; r++) gc += g.get(r, j) * wl.get(r, i);
                ci += gc / nc * act;
            }
            if (ci < bestC) { bestC = ci; best = i; }
        }
        if (best < 0) throw new IllegalArgumentException("the last two layers carry no signal: nothing to extend");
        int[] nw = new int[L + k + 1];
        for (int l = 0; l <= L - 1; l++) nw[l] = w[l];
        for (int l = L; l < L + k; l++) nw[l] = nHid;
        nw[L + k] = nOut;
        Network out = new Network(nw, net.activation(), net.dtype());
        for (int l = 1; l <= L - 2; l++) out.weight(l).copyFrom(net.weight(l));
        double sq = Math.sqrt(m);
        double nr = 0, nc = 0;
        for (int c = 0; c < nPrev; c++) nr += wp.get(best, c) * wp.get(best, c);
        for (int r = 0; r < nOut; r++) nc += wl.get(r, best) * wl.get(r, best);
        nr = Math.sqrt(nr);
        nc = Math.sqrt(nc);
        for (int c = 0; c < nPrev; c++) out.weight(L - 1).set(0, c, sq * wp.get(best, c) / nr);
        for (int l = L; l < L + k; l++) out.weight(l).set(0, 0, 1.0);
        for (int r = 0; r < nOut; r++) out.weight(L + k).set(r, 0, sq * wl.get(r, best) / nc);
        double n2 = out.normSquared();
        double lambda = Math.sqrt((L + k) / n2);
        out.scale(lambda);
        return new Result(out, best, n2, lambda);
    }
}
