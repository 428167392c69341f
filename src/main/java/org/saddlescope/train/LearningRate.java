package org.saddlescope.train;

/**
 * Learning-rate law lr(θ) = c / ‖θ‖^p. p = 0 is a constant rate; p = L − 2 puts gradient descent on the
 * normalised time q of section 2.1 (dq = ‖θ‖^(L−2) dt), so the plateau costs the same number of steps whatever
 * the initialisation scale. The paper's MNIST runs use c = 10, p = 4 (appendix B).
 */
public record LearningRate(double c, double p) {
    public LearningRate {
        if (!(c > 0) || !Double.isFinite(c)) throw new IllegalArgumentException("learning rate must be positive, got " + c);
        if (!Double.isFinite(p) || p < 0) throw new IllegalArgumentException("learning-rate power must be ≥ 0, got " + p);
    }

    public static LearningRate constant(double c) {
        return new LearningRate(c, 0);
    }

    /** lr at ‖θ‖² = normSquared. */
    public double at(double normSquared) {
        if (p == 0) return c;
        return c / Math.pow(normSquared, p / 2);
    }

    @Override
    public String toString() {
        return p == 0 ? Double.toString(c) : c + "/||theta||^" + p;
    }
}
