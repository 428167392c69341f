package org.saddlescope.train.optim;

import java.util.Arrays;

/**
 * What an optimiser step reports besides the new ‖θ‖², per layer ℓ = 1..L: ‖∇_ℓ‖² of this step's (minibatch)
 * gradient and ⟨W_ℓ, ∇_ℓ⟩ before the update (NaN where the optimiser does not form them), and, when the
 * trainer asks for it, how many entries of the update were nonzero and how many of those left the stored weight
 * unchanged (lost to rounding).
 */
public final class StepRecord {
    private final double[] gradNormSquared;
    private final double[] weightGradDot;
    private final long[][] counts; // counts[ℓ-1] = {nonzero, lost}
    private boolean counting;

    public StepRecord(int depth) {
        gradNormSquared = new double[depth];
        weightGradDot = new double[depth];
        counts = new long[depth][2];
    }

    /** Before a step: clears the record; {@code countLost} asks the step to count lost updates. */
    public void reset(boolean countLost) {
        Arrays.fill(gradNormSquared, Double.NaN);
        Arrays.fill(weightGradDot, Double.NaN);
        for (long[] c : counts) Arrays.fill(c, 0);
        counting = countLost;
    }

    public int depth() { return gradNormSquared.length; }

    /** Counters for layer ℓ to pass to the update pass, or null when not counting this step. */
    public long[] counter(int l) { return counting ? counts[l - 1] : null; }

    public boolean counting() { return counting; }

    void gradient(int l, double normSquared, double weightDot) {
        gradNormSquared[l - 1] = normSquared;
        weightGradDot[l - 1] = weightDot;
    }

    /** ‖∇_ℓ‖² of the step, or NaN. */
    public double gradNormSquared(int l) { return gradNormSquared[l - 1]; }

    /** ⟨W_ℓ, ∇_ℓ⟩ before the step, or NaN. */
    public double weightGradDot(int l) { return weightGradDot[l - 1]; }

    /** Nonzero entries of layer ℓ's update (when counting). */
    public long updated(int l) { return counts[l - 1][0]; }

    /** Entries of layer ℓ's nonzero update that left the stored weight unchanged (when counting). */
    public long lost(int l) { return counts[l - 1][1]; }
}
