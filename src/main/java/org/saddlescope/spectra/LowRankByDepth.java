package org.saddlescope.spectra;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.TDistribution;
import org.saddlescope.random.RandomStreams;

/**
 * The paper's claim "deeper layers are closer to rank one" (section 3.3, Theorem 3.1) as a test with a p-value,
 * not a sign. Within one run: Spearman's ρ between layer index and a per-layer rank measure (the tail ratio of the
 * learned part W_ℓ − W_ℓ(0), so that the untrained initial weights, whose share differs between layers of different
 * shapes, cannot make the trend), with the exact permutation p-value of ρ under the null "no order in depth"
 * (all L! orders of the layers equally likely; Monte Carlo with 200,000 orders above L = 8). Over seeds: the mean
 * ρ with its Student-t interval. One-sided alternatives in both directions are reported: "falls" (ρ < 0) and "rises".
 */
public final class LowRankByDepth {
    private LowRankByDepth() {}

    /** ρ with its one-sided permutation p-values: pFalls = P(ρ_perm ≤ ρ), pRises = P(ρ_perm ≥ ρ). */
    public record Trend(int layers, double rho, double pFalls, double pRises) {
        public String verdict(double alpha) {
            if (Double.isNaN(rho)) return "no test (constant or fewer than 3 layers)";
            if (pFalls < alpha) return String.format(Locale.ROOT, "falls with depth (Spearman rho = %.2f, one-sided permutation p = %.3g, %d layers)", rho, pFalls, layers);
            if (pRises < alpha) return String.format(Locale.ROOT, "rises with depth (Spearman rho = %.2f, one-sided permutation p = %.3g, %d layers)", rho, pRises, layers);
            return String.format(Locale.ROOT, "no significant trend with depth (Spearman rho = %.2f; p = %.3g for falling, %.3g for rising; %d layers)",
                    rho, pFalls, pRises, layers);
        }
    }

    /** Over seeds: mean ρ and its two-sided t-interval (NaN with fewer than two seeds). */
    public record OverSeeds(int seeds, double meanRho, double low, double high, double confidence) {
        public String verdict() {
            if (seeds < 2) return "one seed: no interval over seeds (see the within-run permutation test)";
            String ci = String.format(Locale.ROOT, "mean Spearman rho = %.2f, %.0f%% t-interval [%.2f, %.2f] over %d seeds",
                    meanRho, 100 * confidence, low, high, seeds);
            if (high < 0) return "falls with depth: " + ci;
            if (low > 0) return "rises with depth: " + ci;
            return "no significant trend with depth: " + ci;
        }
    }

    /** The trend of values against their position (layer order) in one run. */
    public static Trend trend(double[] values) {
        int n = values.length;
        double[] depth = new double[n];
        for (int i = 0; i < n; i++) depth[i] = i + 1;
        double rho = spearman(depth, values);
        if (n < 3 || Double.isNaN(rho)) return new Trend(n, Double.NaN, Double.NaN, Double.NaN);
        long le = 0, ge = 0, total = 0;
        double eps = 1e-12;
        if (n <= 8) {
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) perm[i] = i;
            do {
                double r = spearman(depth, permute(values, perm));
                if (r <= rho + eps) le++;
                if (r >= rho - eps) ge++;
                total++;
            } while (nextPermutation(perm));
        } else {
            SplittableRandom rng = RandomStreams.of(0).stream("permutation-test"); // fixed: the p-value is a function of the data
            double[] v = values.clone();
            for (int k = 0; k < 200_000; k++) {
                for (int i = n - 1; i > 0; i--) { int j = rng.nextInt(i + 1); double t = v[i]; v[i] = v[j]; v[j] = t; }
                double r = spearman(depth, v);
                if (r <= rho + eps) le++;
                if (r >= rho - eps) ge++;
                total++;
            }
        }
        if (n <= 8) return new Trend(n, rho, (double) le / total, (double) ge / total);
        return new Trend(n, rho, (le + 1.0) / (total + 1), (ge + 1.0) / (total + 1)); // Monte Carlo: count the data's own order
    }

    /** Mean of per-seed ρ with a two-sided Student-t interval at the given confidence. */
    public static OverSeeds overSeeds(List<Double> rhos, double confidence) {
        List<Double> v = new ArrayList<>();
        for (Double r : rhos) if (r != null && !Double.isNaN(r)) v.add(r);
        int n = v.size();
        if (n == 0) return new OverSeeds(0, Double.NaN, Double.NaN, Double.NaN, confidence);
        double mean = 0;
        for (double r : v) mean += r;
        mean /= n;
        if (n < 2) return new OverSeeds(1, mean, Double.NaN, Double.NaN, confidence);
        double ss = 0;
        for (double r : v) ss += (r - mean) * (r - mean);
        double se = Math.sqrt(ss / (n - 1) / n);
        double t = new TDistribution(n - 1).inverseCumulativeProbability(0.5 + confidence / 2);
        return new OverSeeds(n, mean, mean - t * se, mean + t * se, confidence);
    }

    private static double[] permute(double[] v, int[] p) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[p[i]];
        return out;
    }

    /** Next permutation in lexicographic order; false after the last. */
    private static boolean nextPermutation(int[] a) {
        int i = a.length - 2;
        while (i >= 0 && a[i] >= a[i + 1]) i--;
        if (i < 0) return false;
        int j = a.length - 1;
        while (a[j] <= a[i]) j--;
        int t = a[i]; a[i] = a[j]; a[j] = t;
        for (int l = i + 1, r = a.length - 1; l < r; l++, r--) { t = a[l]; a[l] = a[r]; a[r] = t; }
        return true;
    }

    /** Spearman rank correlation (average ranks for ties); NaN for fewer than two points or a constant input. */
    public static double spearman(double[] x, double[] y) {
        int n = x.length;
        if (n < 2) return Double.NaN;
        double[] rx = ranks(x), ry = ranks(y);
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += rx[i]; my += ry[i]; }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    private static double[] ranks(double[] v) {
        int n = v.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[n];
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && v[idx[j + 1]] == v[idx[i]]) j++;
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) r[idx[k]] = avg;
            i = j + 1;
        }
        return r;
    }
}
