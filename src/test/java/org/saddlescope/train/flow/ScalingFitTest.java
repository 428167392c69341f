package org.saddlescope.train.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Exponent fits on synthetic escape times where the answer is known. */
class ScalingFitTest {
    static final double[] EPS = {1e-1, 3e-2, 1e-2, 3e-3, 1e-3};

    @Test
    void exactPowerLawGivesTheExponentWithAZeroWidthInterval() {
        double[] tau = new double[EPS.length];
        for (int i = 0; i < EPS.length; i++) tau[i] = 2.5 * Math.pow(EPS[i], -3);
        ScalingFit.Fit f = ScalingFit.powerLaw(EPS, tau, 0.95);
        // 1e-12 and 1e-10: a least-squares fit of exact power-law data in float64; the intercept carries the log of ε ~ 1e-3,
        // so its rounding is larger
        assertEquals(-3, f.slope(), 1e-12);
        assertEquals(Math.log(2.5), f.intercept(), 1e-10);
        // the residual sum of squares comes from updating sums (cancellation ~1e-16 relative), its root ~1e-8
        assertEquals(0, f.halfWidth(), 1e-6);
    }

    @Test
    void logarithmicLawForTwoSmallLayers() {
        double[] tau = new double[EPS.length];
        for (int i = 0; i < EPS.length; i++) tau[i] = 0.7 + 1.3 * Math.log(1 / EPS[i]);
        ScalingFit.Fit f = ScalingFit.logLaw(EPS, tau, 0.95);
        // 1e-12: a least-squares fit of exact data (a handful of points of order one) in float64
        assertEquals(1.3, f.slope(), 1e-12);
        assertEquals(0.7, f.intercept(), 1e-12);
    }

    @Test
    void confidenceIntervalsCoverTheTruthAtTheirLevel() {
        // log-normal noise (σ = 0.1) on τ = ε^(−2), 3 seeds per ε as a sweep has them; over 2000 synthetic sweeps
        // the 95% t-interval must cover −2 in 95% ± 1.5% of them (binomial sd of the rate is 0.5%: 3 sd).
        SplittableRandom rng = new SplittableRandom(17);
        int trials = 2000, covered = 0;
        double[] eps = new double[EPS.length * 3], tau = new double[eps.length];
        for (int trial = 0; trial < trials; trial++) {
            for (int i = 0; i < eps.length; i++) {
                eps[i] = EPS[i / 3];
                tau[i] = Math.pow(eps[i], -2) * Math.exp(0.1 * rng.nextGaussian());
            }
            if (ScalingFit.powerLaw(eps, tau, 0.95).covers(-2)) covered++;
        }
        double rate = (double) covered / trials;
        assertTrue(Math.abs(rate - 0.95) < 0.015, "coverage " + rate);
    }

    @Test
    void nonFiniteEscapeTimesAreLeftOut() {
        double[] tau = {10, 100, Double.NaN, 10000, 100000};
        ScalingFit.Fit f = ScalingFit.powerLaw(new double[] {1e-1, 1e-2, 1e-3, 1e-4, 1e-5}, tau, 0.9);
        assertEquals(4, f.n());
        assertEquals(-1, f.slope(), 1e-12);
    }

    @Test
    void perSeedInterceptsRemoveThePrefactorSpread() {
        // τ = C_seed·ε^(−2) with C_seed spread over two decades and small noise: the pooled fit's interval is wide,
        // the within-seed fit recovers −2 tightly; and its 95% interval covers −2 at its level over many sweeps.
        SplittableRandom rng = new SplittableRandom(5);
        int trials = 2000, covered = 0;
        double widthPooled = 0, widthWithin = 0;
        double[] eps = new double[EPS.length * 3], tau = new double[eps.length];
        long[] seed = new long[eps.length];
        for (int trial = 0; trial < trials; trial++) {
            double[] c = {Math.exp(3 * rng.nextGaussian()), Math.exp(3 * rng.nextGaussian()), Math.exp(3 * rng.nextGaussian())};
            for (int i = 0; i < eps.length; i++) {
                eps[i] = EPS[i / 3];
                seed[i] = i % 3;
                tau[i] = c[i % 3] * Math.pow(eps[i], -2) * Math.exp(0.05 * rng.nextGaussian());
            }
            ScalingFit.Fit w = ScalingFit.powerLawWithin(eps, tau, seed, 0.95);
            if (w.covers(-2)) covered++;
            widthWithin += w.halfWidth();
            widthPooled += ScalingFit.powerLaw(eps, tau, 0.95).halfWidth();
        }
        double rate = (double) covered / trials;
        assertTrue(Math.abs(rate - 0.95) < 0.015, "coverage " + rate);
        assertTrue(widthWithin < 0.1 * widthPooled, "within " + widthWithin / trials + " pooled " + widthPooled / trials);
    }

