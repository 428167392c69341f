package org.saddlescope.theory;

/**
 * Proposition 3.4 of the paper: for any θ with ‖θ‖² ≤ L and escape speed at least s0, for any p ∈ (0, 1) at least
 * (1 − p)L of the layers ℓ = 0..L−1 have a tail ratio of Z_ℓ^σ ({@link RankMeasures#tailRatio}) at most
 * 2 log(‖X‖_F‖G‖_F/s0)/(pL) (Z_0^σ = X, as in the proof of A.5).
 *
 * <p>Normalisation: s0 is a √L-sphere speed ({@link EscapeSpeed}); see {@link Theorem31} for why.
 */
public final class Proposition34 {
    private Proposition34() {}

    /** The threshold 2 log(‖X‖_F‖G‖_F/s0)/(pL) on the tail ratio of Z_ℓ^σ. */
    public static double threshold(double normX, double normG, double s0, double p, int depth) {
        if (!(p > 0 && p < 1)) throw new IllegalArgumentException("p must be in (0,1), got " + p);
        return 2 * Math.log(Theorem31.ratio(normX, normG, s0)) / (p * depth);
    }

    /** The guarantee: at least (1 − p)L layers below the threshold. */
    public static double guarantee(double p, int depth) {
        return (1 - p) * depth;
    }

    /**
     * The smallest depth at which the proposition guarantees at least one layer (among ℓ = 0..L−1) with tail ratio
     * below 1, i.e. says anything: some p ∈ (0, 1) with (1 − p)L ≥ 1 and 2 log r/(pL) < 1 exists iff
     * 2 log r < L − 1 (take p = 1 − 1/L), r = ‖X‖_F‖G‖_F/s0. So L = ⌊1 + 2 log r⌋ + 1.
     */
    public static int minimalDepth(double normX, double normG, double s0) {
        double r = Theorem31.ratio(normX, normG, s0);
        return (int) Math.min(Integer.MAX_VALUE, Math.floor(1 + 2 * Math.log(r)) + 1);
    }
}
