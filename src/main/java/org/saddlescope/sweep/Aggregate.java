package org.saddlescope.sweep;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.IntervalUtils;

/**
 * Summaries of one result over the seeds of a grid point: the mean of a number with its Student-t interval
 * (mean ± t_{n−1} · sd/√n), and the fraction of a yes/no outcome with its Wilson score interval (which stays inside
 * [0, 1] and is not degenerate at 0 or n successes, unlike the normal approximation).
 */
public final class Aggregate {
    private Aggregate() {}

    /** n finite values: mean, sample standard deviation, interval (NaN bounds when n &lt; 2). */
    public record Mean(int n, double mean, double sd, double low, double high) {
        /** "[low, high]" in {@code format} (e.g. "%.3g"), or what there is instead: "n/a (1 seed)", "n/a (no runs)". */
        public String interval(String format) {
            return n == 0 ? "n/a (no runs)" : Aggregate.interval(low, high, format);
        }
    }

    /** "[low, high]" in {@code format}; "n/a (1 seed)" when the bounds are not numbers (one value has no interval). */
    public static String interval(double low, double high, String format) {
        if (!Double.isFinite(low) || !Double.isFinite(high)) return "n/a (1 seed)";
        return String.format(java.util.Locale.ROOT, "[" + format + ", " + format + "]", low, high);
    }

    /** successes of n: fraction and Wilson interval. */
    public record Fraction(int n, int successes, double fraction, double low, double high) { }

    public static Mean mean(double[] values, double confidence) {
        int n = 0;
        double sum = 0;
        for (double v : values) if (Double.isFinite(v)) { sum += v; n++; }
        if (n == 0) return new Mean(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        double mean = sum / n, ss = 0;
        for (double v : values) if (Double.isFinite(v)) ss += (v - mean) * (v - mean);
        if (n < 2) return new Mean(n, mean, Double.NaN, Double.NaN, Double.NaN);
        double sd = Math.sqrt(ss / (n - 1));
        double half = new TDistribution(n - 1).inverseCumulativeProbability(0.5 + confidence / 2) * sd / Math.sqrt(n);
        return new Mean(n, mean, sd, mean - half, mean + half);
    }

    public static Fraction fraction(int successes, int n, double confidence) {
        if (n == 0) return new Fraction(0, 0, Double.NaN, Double.NaN, Double.NaN);
        ConfidenceInterval ci = IntervalUtils.getWilsonScoreInterval(n, successes, confidence);
        // at 0 (n) successes the lower (upper) bound is 0 (1) exactly; commons-math's formula leaves a rounding error
        double low = successes == 0 ? 0 : ci.getLowerBound(), high = successes == n ? 1 : ci.getUpperBound();
        return new Fraction(n, successes, (double) successes / n, low, high);
    }
}
