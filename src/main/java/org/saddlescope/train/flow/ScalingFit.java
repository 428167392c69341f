package org.saddlescope.train.flow;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * Least-squares fits of escape-time laws with Student-t confidence intervals (commons-math3
 * {@link SimpleRegression}, n − 2 degrees of freedom): the power law τ = C·ε^k (fit of log τ on log ε, slope k,
 * predicted k = −(r − 2) by the companion paper for r ≥ 2 small layers) and the logarithmic law τ = a + b·log(1/ε)
 * (predicted for r = 2).
 */
public final class ScalingFit {
    private ScalingFit() {}

    /** slope ± halfWidth is the confidence interval at the given level. */
    public record Fit(double slope, double intercept, double standardError, double halfWidth, double confidence,
                      int n, double rSquared) {
        public double low() { return slope - halfWidth; }
        public double high() { return slope + halfWidth; }
        public boolean covers(double value) { return Math.abs(value - slope) <= halfWidth; }
    }

    /** log τ = log C + k·log ε over the finite positive pairs. */
    public static Fit powerLaw(double[] eps, double[] tau, double confidence) {
        SimpleRegression reg = new SimpleRegression(true);
        for (int i = 0; i < eps.length; i++) {
            if (eps[i] > 0 && tau[i] > 0 && Double.isFinite(tau[i])) reg.addData(Math.log(eps[i]), Math.log(tau[i]));
        }
        return fit(reg, confidence);
    }

    /** τ = a + b·log(1/ε) over the finite pairs. */
    public static Fit logLaw(double[] eps, double[] tau, double confidence) {
        SimpleRegression reg = new SimpleRegression(true);
        for (int i = 0; i < eps.length; i++) {
            if (eps[i] > 0 && Double.isFinite(tau[i])) reg.addData(Math.log(1 / eps[i]), tau[i]);
        }
        return fit(reg, confidence);
    }

    private static Fit fit(SimpleRegression reg, double confidence) {
        long n = reg.getN();
        if (n < 3) {
            return new Fit(n == 2 ? reg.getSlope() : Double.NaN, n == 2 ? reg.getIntercept() : Double.NaN, Double.NaN,
                    Double.NaN, confidence, (int) n, Double.NaN);
        }
        double se = reg.getSlopeStdErr();
        // two-sided interval: t_{(1+c)/2, n−2}·SE (what SimpleRegression.getSlopeConfidenceInterval computes, but
        // that method rejects a zero-width fit; exact data must give a zero-width interval here).
        double t = new TDistribution(n - 2).inverseCumulativeProbability(0.5 + confidence / 2);
        return new Fit(reg.getSlope(), reg.getIntercept(), se, t * se, confidence, (int) n, reg.getRSquare());
    }
}
