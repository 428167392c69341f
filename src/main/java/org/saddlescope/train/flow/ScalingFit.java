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

    /** Each group's (seed's) own power-law fit log τ = a_g + k_g log ε, with its t-interval; keyed by group. */
    public static java.util.Map<Long, Fit> powerLawPerGroup(double[] eps, double[] tau, long[] group, double confidence) {
        java.util.Map<Long, java.util.List<Integer>> idx = new java.util.TreeMap<>();
        for (int i = 0; i < eps.length; i++) idx.computeIfAbsent(group[i], k -> new java.util.ArrayList<>()).add(i);
        java.util.Map<Long, Fit> out = new java.util.TreeMap<>();
        for (var e : idx.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(i -> eps[i]).toArray();
            double[] y = e.getValue().stream().mapToDouble(i -> tau[i]).toArray();
            out.put(e.getKey(), powerLaw(x, y, confidence));
        }
        return out;
    }

    /**
     * Local slopes Δlog τ/Δlog ε between consecutive distinct ε, of the geometric mean of τ over the points at each ε,
     * ordered from the largest ε to the smallest: rows {geometric mid-point of the two ε, slope}. If the law holds only
     * asymptotically, these drift towards the exponent as ε shrinks, and a single fit over the whole range is biased.
     */
    public static double[][] localSlopes(double[] eps, double[] tau) {
        java.util.TreeMap<Double, double[]> byEps = new java.util.TreeMap<>(java.util.Comparator.reverseOrder()); // ε → {Σ log τ, n}
        for (int i = 0; i < eps.length; i++) {
            if (!(eps[i] > 0 && tau[i] > 0 && Double.isFinite(tau[i]))) continue;
            double[] a = byEps.computeIfAbsent(eps[i], k -> new double[2]);
            a[0] += Math.log(tau[i]);
            a[1]++;
        }
        java.util.List<double[]> rows = new java.util.ArrayList<>();
        Double prevE = null;
        double prevLog = 0;
        for (var e : byEps.entrySet()) {
            double logTau = e.getValue()[0] / e.getValue()[1];
            if (prevE != null) {
                rows.add(new double[] {Math.sqrt(prevE * e.getKey()), (logTau - prevLog) / (Math.log(e.getKey()) - Math.log(prevE))});
            }
            prevE = e.getKey();
            prevLog = logTau;
        }
        return rows.toArray(new double[0][]);
    }

    /** How a fitted exponent stands against a predicted one. */
    public enum Verdict {
        /** the within-seed interval and every per-seed interval cover the prediction */
        CONSISTENT,
        /** some interval excludes it, but the local slopes approach it as ε shrinks and the last is within tolerance */
        PRE_ASYMPTOTIC,
        /** too few points for an interval */
        UNDERPOWERED,
        /** none of the above */
        INCONSISTENT
    }

    /** Local slopes count as having reached the prediction within max(0.05, 2%·|predicted|). */
    public static double asymptoticTolerance(double predicted) {
        return Math.max(0.05, 0.02 * Math.abs(predicted));
    }

    /**
     * The verdict of {@link Verdict}; {@code within} is the fit with one prefactor per seed ({@link #powerLawWithin}),
     * {@code perSeed} each seed's own fit, {@code local} the local slopes (largest ε first).
     */
    public static Verdict verdict(Fit within, java.util.Collection<Fit> perSeed, double[][] local, double predicted) {
        if (within == null || Double.isNaN(within.halfWidth())) return Verdict.UNDERPOWERED;
        boolean all = within.covers(predicted);
        for (Fit f : perSeed) if (!Double.isNaN(f.halfWidth()) && !f.covers(predicted)) all = false;
        if (all) return Verdict.CONSISTENT;
        if (local.length >= 2) {
            boolean approaching = true;
            for (int i = 1; i < local.length; i++) {
                if (Math.abs(local[i][1] - predicted) > Math.abs(local[i - 1][1] - predicted) + 1e-12) approaching = false;
            }
            if (approaching && Math.abs(local[local.length - 1][1] - predicted) <= asymptoticTolerance(predicted)) return Verdict.PRE_ASYMPTOTIC;
        }
        return Verdict.INCONSISTENT;
    }
}
