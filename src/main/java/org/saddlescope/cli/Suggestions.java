package org.saddlescope.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** The names nearest a mistyped one, by optimal string alignment distance (an edit or a swap of neighbours costs 1). */
final class Suggestions {
    private Suggestions() {}

    /**
     * At most {@code limit} of {@code names} within distance max(1, length/4) of {@code typed} (so "--lr-pwer" finds
     * "--lr-power", "trian" finds "train", a short word only its one-edit neighbours), nearest first, then by name.
     */
    static List<String> nearest(String typed, Collection<String> names, int limit) {
        int bound = Math.max(1, typed.replaceFirst("^-+", "").length() / 4);
        List<String> out = new ArrayList<>();
        for (String n : names) if (!n.equals(typed) && distance(typed, n) <= bound) out.add(n);
        out.sort(Comparator.comparingInt((String n) -> distance(typed, n)).thenComparing(Comparator.naturalOrder()));
        return out.subList(0, Math.min(limit, out.size()));
    }

    /** Levenshtein distance with adjacent transpositions (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
