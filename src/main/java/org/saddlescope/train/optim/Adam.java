package org.saddlescope.train.optim;

import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Network;

/**
 * Adam as PyTorch's torch.optim.Adam computes it (weight decay 0, no AMSGrad): at step t,
 * m := m + (1 − β1)(g − m), v := β2·v + (1 − β2)·g², and θ −= (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε).
 * State: m and v per layer ({@code adam_exp_avg_ℓ}, {@code adam_exp_avg_sq_ℓ}) and t ({@code adam_step}, 1×1).
 */
public final class Adam extends FormedGradient {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double[] mBuf = new double[CHUNK];
    private final double[] vBuf = new double[CHUNK];
    private long t;
    private double stepSize;
    private double bias2Sqrt;
    private Matrix m;
    private Matrix v;

    public Adam(double beta1, double beta2, double eps) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps >= 0)) throw new IllegalArgumentException("Adam eps must be ≥ 0, got " + eps);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    public String spec() {
        return "adam:beta1=" + beta1 + ",beta2=" + beta2 + ",eps=" + eps;
    }

    @Override
    protected void beforeStep(double lr) {
        t++;
        Matrix step = state.computeIfAbsent("adam_step", k -> Matrix.zeros(DType.F64, 1, 1));
        step.set(0, 0, t);
        double bias1 = 1 - Math.pow(beta1, t);
        stepSize = lr / bias1;
        bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
    }

    @Override
    protected void beginLayer(int l, Matrix gradient) {
        m = array("adam_exp_avg", l, gradient);
        v = array("adam_exp_avg_sq", l, gradient);
    }

    @Override
    protected void transform(int l, int offset, double[] g, int n, double lr) {
        read(m, offset, mBuf, n);
        read(v, offset, vBuf, n);
        double w1 = 1 - beta1, w2 = 1 - beta2;
        for (int k = 0; k < n; k++) {
            double gk = g[k];
            double mk = mBuf[k] + w1 * (gk - mBuf[k]);  // torch: exp_avg.lerp_(grad, 1 − β1)
            double vk = vBuf[k] * beta2 + w2 * gk * gk;  // exp_avg_sq.mul_(β2).addcmul_(grad, grad, value=1 − β2)
            mBuf[k] = mk;
            vBuf[k] = vk;
            double denom = Math.sqrt(vk) / bias2Sqrt + eps;
            g[k] = -stepSize * mk / denom;               // param.addcdiv_(exp_avg, denom, value=−step_size)
        }
        write(mBuf, m, offset, n);
        write(vBuf, v, offset, n);
    }

    @Override
    protected void restoreScalar(String name, Matrix value) {
        if (!name.equals("adam_step") || value.size() != 1) super.restoreScalar(name, value);
        t = (long) value.getFlat(0);
        state.put(name, value.to(DType.F64));
    }

    @Override
    protected void checkRestored(Network net) {
        if (state.isEmpty()) {
            t = 0;
            return;
        }
        if (!state.containsKey("adam_step")) throw new IllegalArgumentException("Adam state lacks adam_step");
        for (int l = 1; l <= net.depth(); l++) {
            for (String p : new String[] {"adam_exp_avg_", "adam_exp_avg_sq_"}) {
                if (!state.containsKey(p + l)) throw new IllegalArgumentException("Adam state lacks " + p + l);
            }
        }
    }
}
