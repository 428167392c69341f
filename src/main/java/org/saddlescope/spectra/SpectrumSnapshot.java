package org.saddlescope.spectra;

import org.saddlescope.theory.RankMeasures;

/**
 * The leading singular values of every layer at one step. {@code values[ℓ-1]} holds W_ℓ's top values
 * (descending), {@code frobeniusSquared[ℓ-1]} = ‖W_ℓ‖_F² (for exact tail ratios).
 */
public record SpectrumSnapshot(long step, long epoch, double[][] values, double[] frobeniusSquared) {
    public int depth() { return values.length; }

    /** Top values of W_ℓ, ℓ = 1..L. */
    public double[] layer(int l) { return values[l - 1]; }

    public double tailRatio(int l) { return RankMeasures.tailRatio(values[l - 1], frobeniusSquared[l - 1]); }

    public int numericalRank(int l, double relativeThreshold) { return RankMeasures.numericalRank(values[l - 1], relativeThreshold); }

    public double effectiveRank(int l) { return RankMeasures.effectiveRank(values[l - 1]); }

    /** Mode of the per-layer numerical ranks. */
    public int bottleneckRank(double relativeThreshold) {
        int[] r = new int[depth()];
        for (int l = 1; l <= depth(); l++) r[l - 1] = numericalRank(l, relativeThreshold);
        return RankMeasures.bottleneckRank(r);
    }
}
