package org.saddlescope.spectra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The depth-trend test against exact permutation counts and a hand-computed t-interval. */
class LowRankByDepthTest {

    @Test
    void exactPermutationPValues() {
        // strictly falling over 6 layers: only the identity order reaches ρ = −1, so p = 1/6! = 1/720
        LowRankByDepth.Trend t = LowRankByDepth.trend(new double[] {0.6, 0.5, 0.4, 0.3, 0.2, 0.1});
        // 1e-15: ρ and the p-values are ratios of small integers computed in a few float64 operations (ulps of 1 are 2.2e-16)
        assertEquals(-1.0, t.rho(), 1e-15);
        assertEquals(1.0 / 720, t.pFalls(), 1e-15);
        assertEquals(1.0, t.pRises(), 1e-15);
        // [5,4,3,1,2]: Σd² = 38, ρ = 1 − 6·38/120 = −0.9; ρ ≤ −0.9 for the reversal and its 4 adjacent swaps: 5/120
        LowRankByDepth.Trend u = LowRankByDepth.trend(new double[] {5, 4, 3, 1, 2});
        assertEquals(-0.9, u.rho(), 1e-15);
        assertEquals(5.0 / 120, u.pFalls(), 1e-15);
        assertTrue(u.verdict(0.05).startsWith("falls with depth"), u.verdict(0.05));
        assertTrue(u.verdict(0.01).startsWith("no significant trend"), u.verdict(0.01));
        assertTrue(Double.isNaN(LowRankByDepth.trend(new double[] {1, 1, 1, 1}).rho()));
        // ten layers: Monte Carlo, the data's own order counted, p ≥ 1/200001 and far below 0.05 for a monotone rise
        LowRankByDepth.Trend m = LowRankByDepth.trend(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        assertTrue(m.pRises() > 0 && m.pRises() < 1e-4, "p = " + m.pRises());
    }

    @Test
    void tIntervalOverSeeds() {
        // mean −0.5, sd 0.2, se 0.2/√3, t_{0.975, 2} = 4.302653
        LowRankByDepth.OverSeeds o = LowRankByDepth.overSeeds(List.of(-0.5, -0.3, -0.7), 0.95);
        double half = 4.302652729749464 * 0.2 / Math.sqrt(3);
        assertEquals(-0.5, o.meanRho(), 1e-15);
        // 1e-9: commons-math inverts the t distribution to an absolute accuracy of 1e-9 (TDistribution's default)
        assertEquals(-0.5 - half, o.low(), 1e-9);
        assertEquals(-0.5 + half, o.high(), 1e-9);
        assertTrue(o.verdict().startsWith("falls with depth"), o.verdict());
        assertTrue(LowRankByDepth.overSeeds(List.of(-0.5), 0.95).verdict().startsWith("one seed"));
    }
}
