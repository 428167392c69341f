package org.saddlescope.theory;

/**
 * Theorem 3.1 of the paper (section 3.3): for the optimal escape direction, layers deep enough are nearly rank
 * one. With r = ‖X‖_F‖G‖_F / s* and c = r·sqrt(2 log r), for every layer ℓ > c² the tail ratios of W_ℓ and of
 * Z_ℓ^σ and the nonlinearity ratio (see {@link RankMeasures}) are at most 8c/(1 − c ℓ^(−1/2)) · ℓ^(−1/2).
 *
 * <p>Normalisation: s* is the √L-sphere speed ({@link EscapeSpeed}, Definition 2.1: ‖θ‖² = L). The theorem
 * is stated for ‖θ‖² = L and its proof uses Lemma A.4 (∏‖W_ℓ‖_F ≤ 1, which needs ‖θ‖² ≤ L), so the unit-sphere
 * s_unit must NOT be passed in. r ≥ 1 always (Cauchy–Schwarz and Lemma A.4), so log r ≥ 0.
 */
public final class Theorem31 {
    private Theorem31() {}

    /** r = ‖X‖_F‖G‖_F / s (s: √L-sphere speed), the ratio both Theorem 3.1 and Proposition 3.4 are written in. */
    public static double ratio(double normX, double normG, double speed) {
        if (!(speed > 0)) throw new IllegalArgumentException("the bounds need a positive escape speed, got " + speed);
        return normX * normG / speed;
    }

    /**
     * c = (‖X‖_F‖G‖_F/s*)·sqrt(2 log(‖X‖_F‖G‖_F/s*)) (main text; Theorem A.8 in the appendix prints a different
     * c and denominator; we follow the main-text statement, which the appendix proof ends with).
     */
    public static double c(double normX, double normG, double speed) {
        double r = ratio(normX, normG, speed);
        return r * Math.sqrt(2 * Math.log(r));
    }

    /**
     * The bound 8c/(1 − c ℓ^(−1/2)) · ℓ^(−1/2) on layer ℓ, valid for ℓ > c²; NaN where ℓ ≤ c² (the theorem says
     * nothing there: vacuous).
     */
    public static double bound(double c, int layer) {
        if (layer <= c * c) return Double.NaN;
        double r = 1 / Math.sqrt(layer);
        return 8 * c / (1 - c * r) * r;
    }

    /** The first layer the theorem speaks about: ℓ > c², i.e. ⌊c²⌋ + 1. A network shallower than this gets no bound. */
    public static int firstLayer(double c) {
        return (int) Math.min(Integer.MAX_VALUE, Math.floor(c * c) + 1);
    }

    /**
     * The first layer whose bound is below 1 (every ratio the theorem bounds is at most 1 anyway): 8c/(√ℓ − c) < 1
     * ⇔ √ℓ > 9c ⇔ ℓ > 81c², i.e. ⌊81c²⌋ + 1.
     */
    public static int firstInformativeLayer(double c) {
        return (int) Math.min(Integer.MAX_VALUE, Math.floor(81 * c * c) + 1);
    }
}
