package org.saddlescope.theory;

import org.saddlescope.linalg.Matrix;

/**
 * Rank measures of a matrix from its leading singular values s_1 ≥ s_2 ≥ … and its squared Frobenius norm
 * (which is Σ_i s_i² over all of them, so measures that need the whole spectrum stay exact with only the top k),
 * and the nonlinearity ratio of a layer: the quantities Theorem 3.1 and Proposition 3.4 bound.
 */
public final class RankMeasures {
    private RankMeasures() {}

    /**
     * Tail ratio Σ_{i≥2} s_i² / Σ_i s_i² (docs/design.md; 0 for rank one), exact from s_1 and ‖A‖_F². The zero matrix
     * (rank 0, nothing outside a rank-one part) has tail ratio 0. Clamped to [0, 1] because s_1 from subspace
     * iteration is a lower bound and ‖A‖_F² carries its own rounding.
     */
    public static double tailRatio(double[] s, double frobeniusSquared) {
        if (s.length == 0 || frobeniusSquared <= 0) return 0.0;
        double r = (frobeniusSquared - s[0] * s[0]) / frobeniusSquared;
        return Math.min(1.0, Math.max(0.0, r));
    }

    /** Tail ratio from the whole spectrum (‖A‖_F² = Σ s_i²); 0 for the zero matrix, as above. */
    public static double tailRatio(double[] allSingularValues) {
        double all = 0;
        for (double v : allSingularValues) all += v * v;
        return tailRatio(allSingularValues, all);
    }

    /**
     * Nonlinearity ratio ‖Z^σ − Z‖_F² / ‖Z‖_F² of a layer with preactivation Z and activation Z^σ = σ(Z): 0 where σ
     * acts linearly on every entry. For Z = 0 it is 0 when Z^σ = 0 too, +∞ otherwise (σ(0) ≠ 0).
     */
    public static double nonlinearityRatio(Matrix z, Matrix activation) {
        double diff = 0, zz = 0;
        for (int q = 0, n = z.size(); q < n; q++) {
            double zv = z.getFlat(q), d = activation.getFlat(q) - zv;
            diff += d * d;
            zz += zv * zv;
        }
        if (zz == 0) return diff == 0 ? 0.0 : Double.POSITIVE_INFINITY;
        return diff / zz;
    }

    /** Number of s_i ≥ threshold·s_1 among the given values (at most s.length: "≥ k" when it equals k). */
    public static int numericalRank(double[] s, double relativeThreshold) {
        if (s.length == 0 || s[0] <= 0) return 0;
        int r = 0;
        for (double v : s) if (v >= relativeThreshold * s[0]) r++;
        return r;
    }

    /** Numerical rank as NumPy's matrix_rank: singular values above s_1·max(m,n)·ε (the whole spectrum of an m×n matrix). */
    public static int numericalRank(double[] s, int rows, int cols) {
        if (s.length == 0 || s[0] == 0) return 0;
        double tol = s[0] * Math.max(rows, cols) * Math.ulp(1.0);
        int r = 0;
        for (double v : s) if (v > tol) r++;
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
