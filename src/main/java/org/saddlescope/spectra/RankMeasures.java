package org.saddlescope.spectra;

/**
 * Rank measures of a matrix from its leading singular values s_1 ≥ s_2 ≥ … and its squared Frobenius norm
 * (which is Σ_i s_i² over all of them, so measures that need the whole spectrum stay exact with only the top k).
 */
public final class RankMeasures {
    private RankMeasures() {}

    /**
     * Tail ratio Σ_{i≥2} s_i² / Σ_i s_i² (DESIGN.md; 0 for rank one), exact from s_1 and ‖A‖_F². Clamped to
     * [0, 1] because s_1 from subspace iteration is a lower bound and ‖A‖_F² carries its own rounding.
     */
    public static double tailRatio(double[] s, double frobeniusSquared) {
        if (s.length == 0 || frobeniusSquared <= 0) return 0.0;
        double r = (frobeniusSquared - s[0] * s[0]) / frobeniusSquared;
        return Math.min(1.0, Math.max(0.0, r));
    }

    /** Number of s_i ≥ threshold·s_1 among the given values (at most s.length: "≥ k" when it equals k). */
    public static int numericalRank(double[] s, double relativeThreshold) {
        if (s.length == 0 || s[0] <= 0) return 0;
        int r = 0;
        for (double v : s) if (v >= relativeThreshold * s[0]) r++;
        return r;
    }

    /**
     * Effective rank of Roy &amp; Vetterli (2007), exp(−Σ p_i log p_i) with p_i = s_i / Σ_j s_j, taken over the
     * given leading values only (so at most k): about 1 for one dominant value, k for a flat top k.
     */
    public static double effectiveRank(double[] s) {
        double sum = 0;
        for (double v : s) sum += Math.max(0, v);
        if (sum <= 0) return 0.0;
        double h = 0;
        for (double v : s) {
            if (v <= 0) continue;
            double p = v / sum;
            h -= p * Math.log(p);
        }
        return Math.exp(h);
    }

    /** Stable rank ‖A‖_F² / s_1² = 1 / (1 − tail ratio). */
    public static double stableRank(double[] s, double frobeniusSquared) {
        if (s.length == 0 || s[0] <= 0) return 0.0;
        return frobeniusSquared / (s[0] * s[0]);
    }

    /**
     * The rank most layers share (the mode of the per-layer ranks; ties go to the smaller rank, the
     * bottleneck). Used as the network's bottleneck-rank estimate at a plateau.
     */
    public static int bottleneckRank(int[] layerRanks) {
        if (layerRanks.length == 0) return 0;
        int best = -1, bestCount = 0;
        for (int candidate : layerRanks) {
            int count = 0;
            for (int r : layerRanks) if (r == candidate) count++;
            if (count > bestCount || (count == bestCount && candidate < best)) {
                best = candidate;
                bestCount = count;
            }
        }
        return best;
    }
}
