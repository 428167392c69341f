package org.saddlescope.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Theorem 3.1, Proposition 3.4 and the escape-speed normalisations against values worked by hand. */
class ClosedFormsTest {

    @Test
    void theorem31ConstantAndBoundOnAHandMadeCase() {
        // ‖X‖_F = e^{1/2}, ‖G‖_F = 1, s = 1: r = e^{1/2}, log r = 1/2, so c = e^{1/2}·sqrt(1) and c² = e ≈ 2.718.
        double c = Theorem31.c(Math.exp(0.5), 1.0, 1.0);
        assertEquals(Math.exp(0.5), c, 1e-15);
        assertTrue(Double.isNaN(Theorem31.bound(c, 1)), "layer 1 <= c^2: vacuous");
        assertTrue(Double.isNaN(Theorem31.bound(c, 2)), "layer 2 <= c^2: vacuous");
        // layer 3: 8c/(1 − c/√3)/√3 = 8·1.6487212707/(1 − 0.9518898)/1.7320508 = 158.30... (by hand)
        double b3 = 8 * 1.6487212707001282 / (1 - 1.6487212707001282 / 1.7320508075688772) / 1.7320508075688772;
        assertEquals(b3, Theorem31.bound(c, 3), 1e-12 * b3);
        assertEquals(158.3, Theorem31.bound(c, 3), 0.1);
        // large ℓ: bound ~ 8c/√ℓ
        assertEquals(8 * c / 1000 / (1 - c / 1000), Theorem31.bound(c, 1_000_000), 1e-12);
        // Proposition 3.4: 2·(1/2)/(pL) = 1/(pL)
        assertEquals(1.0 / (0.5 * 10), Proposition34.threshold(Math.exp(0.5), 1.0, 1.0, 0.5, 10), 1e-15);
        assertEquals(5.0, Proposition34.guarantee(0.5, 10), 1e-15);
    }

    @Test
    void escapeSpeedNormalisations() {
        // s_unit = s·L^(−L/2): L = 3, s = 1/2 (Example 1's rank-two speed) gives 1/(2·3√3); and back.
        assertEquals(0.5 / (3 * Math.sqrt(3)), EscapeSpeed.unitSpeed(0.5, 3), 1e-16);
        assertEquals(0.5, EscapeSpeed.sphereSpeed(EscapeSpeed.unitSpeed(0.5, 3), 3), 1e-15);
        // −L0(θ)/‖θ‖^L: θ = 2ρ with ‖ρ‖² = L = 3 and L0(ρ) = −s has L0(θ) = −8s and ‖θ‖² = 12.
        assertEquals(EscapeSpeed.unitSpeed(0.5, 3), EscapeSpeed.unitSpeedOfDirection(-8 * 0.5, 12, 3), 1e-16);
    }
}
