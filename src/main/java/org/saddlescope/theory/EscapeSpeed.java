package org.saddlescope.theory;

/**
 * Escape speed (the paper's Definition 2.1). An escape direction is a ρ with ‖ρ‖² = L and ∇L0(ρ) = −sρ, where
 * L0(θ) = Tr[Gᵀ Y_θ] is the localized loss; its escape speed is s = −L0(ρ) > 0 (Euler's theorem for the
 * L-homogeneous L0 gives ρᵀ∇L0(ρ) = L·L0(ρ), so s = −L0(ρ) on the sphere ‖ρ‖² = L). The optimal direction
 * minimises L0 on that sphere; its speed is s*.
 *
 * <p>Two normalisations, both used in the papers: s on the radius-√L sphere (Definition 2.1, the paper's
 * s and every speed this program reports as "speed") and s_unit on the unit sphere. By L-homogeneity
 * L0(ρ/√L) = L^(−L/2)·L0(ρ), so
 * <pre>  s_unit = s·L^(−L/2),   s = s_unit·L^(L/2).</pre>
 * The norm law of gradient flow takes s_unit ({@link NormLaw}); the rank bounds take s ({@link Theorem31},
 * {@link Proposition34}). Every conversion between the two goes through this class.
 */
public final class EscapeSpeed {
    private EscapeSpeed() {}

    /** s_unit = s·L^(−L/2): the unit-sphere speed of a √L-sphere speed s. */
    public static double unitSpeed(double s, int depth) {
        return s * Math.pow(depth, -0.5 * depth);
    }

    /** s = s_unit·L^(L/2): the √L-sphere speed (Definition 2.1) of a unit-sphere speed. */
    public static double sphereSpeed(double sUnit, int depth) {
        return sUnit * Math.pow(depth, 0.5 * depth);
    }

    /**
     * The unit-sphere speed −L0(θ/‖θ‖) = −L0(θ)/‖θ‖^L of the direction of any θ ≠ 0, from L0(θ) and ‖θ‖²
     * (L-homogeneity; only for 1-homogeneous activations, where L0 is L-homogeneous). A stationary θ gives its
     * escape speed; any other θ the value of −L0 along its ray.
     */
    public static double unitSpeedOfDirection(double l0, double normSquared, int depth) {
        return -l0 / Math.pow(normSquared, depth / 2.0);
    }
}
