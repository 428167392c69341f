package org.saddlescope.escape;

/**
 * The paper's bounds on the rank structure of escape directions. Every speed here is the √L-sphere speed s
 * (Definition 2.1: ‖θ‖² = L): Theorem 3.1 and Proposition 3.4 are stated for ‖θ‖² = L (resp. ≤ L), and their
 * proofs use Lemma A.4 (∏‖W_ℓ‖_F ≤ 1, which needs ‖θ‖² ≤ L), so the unit-sphere s_unit must NOT be passed in.
 * Note ‖X‖_F‖G‖_F / s ≥ 1 always (Cauchy–Schwarz and Lemma A.4), so the logarithms are ≥ 0.
 */
public final class PaperBounds {
    private PaperBounds() {}

    /** r = ‖X‖_F‖G‖_F / s. */
    public static double ratio(double normX, double normG, double speed) {
        if (!(speed > 0)) throw new IllegalArgumentException("the bounds need a positive escape speed, got " + speed);
        return normX * normG / speed;
    }

    /**
     * Theorem 3.1 (main text): c = (‖X‖_F‖G‖_F/s*)·sqrt(2 log(‖X‖_F‖G‖_F/s*)). (Theorem A.8 in the appendix
     * prints a different c and denominator; we follow the main-text statement, which the appendix proof ends with.)
     */
    public static double theorem31C(double normX, double normG, double speed) {
        double r = ratio(normX, normG, speed);
        return r * Math.sqrt(2 * Math.log(r));
    }

    /**
     * Theorem 3.1's bound 8c/(1 − c ℓ^(−1/2)) · ℓ^(−1/2) on the tail ratios of W_ℓ and Z_ℓ^σ and on the
     * nonlinearity ratio, valid for ℓ > c²; NaN where ℓ ≤ c² (the theorem says nothing: vacuous).
     */
    public static double theorem31Bound(double c, int layer) {
        if (layer <= c * c) return Double.NaN;
        double r = 1 / Math.sqrt(layer);
        return 8 * c / (1 - c * r) * r;
    }

    /** Proposition 3.4: threshold 2 log(‖X‖_F‖G‖_F/s0)/(pL) on the tail ratio of Z_ℓ^σ. */
    public static double proposition34Threshold(double normX, double normG, double s0, double p, int depth) {
        if (!(p > 0 && p < 1)) throw new IllegalArgumentException("p must be in (0,1), got " + p);
        return 2 * Math.log(ratio(normX, normG, s0)) / (p * depth);
    }

    /** Proposition 3.4's guarantee: at least (1 − p)L layers below the threshold. */
    public static double proposition34Guarantee(double p, int depth) {
        return (1 - p) * depth;
    }

    /** Tail ratio Σ_{i≥2} s_i² / Σ_i s_i² of descending singular values (0 for rank one, NaN for a zero matrix). */
    public static double tailRatio(double[] s) {
        double all = 0;
        for (double v : s) all += v * v;
        if (all == 0) return Double.NaN;
        return (all - s[0] * s[0]) / all;
    }

    /** Numerical rank as NumPy's matrix_rank: singular values above s_1·max(m,n)·ε. */
    public static int numericalRank(double[] s, int rows, int cols) {
        if (s.length == 0 || s[0] == 0) return 0;
        double tol = s[0] * Math.max(rows, cols) * Math.ulp(1.0);
        int r = 0;
        for (double v : s) if (v > tol) r++;
        return r;
    }
}
