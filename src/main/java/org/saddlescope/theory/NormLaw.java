package org.saddlescope.theory;

/**
 * The norm law: Proposition 2.2 of the paper (appendix A.3), corrected, re-derived with the normalisation made
 * explicit (speeds and their two normalisations: {@link EscapeSpeed}).
 *
 * <p>Let ρ lie on the radius-√L sphere with ∇L0(ρ) = −sρ (Definition 2.1: s is the √L-sphere speed). Euler's
 * theorem ρᵀ∇L0(ρ) = L·L0(ρ) gives L0(ρ) = −s. On the unit sphere θ̄ = ρ/√L, homogeneity gives
 * L0(θ̄) = L^(−L/2)·L0(ρ) = −s_unit with s_unit = s·L^(−L/2). Gradient flow from θ(t0) ∝ ρ stays on the ray
 * (the gradient is parallel to θ), and by Proposition A.1 d‖θ‖/dt = −L‖θ‖^(L−1) L0(θ̄), so
 * <pre>  d‖θ‖/dt = L·s_unit·‖θ‖^(L−1),   d‖θ‖/dq = L·s_unit·‖θ‖   (q the normalised time of section 2.1).</pre>
 * Solution, with R0 = ‖θ(t0)‖:
 * <pre>  ‖θ(t)‖^(2−L) = R0^(2−L) − (L−2)·L·s_unit·(t − t0)   (L ≠ 2),   ‖θ(t)‖ = R0·exp(2·s_unit·(t − t0)) = R0·e^(s(t−t0)) (L = 2),</pre>
 * and for L > 2 the norm blows up at t0 + R0^(2−L) / ((L−2)·L·s_unit). The printed statement writes s where
 * s_unit belongs (its proof uses L0(θ̄(t0)) = −s on the unit sphere): it is right only when s is read as the
 * unit-sphere speed; with the √L-sphere s of Definition 2.1 it is too fast by L^(L/2) (a factor 2 for L = 2).
 * Every method below takes the √L-sphere speed s and converts with {@link EscapeSpeed#unitSpeed}.
 *
 * <p>Example (exact): a deep linear net with balanced rank-one weights W_ℓ = u_ℓu_{ℓ−1}ᵀ (unit vectors, u_L, u_0
 * the top singular pair of −G Xᵀ) is an escape direction with s = σ_1(G Xᵀ).
 */
public final class NormLaw {
    private NormLaw() {}

    /** ‖θ(t0 + dt)‖ from an aligned start of norm r0 (NaN past the blow-up time). s: √L-sphere speed. */
    public static double norm(double dt, double r0, double s, int depth) {
        double su = EscapeSpeed.unitSpeed(s, depth);
        if (depth == 2) return r0 * Math.exp(2 * su * dt);
        double base = Math.pow(r0, 2 - depth) - (depth - 2) * depth * su * dt;
        if (depth > 2 && base <= 0) return Double.NaN;
        return Math.pow(base, 1.0 / (2 - depth));
    }

    /** ‖θ(q0 + dq)‖ in normalised time: r0·exp(L·s_unit·dq). */
    public static double normInNormalisedTime(double dq, double r0, double s, int depth) {
        return r0 * Math.exp(depth * EscapeSpeed.unitSpeed(s, depth) * dq);
    }

    /** Normalised time q for the aligned norm to grow from r0 to r1: log(r1/r0)/(L·s_unit). s: √L-sphere speed. */
    public static double normalisedTimeToNorm(double r0, double r1, double s, int depth) {
        return Math.log(r1 / r0) / (depth * EscapeSpeed.unitSpeed(s, depth));
    }

    /**
     * Gradient-descent steps under lr = c/‖θ‖^p along the aligned ray for a normalised time q from norm r0: each step
     * advances q by c·‖θ‖^(L−2−p) and ‖θ‖ = r0·e^(L·s_unit·q), so with k = L − 2 − p the steps are
     * ∫_0^q e^(−k·log‖θ‖)/c dq' = r0^(−k)·(1 − e^(−k·L·s_unit·q))/(c·k·L·s_unit), and q/c for k = 0 (the paper's p = L − 2).
     */
    public static double stepsInNormalisedTime(double q, double r0, double s, int depth, double c, double p) {
        double k = depth - 2 - p;
        if (k == 0) return q / c;
        double a = k * depth * EscapeSpeed.unitSpeed(s, depth);
        return Math.pow(r0, -k) * -Math.expm1(-a * q) / (c * a);
    }

