package org.saddlescope.curvature;

import java.util.SplittableRandom;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;

/**
 * Hutchinson's trace estimator (Commun. Stat. Simul. 19, 1990): for Rademacher vectors v (entries ±1, E[vvᵀ] = I),
 * E[vᵀAv] = Tr A; the mean of m samples, with its standard error sd/√m.
 */
public final class Hutchinson {
    private Hutchinson() {}

    /** Estimate, its standard error, and the samples. */
    public record Estimate(double trace, double standardError, double[] samples) {}

    public static Estimate trace(SymmetricOperator a, int samples, SplittableRandom rng) {
        if (samples < 1) throw new IllegalArgumentException("Hutchinson needs at least one sample");
        int p = a.dimension();
        double[] s = new double[samples];
        try (Matrix v = Matrix.zeros(DType.F64, p, 1); Matrix av = Matrix.zeros(DType.F64, p, 1)) {
            for (int i = 0; i < samples; i++) {
                rademacher(v, rng);
                a.apply(v, av);
                s[i] = v.dot(av);
            }
        }
        double mean = 0;
        for (double x : s) mean += x;
        mean /= samples;
        double var = 0;
        for (double x : s) var += (x - mean) * (x - mean);
        double se = samples > 1 ? Math.sqrt(var / (samples - 1) / samples) : Double.NaN;
        return new Estimate(mean, se, s);
    }

    /** v := a vector of independent ±1 entries. */
    static void rademacher(Matrix v, SplittableRandom rng) {
        for (int k = 0, n = v.size(); k < n; k++) v.setFlat(k, rng.nextBoolean() ? 1.0 : -1.0);
    }
}
