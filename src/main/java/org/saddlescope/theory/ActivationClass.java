package org.saddlescope.theory;

import org.saddlescope.net.Activation;

/**
 * Universality classes of activations for the imbalance identity ({@link Imbalance}): the rate of D_ℓ is driven by
 * c(z) = σ(z) − zσ'(z). Its Taylor expansion at 0: c(0) = σ(0), c'(z) = −zσ''(z) so c'(0) = 0,
 * c''(0) = −σ''(0), c'''(0) = −2σ'''(0); hence
 * <pre>  c(z) = σ(0) − σ''(0)·z²/2 − σ'''(0)·z³/3 + O(z⁴).</pre>
 * The first non-zero coefficient sets how fast D_ℓ drifts near the origin, where the preactivations Z_ℓ are
 * small: a constant (σ(0) ≠ 0: sigmoid, softplus), quadratic (σ''(0) ≠ 0: GELU, SiLU), cubic (odd σ with
 * σ'''(0) ≠ 0: tanh), or none (c ≡ 0 for positively homogeneous σ: ReLU, leaky ReLU, identity; D_ℓ is conserved).
 */
public enum ActivationClass {
    CONSERVED("c ≡ 0 (positively homogeneous): D_ℓ conserved"),
    CONSTANT("c(0) = σ(0) ≠ 0"),
    QUADRATIC("σ(0) = 0, c ~ −σ''(0) z²/2"),
    CUBIC("σ(0) = σ''(0) = 0, c ~ −σ'''(0) z³/3"),
    HIGHER("σ(0) = σ''(0) = σ'''(0) = 0 but not homogeneous");

    public final String description;

    ActivationClass(String description) { this.description = description; }

    /** Below this a Taylor coefficient counts as zero: the numerical third derivative has error ~h² ≈ 1e-8. */
    static final double ZERO = 1e-6;

    /** The Taylor coefficients (σ(0), σ''(0), σ'''(0)); σ''' by a central difference of σ'' (error O(h²)). */
    public static double[] coefficients(Activation a) {
        double h = 1e-4;
        double third = (a.secondDerivative(h) - a.secondDerivative(-h)) / (2 * h);
        return new double[] {a.value(0), a.secondDerivative(0), third};
    }

    public static ActivationClass of(Activation a) {
        if (a.positivelyHomogeneous()) return CONSERVED;
        double[] c = coefficients(a);
        if (Math.abs(c[0]) > ZERO) return CONSTANT;
        if (Math.abs(c[1]) > ZERO) return QUADRATIC;
        if (Math.abs(c[2]) > ZERO) return CUBIC;
        return HIGHER;
    }
}
