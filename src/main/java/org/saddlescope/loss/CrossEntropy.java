package org.saddlescope.loss;

import org.saddlescope.linalg.Matrix;

/**
 * Softmax cross-entropy C(Y) = −(1/N) Σ_j Σ_k T_kj log softmax(Y_{·j})_k, with targets T one-hot (or any
 * distribution per column). ∇C = (1/N)(softmax(Y) − T), so G = ∇C(0) = (1/N)(1/K − T) (docs/design.md).
 * Log-sum-exp is shifted by the column maximum; sums are in double for either dtype.
 */
public final class CrossEntropy implements Cost {
    @Override public String name() { return "cross_entropy"; }

    @Override
    public double value(Matrix y, Matrix t) {
        return compute(y, t, null);
    }

    @Override
    public double gradient(Matrix y, Matrix t, Matrix out) {
        return compute(y, t, out);
    }

    private static double compute(Matrix y, Matrix t, Matrix out) {
        y.requireShape(t, y.rows(), y.cols());
        int K = y.rows(), N = y.cols();
        double total = 0;
        for (int j = 0; j < N; j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < K; k++) max = Math.max(max, y.get(k, j));
            double sum = 0;
            for (int k = 0; k < K; k++) sum += Math.exp(y.get(k, j) - max);
            double lse = max + Math.log(sum);
            for (int k = 0; k < K; k++) {
                double tk = t.get(k, j);
                double logp = y.get(k, j) - lse;
                if (tk != 0) total -= tk * logp;
                if (out != null) out.set(k, j, (Math.exp(logp) - tk) / N);
            }
        }
        return total / N;
    }

    /**
     * Per column j with p = softmax(Y_{·j}): ∇²C = (1/N)(diag p − ppᵀ), so out_{·j} = (1/N)(p ⊙ v − p·⟨p, v⟩). Targets
     * do not enter (a column's targets sum to 1).
     */
    @Override
    public void hessianVector(Matrix y, Matrix t, Matrix v, Matrix out) {
        y.requireShape(v, y.rows(), y.cols());
        int K = y.rows(), N = y.cols();
        double[] p = new double[K];
        for (int j = 0; j < N; j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < K; k++) max = Math.max(max, y.get(k, j));
            double sum = 0;
            for (int k = 0; k < K; k++) { p[k] = Math.exp(y.get(k, j) - max); sum += p[k]; }
            double pv = 0;
            for (int k = 0; k < K; k++) { p[k] /= sum; pv += p[k] * v.get(k, j); }
            for (int k = 0; k < K; k++) out.set(k, j, p[k] * (v.get(k, j) - pv) / N);
        }
    }
}