    /** Time for the aligned norm to grow from r0 to r1 ≥ r0 (real time). s: √L-sphere speed. */
    public static double timeToNorm(double r0, double r1, double s, int depth) {
        double su = EscapeSpeed.unitSpeed(s, depth);
        if (depth == 2) return Math.log(r1 / r0) / (2 * su);
        return (Math.pow(r0, 2 - depth) - Math.pow(r1, 2 - depth)) / ((depth - 2) * depth * su);
    }

    /** Blow-up time R0^(2−L)/((L−2)·L·s_unit) for L > 2; +∞ for L ≤ 2. s: √L-sphere speed. */
    public static double blowUpTime(double r0, double s, int depth) {
        if (depth <= 2) return Double.POSITIVE_INFINITY;
        return Math.pow(r0, 2 - depth) / ((depth - 2) * depth * EscapeSpeed.unitSpeed(s, depth));
    }

    /** The formula as printed in Proposition 2.2 (s taken as is): kept to quantify the discrepancy. */
    public static double printedNorm(double dt, double r0, double s, int depth) {
        if (depth == 2) return r0 * Math.exp(2 * s * dt);
        double base = Math.pow(r0, 2 - depth) + (2 - depth) * depth * s * dt;
        if (depth > 2 && base <= 0) return Double.NaN;
        return Math.pow(base, 1.0 / (2 - depth));
    }

    /**
     * Exact output escape time of the aligned flow on L0 for a 1-homogeneous activation: on the ray
     * Y_θ = (‖θ‖/√L)^L·Y_ρ, so ‖Y‖_F = r when ‖θ‖ = √L·(r/‖Y_ρ‖_F)^(1/L). s: √L-sphere speed.
     */
    public static double alignedOutputEscapeTime(double r0, double r, double s, int depth, double outputNormOfRho) {
        double r1 = Math.sqrt(depth) * Math.pow(r / outputNormOfRho, 1.0 / depth);
        return timeToNorm(r0, r1, s, depth);
    }

    /**
     * Section 2.2's lower bound on the escape time t1(r) − t0, restated consistently. For any start of norm r0
     * and any σ with |σ(z)| ≤ |z| (ReLU, identity, leaky ReLU): ‖Y_θ‖_F ≤ Π‖W_ℓ‖_op‖X‖_F ≤ (‖θ‖/√L)^L ‖X‖_F, so
     * ‖Y‖ = r needs ‖θ‖ ≥ √L (r/‖X‖_F)^(1/L); and d‖θ‖/dt = −L‖θ‖^(L−1)L0(θ̄) ≤ L·s*_unit·‖θ‖^(L−1) (for the
     * localized loss, and for the squared error too, whose extra term (2/N)‖Y‖² only slows the norm). Hence
     * t1(r) − t0 ≥ timeToNorm(r0, √L(r/‖X‖_F)^(1/L), s*, L), with s* the optimal √L-sphere speed. The printed
     * bound drops ‖X‖_F (i.e. takes ‖X‖_F = 1) and uses s for s_unit. Returns 0 when r0 is already beyond.
     */
    public static double escapeTimeLowerBound(double r0, double r, double sStar, int depth, double normX) {
        double r1 = Math.sqrt(depth) * Math.pow(r / normX, 1.0 / depth);
        if (r1 <= r0) return 0;
        return timeToNorm(r0, r1, sStar, depth);
    }

    /**
     * Proposition A.1 in normalised time: d log‖θ‖/dq = −L·L0(θ̄) = L·s_unit(θ̄), for the unit-sphere speed of the current
     * direction (not only an escape direction): how the reduced model accumulates the norm from the speed.
     */
    public static double logNormRate(double sUnit, int depth) {
        return depth * sUnit;
    }

    /**
     * The norm R at which the localized loss of a direction with unit-sphere speed s_unit has fallen by a fraction f of
     * C(0): R^L·s_unit = f·C(0). For a start aligned with an escape direction the first-order loss drop reaches f·C(0) there.
     */
    public static double alignedDropNorm(double f, double c0, double sUnit, int depth) {
        return Math.pow(f * c0 / sUnit, 1.0 / depth);
    }
}