    @Test
    void perSeedExactDataGivesTheExponent() {
        double[] eps = {1e-1, 1e-2, 1e-3, 1e-1, 1e-2, 1e-3};
        long[] seed = {0, 0, 0, 1, 1, 1};
        double[] tau = new double[6];
        for (int i = 0; i < 6; i++) tau[i] = (seed[i] == 0 ? 3 : 300) * Math.pow(eps[i], -3);
        ScalingFit.Fit f = ScalingFit.powerLawWithin(eps, tau, seed, 0.95);
        assertEquals(-3, f.slope(), 1e-12);
        assertEquals(0, f.halfWidth(), 1e-6); // rounding only, as in the pooled exact case
    }

    @Test
    void preAsymptoticCurvatureIsToldApartFromAWrongExponent() {
        // τ = ε^(−2)·(1 + 3ε): the exponent is −2 only as ε → 0. Over ε = 1e-1 … 1e-3 (no noise, three seeds with their own
        // prefactor) every fitted interval is tight and excludes −2, yet the local slopes −1.81, −1.94, −1.98, −1.99 approach
        // it: pre-asymptotic. A true exponent of −1.7 is inconsistent; an exact −2 is consistent.
        int n = EPS.length, seeds = 3;
        double[] eps = new double[n * seeds], curved = new double[eps.length], wrong = new double[eps.length], exact = new double[eps.length];
        long[] seed = new long[eps.length];
        SplittableRandom rng = new SplittableRandom(5);
        for (int s = 0; s < seeds; s++) {
            double c = Math.exp(0.3 * rng.nextGaussian());
            for (int i = 0; i < n; i++) {
                int k = s * n + i;
                eps[k] = EPS[i];
                seed[k] = s;
                curved[k] = c * Math.pow(EPS[i], -2) * (1 + 3 * EPS[i]);
                wrong[k] = c * Math.pow(EPS[i], -1.7) * Math.exp(0.01 * rng.nextGaussian());
                exact[k] = c * Math.pow(EPS[i], -2) * Math.exp(0.01 * rng.nextGaussian());
            }
        }
        assertEquals(ScalingFit.Verdict.PRE_ASYMPTOTIC, verdict(eps, curved, seed, -2));
        assertEquals(ScalingFit.Verdict.INCONSISTENT, verdict(eps, wrong, seed, -2));
        assertEquals(ScalingFit.Verdict.CONSISTENT, verdict(eps, exact, seed, -2));
        double[][] local = ScalingFit.localSlopes(eps, curved);
        assertEquals(4, local.length);
        // between ε = 0.1 and 0.03: Δlog τ/Δlog ε = −2 + log(1.3/1.09)/log(0.1/0.03), exactly (the prefactors cancel in the mean)
        assertEquals(-2 + Math.log(1.3 / 1.09) / Math.log(0.1 / 0.03), local[0][1], 1e-12);
        assertEquals(Math.sqrt(0.1 * 0.03), local[0][0], 1e-15);
        assertTrue(Math.abs(local[3][1] + 2) < 0.01);
        assertEquals(ScalingFit.Verdict.UNDERPOWERED, ScalingFit.verdict(ScalingFit.powerLawWithin(new double[] {0.1, 0.01},
                new double[] {1, 100}, new long[] {0, 0}, 0.95), java.util.List.of(), new double[0][], -2));
    }

    private static ScalingFit.Verdict verdict(double[] eps, double[] tau, long[] seed, double predicted) {
        return ScalingFit.verdict(ScalingFit.powerLawWithin(eps, tau, seed, 0.95), ScalingFit.powerLawPerGroup(eps, tau, seed, 0.95).values(),
                ScalingFit.localSlopes(eps, tau), predicted);
    }
}
