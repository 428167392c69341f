package org.saddlescope.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training subsets: the first n samples, a uniform random subset, or a random subset stratified by class. Random
 * subsets draw from the generator the caller passes (a run's {@code RandomStreams.stream("subset", split)}).
 */
public final class Subsets {
    private Subsets() {}

    public enum Kind { FIRST, RANDOM, STRATIFIED;
        public static Kind parse(String s) {
            switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "first": case "head": return FIRST;
                case "random": return RANDOM;
                case "stratified": return STRATIFIED;
                default: throw new IllegalArgumentException("unknown subset kind '" + s + "' (use first, random or stratified)");
            }
        }
    }

    /** n samples chosen as {@code kind} says; the whole set (same object) when n equals its size or n ≤ 0; more than it has is refused. */
    public static Dataset subset(Dataset d, int n, Kind kind, SplittableRandom rng) {
        if (n > d.size()) {
            throw new IllegalArgumentException("subset of " + n + " samples, but " + d.name() + " has only " + d.size());
        }
        if (n <= 0 || n == d.size()) return d;
        int[] idx;
        switch (kind) {
            case FIRST: return d.head(n);
            case RANDOM: idx = randomIndices(d.size(), n, rng); break;
            default:
                if (!d.hasLabels()) throw new IllegalArgumentException("a stratified subset needs class labels; " + d.name() + " has none");
                idx = stratifiedIndices(d.labels(), d.numClasses(), n, rng);
        }
        return d.select(idx, d.name() + "[" + kind.name().toLowerCase(java.util.Locale.ROOT) + " " + n + "]");
    }

    /** n distinct indices of [0, size), in increasing order (the data keeps its original order). */
    public static int[] randomIndices(int size, int n, SplittableRandom rng) {
        int[] perm = permutation(size, rng);
        int[] idx = Arrays.copyOf(perm, n);
        Arrays.sort(idx);
        return idx;
    }

    /**
     * n indices with each class represented in proportion to its frequency (largest-remainder rounding, ties to
     * the smaller class index), chosen uniformly within each class, in increasing order.
     */
    public static int[] stratifiedIndices(int[] labels, int numClasses, int n, SplittableRandom rng) {
        int size = labels.length;
        int[] count = new int[numClasses];
        for (int l : labels) count[l]++;
        int[] quota = new int[numClasses];
        double[] rem = new double[numClasses];
        int assigned = 0;
        for (int c = 0; c < numClasses; c++) {
            double exact = (double) n * count[c] / size;
            quota[c] = (int) Math.floor(exact);
            rem[c] = exact - quota[c];
            assigned += quota[c];
        }
        while (assigned < n) {
            int best = -1;
            for (int c = 0; c < numClasses; c++) {
                if (quota[c] < count[c] && (best < 0 || rem[c] > rem[best])) best = c;
            }
            quota[best]++;
            rem[best] = -1;
            assigned++;
        }
        int[] perm = permutation(size, rng);
        List<Integer> chosen = new ArrayList<>(n);
        int[] taken = new int[numClasses];
        for (int k : perm) {
            int c = labels[k];
            if (taken[c] < quota[c]) { taken[c]++; chosen.add(k); }
        }
        int[] idx = chosen.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(idx);
        return idx;
    }

    /** Fisher–Yates permutation of [0, size). */
    public static int[] permutation(int size, SplittableRandom rng) {
        int[] p = new int[size];
        for (int i = 0; i < size; i++) p[i] = i;
        for (int i = size - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }
}
