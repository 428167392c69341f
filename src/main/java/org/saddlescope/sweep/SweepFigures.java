package org.saddlescope.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.saddlescope.report.Figures;
import org.saddlescope.report.Panel;

/**
 * Every figure {@code sweep collect} draws, in one place, through the report package's Figures (escape time against ε
 * is EscapeSweep's figure, shared with {@code reproduce escape-times}).
 */
final class SweepFigures {
    private SweepFigures() {}

    /**
     * Figure 2 (right) with error bars: per group of the other axes, the fraction of runs above √2 − 1 against the
     * hidden width, after pruning and polish and for the paper's PGD alone. Rows: (width, final, pgd or null).
     */
    static void successVsWidth(Path dir, Map<String, List<Object[]>> groups) {
        Panel p = Figures.panel("Runs faster than rank one (Figure 2; Wilson intervals)",
                "hidden width (series offset a little to keep their bars apart)", "fraction of runs with s > √2 − 1").logX().yRange(0, 1.2); // headroom for the legend
        int series = 0, count = 0;
        for (List<Object[]> rows : groups.values()) count += rows.get(0)[2] != null ? 2 : 1;
        for (Map.Entry<String, List<Object[]>> g : groups.entrySet()) {
            String suffix = g.getKey().isEmpty() ? "" : " (" + g.getKey() + ")";
            add(p, "after pruning + polish" + suffix, g.getValue(), 1, dodge(series++, count));
            if (g.getValue().get(0)[2] != null) add(p, "PGD alone" + suffix, g.getValue(), 2, dodge(series++, count));
        }
        Figures.save(p, dir, "success_vs_width");
    }

    /** Factor by which series k of n is shifted on the log width axis, so that bars at the same width stay apart. */
    private static double dodge(int k, int n) {
        return Math.pow(1.06, k - (n - 1) / 2.0);
    }

    private static void add(Panel p, String name, List<Object[]> rows, int column, double shift) {
        int n = rows.size();
        double[] x = new double[n], y = new double[n], lo = new double[n], hi = new double[n];
        for (int i = 0; i < n; i++) {
            Aggregate.Fraction f = (Aggregate.Fraction) rows.get(i)[column];
            x[i] = shift * ((Number) YamlValues.normalize(rows.get(i)[0])).doubleValue();
            y[i] = f.fraction();
            lo[i] = f.low();
            hi[i] = f.high();
        }
        p.series(name, x, y, Panel.Style.LINE_MARKERS, null).errorBars(name, x, lo, hi);
    }

    /**
     * Plateaus and low rank against depth L: plateau count (mean over seeds, t-intervals), mean tail ratio of the
     * layers after the first escape and at the end, and the tail ratio of each layer ℓ at the end, one line per L.
     * Rows: (L, plateaus, tail end, tail after first escape, tail by layer at the end).
     */
    static void byDepth(Path dir, Map<String, List<Object[]>> groups) {
        Panel plateaus = Figures.panel("Plateaus detected", "depth L", "plateaus (mean over seeds)");
        Panel tails = Figures.panel("Tail ratio of W_ℓ, mean over layers", "depth L", "Σ_{i≥2} s_i² / Σ s_i²");
        Panel layers = Figures.panel("Tail ratio by layer at the end", "layer ℓ", "Σ_{i≥2} s_i² / Σ s_i²");
        for (Map.Entry<String, List<Object[]>> g : groups.entrySet()) {
            String suffix = g.getKey().isEmpty() ? "" : " (" + g.getKey() + ")";
            List<Object[]> rows = g.getValue();
            means(plateaus, "plateaus" + suffix, rows, 1);
            means(tails, "at the end" + suffix, rows, 2);
            means(tails, "after the first escape" + suffix, rows, 3);
            for (Object[] r : rows) {
                double[] byLayer = (double[]) r[4];
                double[] l = new double[byLayer.length];
                for (int i = 0; i < l.length; i++) l[i] = i + 1;
                layers.series("L=" + r[0] + suffix, l, byLayer, Panel.Style.LINE_MARKERS, null);
            }
        }
        Figures.grid("Plateaus and low rank against depth", new ArrayList<>(List.of(plateaus, tails, layers)), 3, dir, "plateaus_by_depth");
    }

    private static void means(Panel p, String name, List<Object[]> rows, int column) {
        int n = rows.size();
        double[] x = new double[n], y = new double[n], lo = new double[n], hi = new double[n];
        for (int i = 0; i < n; i++) {
            Aggregate.Mean m = (Aggregate.Mean) rows.get(i)[column];
            x[i] = ((Number) rows.get(i)[0]).doubleValue();
            y[i] = m.mean();
            lo[i] = m.low();
            hi[i] = m.high();
        }
        p.series(name, x, y, Panel.Style.LINE_MARKERS, null).errorBars(name, x, lo, hi);
    }
}
