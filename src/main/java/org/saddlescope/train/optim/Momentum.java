package org.saddlescope.train.optim;

import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Network;

/**
 * SGD with momentum as PyTorch's torch.optim.SGD computes it (weight decay 0): b := g on the first step, then
 * b := μ·b + (1 − τ)·g; the step is −lr·b, or −lr·(g + μ·b) with Nesterov's variant. State: b per layer
 * ({@code momentum_buffer_ℓ}).
 */
public final class Momentum extends FormedGradient {
    private final double mu;
    private final double dampening;
    private final boolean nesterov;
    private final double[] b = new double[CHUNK];
    private Matrix buffer;
    private boolean first;

    public Momentum(double mu, double dampening, boolean nesterov) {
        if (!(mu >= 0) || !(mu < 1)) throw new IllegalArgumentException("momentum mu must be in [0, 1), got " + mu);
        if (!(dampening >= 0) || !(dampening <= 1)) throw new IllegalArgumentException("dampening must be in [0, 1], got " + dampening);
        if (nesterov && (mu <= 0 || dampening != 0)) throw new IllegalArgumentException("Nesterov momentum needs mu > 0 and dampening 0");
        this.mu = mu;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    @Override
    public String spec() {
        return "momentum:mu=" + mu + ",dampening=" + dampening + ",nesterov=" + nesterov;
    }

    @Override
    protected void beginLayer(int l, Matrix gradient) {
        first = !state.containsKey("momentum_buffer_" + l);
        buffer = array("momentum_buffer", l, gradient);
    }

    @Override
    protected void transform(int l, int offset, double[] g, int m, double lr) {
        if (!first) read(buffer, offset, b, m);
        for (int k = 0; k < m; k++) {
            double gk = g[k];
            double bk = first ? gk : b[k] * mu + (1 - dampening) * gk;
            b[k] = bk;
            g[k] = -lr * (nesterov ? gk + mu * bk : bk);
        }
        write(b, buffer, offset, m);
    }

    @Override
    protected void checkRestored(Network net) {
        if (state.isEmpty()) return;
        for (int l = 1; l <= net.depth(); l++) {
            if (!state.containsKey("momentum_buffer_" + l)) throw new IllegalArgumentException("momentum state lacks momentum_buffer_" + l);
        }
    }
}
