package org.saddlescope.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.experiments.EscapeSweep;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.train.flow.GradientFlow;
import org.saddlescope.io.AtomicFiles;

/**
 * {@code sweep collect}: results.csv (one row per point: its axis values, status and the results its kind reads from
 * its folder), aggregates.csv (every result over the seeds of each grid point: mean with its t-interval, or the
 * fraction of a yes/no result with its Wilson interval), summary.md, and the figures of the kind: success fraction
 * against width (example1, Figure 2), escape time against ε with fitted exponents (flow), plateau count and tail
 * ratio against depth (train).
 */
public final class Collect {
    private Collect() {}

    /** What was written, and the summary to print. */
    public record Summary(int done, int failed, int total, String markdown) { }

    /** One row per point, and the aggregates over seeds. */
    public static final String RESULTS = "results.csv";
    public static final String AGGREGATES = "aggregates.csv";

    /** The axis that counts repetitions: aggregates are taken over it. */
    public static final String SEED = "seed";

    /** results.csv, aggregates.csv, summary.md and figures/, written holding the sweep folder's lock. */
    public static Summary run(SweepFolder f, SweepSpec spec, Kind kind) {
        try (org.saddlescope.io.FolderLock held = f.lock("sweep collect")) {
            return collect(f, spec, kind);
        }
    }

