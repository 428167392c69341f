package org.saddlescope.train;

import java.util.Locale;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;

/**
 * When a training run has diverged: its minibatch loss is not finite, or exceeds {@link #FACTOR} times C(0), the
 * cost of the zero output on the evaluation targets.
 *
 * <p>Why C(0) and 10⁶: every run here starts near the origin (small initialisation: the loss starts at C(0))
 * or at a He initialisation (outputs of the order of the inputs: within 10² of C(0) on standardised data).
 * Under the squared error a loss of 10⁶·C(0) means outputs about 10³ times the size of the targets; under
 * cross-entropy (C(0) = log K) it means logit gaps of about 10⁶ — no converging run passes through either
 * (loss spikes at the edge of stability stay within 10–10² of the loss before them). Without this threshold a
 * ReLU network with a huge constant rate grows until float64 overflows at ‖θ‖ ≈ 1e154, ending "done" with
 * loss 1e111 (issue 11, item 5). A cost whose C(0) is not positive (the localized loss, all-zero targets) is
 * checked for finiteness only.
 */
public final class Divergence {
    public static final double FACTOR = 1e6;

    private final double reference;

    private Divergence(double reference) {
        this.reference = reference;
    }

    /** C(0) of {@code cost} on {@code targets} sets the threshold. */
    public static Divergence of(Cost cost, Matrix targets) {
        try (Matrix zero = Matrix.zeros(targets.dtype(), targets.rows(), targets.cols())) {
            double c0 = cost.value(zero, targets);
            return new Divergence(Double.isFinite(c0) && c0 > 0 ? c0 : Double.NaN);
        }
    }

    /** The loss above which a run counts as diverged (infinite when only finiteness is checked). */
    public double threshold() {
        return Double.isNaN(reference) ? Double.POSITIVE_INFINITY : FACTOR * reference;
    }

    /** Why {@code loss} means divergence, or null when it does not. */
    public String loss(double loss) {
        if (!Double.isFinite(loss)) return "the loss became " + loss;
        if (loss > threshold()) {
            return String.format(Locale.ROOT, "the loss %.3g exceeds %.0e x C(0) = %.3g (the cost of the zero output)", loss, FACTOR, threshold());
        }
        return null;
    }
}
