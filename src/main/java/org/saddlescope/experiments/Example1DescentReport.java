package org.saddlescope.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.escape.Example1;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.report.Figures;
import org.saddlescope.report.Panel;
import org.saddlescope.report.HtmlReport;
import org.saddlescope.runs.RunFolder;

/** reproduce example1-gd's folder: runs.csv, summary.csv|md (basin fractions with Wilson 95% intervals), a figure, report.html. */
public final class Example1DescentReport {
    private Example1DescentReport() {}

    public static List<String> write(RunFolder folder, List<Example1Descent.Run> runs, Example1Descent.Settings s) {
        try (CsvWriter w = new CsvWriter(folder.path("runs.csv"), new String[] {"width", "init_scale", "seed", "onset_step", "speed_at_onset",
                "tail_ratio_w1_learned", "polished_speed", "basin"}, false)) {
            for (Example1Descent.Run r : runs) w.row(r.width(), r.initScale(), r.seed(), r.onsetStep(), r.speedAtOnset(), r.tailW1(), r.polishedSpeed(), r.basin());
        }
        Map<String, List<Example1Descent.Run>> groups = new LinkedHashMap<>();
        for (Example1Descent.Run r : runs) groups.computeIfAbsent(r.width() + " " + r.initScale(), k -> new ArrayList<>()).add(r);
        List<String> lines = new ArrayList<>();
        StringBuilder md = new StringBuilder("# Which optimum gradient descent escapes along on Example 1\n\nFull-batch GD, lr = ")
                .append(s.lr()).append("/||theta||, depth 3; at the escape's onset (loss 1% below C(0)) the direction's speed on the sqrt(L) sphere, ")
                .append("then the stationary point projected gradient flow on the sphere leads to from it (kink polish included). ")
                .append("Rank-two optimum 1/2, rank-one optimum sqrt(2)-1 = 0.4142. Fractions with Wilson 95% intervals.\n\n")
                .append("| width | init scale | runs | rank-two (1/2) | rank-one (sqrt2-1) | other | speed at onset: median [min, max] | W_1 learned tail ratio: median |\n")
                .append("|---:|---:|---:|---|---|---:|---|---:|\n");
        try (CsvWriter w = new CsvWriter(folder.path("summary.csv"), new String[] {"width", "init_scale", "runs", "rank_two", "rank_two_low",
                "rank_two_high", "rank_one", "rank_one_low", "rank_one_high", "other", "median_speed_at_onset", "median_tail_w1"}, false)) {
            for (List<Example1Descent.Run> g : groups.values()) {
                int n = g.size(), two = count(g, "rank-two"), one = count(g, "rank-one"), other = n - two - one;
                double[] c2 = RealRunBenchmark.wilson(two, n), c1 = RealRunBenchmark.wilson(one, n);
                double[] sp = g.stream().mapToDouble(Example1Descent.Run::speedAtOnset).filter(Double::isFinite).sorted().toArray();
                double[] tw = g.stream().mapToDouble(Example1Descent.Run::tailW1).filter(Double::isFinite).sorted().toArray();
                Example1Descent.Run r0 = g.get(0);
                w.row(r0.width(), r0.initScale(), n, (double) two / n, c2[0], c2[1], (double) one / n, c1[0], c1[1], other,
                        median(sp), median(tw));
                String line = String.format(Locale.ROOT, "| %d | %.0e | %d | %.2f [%.2f, %.2f] | %.2f [%.2f, %.2f] | %d | %.3f [%.3f, %.3f] | %.3f |",
                        r0.width(), r0.initScale(), n, (double) two / n, c2[0], c2[1], (double) one / n, c1[0], c1[1], other, median(sp),
                        sp.length == 0 ? Double.NaN : sp[0], sp.length == 0 ? Double.NaN : sp[sp.length - 1], median(tw));
                md.append(line).append('\n');
                lines.add(line);
            }
        }
        folder.writeText("summary.md", md.toString());
        figure(folder, runs);
        HtmlReport html = new HtmlReport(folder.root()).title("saddlescope reproduce example1-gd");
        for (String l : lines) html.note(l);
        html.write();
        return lines;
    }

    private static void figure(RunFolder folder, List<Example1Descent.Run> runs) {
        double[] x = runs.stream().mapToDouble(Example1Descent.Run::initScale).toArray();
        double[] y = runs.stream().mapToDouble(Example1Descent.Run::speedAtOnset).toArray();
        double[] z = runs.stream().mapToDouble(Example1Descent.Run::polishedSpeed).toArray();
        double lo = 0.5 * java.util.Arrays.stream(x).min().orElse(1e-4), hi = 2 * java.util.Arrays.stream(x).max().orElse(1);
        Panel p = Figures.panel("Example 1: speed of the direction gradient descent escapes along", "initial scale σ0", "speed (√L sphere)").logX()
                .scatter("at the onset", x, y).scatter("after the flow on the sphere (stationary point)", x, z)
                .dashed("rank-two optimum 1/2", new double[] {lo, hi}, new double[] {Example1.RANK_TWO_SPEED, Example1.RANK_TWO_SPEED})
                .dashed("rank-one optimum √2 − 1", new double[] {lo, hi}, new double[] {Example1.RANK_ONE_SPEED, Example1.RANK_ONE_SPEED});
        Figures.save(p, folder.figures(), "example1_gd");
    }

    private static int count(List<Example1Descent.Run> g, String prefix) {
        int n = 0;
        for (Example1Descent.Run r : g) if (r.basin().startsWith(prefix)) n++;
        return n;
    }

    private static double median(double[] sorted) {
        return sorted.length == 0 ? Double.NaN : DetectorBenchmark.quantile(sorted, 0.5);
    }
}