    private static Summary collect(SweepFolder f, SweepSpec spec, Kind kind) {
        List<SweepFolder.Entry> entries = f.entries();
        List<String> axes = new ArrayList<>();
        for (Axis a : spec.axes) axes.addAll(a.names());

        // one row per point: results of the finished ones
        List<Map<String, Object>> results = new ArrayList<>();
        Set<String> resultColumns = new LinkedHashSet<>();
        int done = 0, failed = 0;
        for (SweepFolder.Entry e : entries) {
            Map<String, Object> r = e.status() == SweepFolder.Status.DONE ? kind.results(f.pointFolder(e.point().name())) : Map.of();
            if (e.status() == SweepFolder.Status.DONE) done++;
            if (e.status() == SweepFolder.Status.FAILED) failed++;
            resultColumns.addAll(r.keySet());
            results.add(r);
        }
        resultColumns.removeAll(axes);
        List<String> header = new ArrayList<>(List.of("index", "name", "status"));
        header.addAll(axes);
        header.addAll(resultColumns);
        header.addAll(List.of("attempt", "seconds"));
        try (CsvWriter w = new CsvWriter(f.root().resolve(RESULTS), header.toArray(new String[0]), false)) {
            for (int i = 0; i < entries.size(); i++) {
                SweepFolder.Entry e = entries.get(i);
                List<Object> row = new ArrayList<>(List.of(e.point().index(), e.point().name(), e.status().name().toLowerCase(Locale.ROOT)));
                for (String a : axes) row.add(axisCell(e.point().axes().get(a)));
                for (String c : resultColumns) row.add(cell(results.get(i).get(c)));
                row.add(e.state() == null ? null : e.state().attempt());
                row.add(e.state() == null ? null : e.state().seconds());
                w.row(row.toArray());
            }
        }

        // aggregates over seeds
        List<String> groupAxes = new ArrayList<>(axes);
        groupAxes.remove(SEED);
        Map<List<Object>, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).status() != SweepFolder.Status.DONE) continue;
            List<Object> key = new ArrayList<>();
            for (String a : groupAxes) key.add(entries.get(i).point().axes().get(a));
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(results.get(i));
        }
        double conf = spec.collect.confidence();
        List<String> aggHeader = new ArrayList<>(groupAxes);
        aggHeader.addAll(List.of("metric", "n", "mean", "sd", "ci_low", "ci_high", "successes", "interval"));
        try (CsvWriter w = new CsvWriter(f.root().resolve(AGGREGATES), aggHeader.toArray(new String[0]), false)) {
            for (Map.Entry<List<Object>, List<Map<String, Object>>> g : groups.entrySet()) {
                for (String c : resultColumns) {
                    List<Object> row = new ArrayList<>();
                    for (Object k : g.getKey()) row.add(axisCell(k));
                    if (all(g.getValue(), c, Boolean.class)) {
                        Aggregate.Fraction fr = fraction(g.getValue(), c, conf);
                        row.addAll(List.of(c, fr.n(), fr.fraction(), "", fr.low(), fr.high(), fr.successes(), "wilson"));
                    } else if (all(g.getValue(), c, Number.class)) {
                        Aggregate.Mean m = Aggregate.mean(numbers(g.getValue(), c), conf);
                        row.addAll(List.of(c, m.n(), m.mean(), m.sd(), m.low(), m.high(), "", "t"));
                    } else {
                        continue;
                    }
                    w.row(row.toArray());
                }
            }
        }

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# Sweep %s (kind %s)%n%n%d of %d points done, %d failed. results.csv: one row per point; "
                + "aggregates.csv: every result over the seeds of each grid point (%.0f%% t-intervals for means, Wilson for fractions).%n%n",
                spec.name, spec.kind, done, entries.size(), failed, 100 * conf));
        Path figures = f.root().resolve(RunFiles.FIGURES);
        if (axes.contains("width") && resultColumns.contains("success")) md.append(successByWidth(groups, groupAxes, conf, figures));
        if (spec.kind.equals("flow") && resultColumns.contains("loss_escape_t")) md.append(escapeTimes(f, spec, entries, results));
        if (axes.contains("depth") && resultColumns.contains("plateaus")) md.append(byDepth(groups, groupAxes, conf, figures));
        AtomicFiles.writeAtomically(f.root().resolve("summary.md"), md.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new Summary(done, failed, entries.size(), md.toString());
    }

    /** Figure 2 (right): fraction of runs above √2 − 1 against width, after pruning and polish and for PGD alone. */
    static String successByWidth(Map<List<Object>, List<Map<String, Object>>> groups, List<String> groupAxes, double conf, Path figures) {
        int wi = groupAxes.indexOf("width");
        Map<String, List<Object[]>> series = new LinkedHashMap<>(); // label of the other axes → (width, final, pgd)
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "## Success against width (Figure 2): speed above √2 − 1, Wilson %.0f%% intervals%n%n", 100 * conf));
        b.append("| width | other axes | runs | after pruning + polish | CI | PGD alone | CI | at 1/2 |\n|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<List<Object>, List<Map<String, Object>>> g : groups.entrySet()) {
            Object width = g.getKey().get(wi);
            String label = others(groupAxes, g.getKey(), "width");
            Aggregate.Fraction fin = fraction(g.getValue(), "success", conf);
            Aggregate.Fraction pgd = g.getValue().get(0).containsKey("success_pgd") ? fraction(g.getValue(), "success_pgd", conf) : null;
            Aggregate.Fraction half = g.getValue().get(0).containsKey("at_half") ? fraction(g.getValue(), "at_half", conf) : null;
            series.computeIfAbsent(label, k -> new ArrayList<>()).add(new Object[] {width, fin, pgd});
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %.3f | [%.3f, %.3f] | %s | %s | %s |%n", Grid.format(width), label.isEmpty() ? "–" : label,
                    fin.n(), fin.fraction(), fin.low(), fin.high(), pgd == null ? "" : String.format(Locale.ROOT, "%.3f", pgd.fraction()),
                    pgd == null ? "" : String.format(Locale.ROOT, "[%.3f, %.3f]", pgd.low(), pgd.high()), half == null ? "" : half.successes()));
        }
        SweepFigures.successVsWidth(figures, series);
        return b.append("\nFigure: figures/success_vs_width.png|svg.\n\n").toString();
    }

    /** The escape-time exponents of the flow points, exactly as {@code EscapeSweep} fits and writes them. */
    static String escapeTimes(SweepFolder f, SweepSpec spec, List<SweepFolder.Entry> entries, List<Map<String, Object>> results) {
        List<EscapeSweep.Point> points = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).status() != SweepFolder.Status.DONE) continue;
            Map<String, Object> r = results.get(i);
            Object seed = entries.get(i).point().axes().getOrDefault(SEED, entries.get(i).point().config().getOrDefault(SEED, 0));
            points.add(new EscapeSweep.Point(((Number) r.get("depth")).intValue(), ((Number) YamlValues.normalize(r.get("r"))).intValue(),
                    ((Number) YamlValues.normalize(r.get("epsilon"))).doubleValue(), ((Number) YamlValues.normalize(seed)).longValue(),
                    new GradientFlow.Time((double) r.get("loss_escape_t"), (double) r.get("loss_escape_q")),
                    new GradientFlow.Time((double) r.get("output_escape_t"), (double) r.get("output_escape_q")),
                    (String) r.get("stop"), (int) (long) r.get("evaluations"), (int) (long) r.get("forced_steps"), (double) r.get("initial_loss")));
        }
        if (points.isEmpty()) return "";
        String escape = spec.collect.escape(), other = escape.equals("loss") ? "output" : "loss";
        double conf = spec.collect.confidence();
        RunFolder folder = RunFolder.open(f.root());
        List<EscapeSweep.FitRow> fits = EscapeSweep.fit(points, escape, conf);
        EscapeSweep.write(folder, escape, conf, points, fits, "");
        StringBuilder b = new StringBuilder("## Escape time against ε\n\n").append(EscapeSweep.table(fits, conf, escape)).append('\n');
        boolean otherMeasured = points.stream().anyMatch(p -> Double.isFinite(p.tau(other)));
        if (otherMeasured) {
            List<EscapeSweep.FitRow> otherFits = EscapeSweep.fit(points, other, conf);
            EscapeSweep.write(folder, escape, conf, points, otherFits, other);
            b.append(EscapeSweep.table(otherFits, conf, other)).append('\n');
        }
        return b.append("Files: escape_times.csv, fits.csv|json|md, figures/tau_vs_epsilon.png|svg.\n\n").toString();
    }

    /** Plateau count and tail ratio of the layers against depth L (train points), means over seeds. */
    static String byDepth(Map<List<Object>, List<Map<String, Object>>> groups, List<String> groupAxes, double conf, Path figures) {
        int di = groupAxes.indexOf("depth");
        Map<String, List<Object[]>> series = new LinkedHashMap<>();
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "## Plateaus and low rank against depth (means over seeds, %.0f%% t-intervals)%n%n", 100 * conf));
        b.append("| depth L | other axes | runs | plateaus | CI | tail ratio of W_ℓ at the end (mean over ℓ) | CI | after the first escape | CI |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<List<Object>, List<Map<String, Object>>> g : groups.entrySet()) {
            Object depth = g.getKey().get(di);
            String label = others(groupAxes, g.getKey(), "depth");
            Aggregate.Mean pl = Aggregate.mean(numbers(g.getValue(), "plateaus"), conf);
            Aggregate.Mean te = Aggregate.mean(numbers(g.getValue(), "tail_ratio_end_mean"), conf);
            Aggregate.Mean tf = Aggregate.mean(numbers(g.getValue(), "tail_ratio_after_first_escape_mean"), conf);
            int L = ((Number) YamlValues.normalize(depth)).intValue();
            double[] byLayer = new double[L];
            for (int l = 1; l <= L; l++) byLayer[l - 1] = Aggregate.mean(numbers(g.getValue(), "tail_ratio_end_l" + l), conf).mean();
            series.computeIfAbsent(label, k -> new ArrayList<>()).add(new Object[] {L, pl, te, tf, byLayer});
            b.append(String.format(Locale.ROOT, "| %d | %s | %d | %.3g | %s | %.3g | %s | %.3g | %s |%n", L,
                    label.isEmpty() ? "–" : label, pl.n(), pl.mean(), pl.interval("%.3g"), te.mean(), te.interval("%.3g"), tf.mean(), tf.interval("%.3g")));
        }
        SweepFigures.byDepth(figures, series);
        return b.append("\nFigure: figures/plateaus_by_depth.png|svg (tail ratio Σ_{i≥2} s_i²/Σ s_i² of W_ℓ).\n\n").toString();
    }

    /** "lr=0.05,activation=relu": the group's values on the axes other than {@code except}. */
    private static String others(List<String> axes, List<Object> key, String except) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < axes.size(); i++) {
            if (axes.get(i).equals(except)) continue;
            b.append(b.length() > 0 ? "," : "").append(axes.get(i)).append('=').append(Grid.format(key.get(i)));
        }
        return b.toString();
    }

    static Aggregate.Fraction fraction(List<Map<String, Object>> rows, String c, double conf) {
        int n = 0, k = 0;
        for (Map<String, Object> r : rows) {
            if (r.get(c) instanceof Boolean v) {
                n++;
                if (v) k++;
            }
        }
        return Aggregate.fraction(k, n, conf);
    }

    static double[] numbers(List<Map<String, Object>> rows, String c) {
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) v[i] = rows.get(i).get(c) instanceof Number n ? n.doubleValue() : Double.NaN;
        return v;
    }

    /** Whether column c holds values of type t (and nothing else) in at least one row. */
    private static boolean all(List<Map<String, Object>> rows, String c, Class<?> t) {
        boolean any = false;
        for (Map<String, Object> r : rows) {
            Object v = r.get(c);
            if (v == null) continue;
            if (!t.isInstance(v)) return false;
            any = true;
        }
        return any;
    }

    /** Axis values as the point names show them (0.001, 100x100); CsvWriter quotes text that holds a comma. */
    private static Object axisCell(Object v) {
        return v instanceof List<?> || v instanceof Double ? Grid.format(v) : v;
    }

    private static Object cell(Object v) {
        return v instanceof List<?> ? Grid.format(v) : v;
    }
}
