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

    /**
     * log τ = a_g + k·log ε with one intercept per group g (a seed): the escape-time law with a prefactor C(θ̂0) that
     * depends on the random direction of θ0, which a seed fixes while ε only scales the small layers. Least squares
     * on the within-group deviations; SE² = (SSR/(n − G − 1))/Σ(x − x̄_g)², t-interval with n − G − 1 degrees of
     * freedom. Groups with fewer than two finite points are dropped. The intercept returned is the mean of the a_g.
     */
    public static Fit powerLawWithin(double[] eps, double[] tau, long[] group, double confidence) {
        java.util.Map<Long, java.util.List<double[]>> g = new java.util.TreeMap<>();
        for (int i = 0; i < eps.length; i++) {
            if (eps[i] > 0 && tau[i] > 0 && Double.isFinite(tau[i])) {
                g.computeIfAbsent(group[i], k -> new java.util.ArrayList<>()).add(new double[] {Math.log(eps[i]), Math.log(tau[i])});
            }
        }
        g.values().removeIf(v -> v.size() < 2);
        int n = 0, groups = g.size();
        double sxx = 0, sxy = 0;
        java.util.List<double[]> means = new java.util.ArrayList<>();
        for (java.util.List<double[]> v : g.values()) {
            double mx = 0, my = 0;
            for (double[] p : v) { mx += p[0]; my += p[1]; }
            mx /= v.size();
            my /= v.size();
            means.add(new double[] {mx, my});
            for (double[] p : v) { sxx += (p[0] - mx) * (p[0] - mx); sxy += (p[0] - mx) * (p[1] - my); }
            n += v.size();
        }
        int df = n - groups - 1;
        if (groups == 0 || sxx == 0) return new Fit(Double.NaN, Double.NaN, Double.NaN, Double.NaN, confidence, n, Double.NaN);
        double k = sxy / sxx;
        double ssr = 0, syy = 0, a = 0;
        int gi = 0;
        for (java.util.List<double[]> v : g.values()) {
            double[] m = means.get(gi++);
            a += m[1] - k * m[0];
            for (double[] p : v) {
                double r = (p[1] - m[1]) - k * (p[0] - m[0]);
                ssr += r * r;
                syy += (p[1] - m[1]) * (p[1] - m[1]);
            }
        }
        if (df < 1) return new Fit(k, a / groups, Double.NaN, Double.NaN, confidence, n, Double.NaN);
        double se = Math.sqrt(ssr / df / sxx);
        double t = new TDistribution(df).inverseCumulativeProbability(0.5 + confidence / 2);
        return new Fit(k, a / groups, se, t * se, confidence, n, syy == 0 ? 1 : 1 - ssr / syy);
    }
}
