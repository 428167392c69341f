package org.saddlescope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The saddle-to-saddle figures of a run folder (issue 4, item 5), drawn from its files: spectra.csv,
 * metrics.csv, plateaus.csv, escapes.csv, loss_smoothed.csv and saddles.json.
 * <ul>
 * <li>loss_snapshots — loss over steps with vertical lines at the snapshot steps of layer_spectra (Figure 1 left);</li>
 * <li>loss_plateaus — loss over log-steps with the detected plateaus shaded and the escapes marked;</li>
 * <li>spectra / spectra_log — top-k singular values of each layer over steps, one panel per layer, linear and
 *     log y (Figures 3–6, top rows);</li>
 * <li>layer_spectra — singular values of every layer after the first escape and at the end (Figure 5, third row).</li>
 * </ul>
 */
public final class SpectraFigures {
    private SpectraFigures() {}

    public static List<Figures.Saved> write(Path run) { return write(run, run.resolve("figures")); }

    /** The figures of run folder {@code run}, written into {@code dir}. */
    public static List<Figures.Saved> write(Path run, Path dir) {
        List<Figures.Saved> saved = new ArrayList<>();
        JsonNode saddles = readJson(run.resolve("saddles.json"));
        long firstStep = saddles != null && saddles.has("after_first_escape") ? saddles.get("after_first_escape").get("step").asLong() : -1;
        long endStep = saddles != null && saddles.has("end") ? saddles.get("end").get("step").asLong() : -1;
        Table escapes = readTable(run.resolve("escapes.csv"));
        lossFigures(run, dir, firstStep, endStep, escapes, saved);
        Table spectra = readTable(run.resolve("spectra.csv"));
        if (spectra == null || spectra.rows() == 0) return saved;
        TreeMap<Integer, TreeMap<Integer, List<double[]>>> series = byLayerAndIndex(spectra);
        for (boolean logY : new boolean[] {false, true}) spectraGrid(series, escapes, logY, dir, saved);
        layerSpectra(series, firstStep, endStep, dir, saved);
        return saved;
    }

    /** loss_snapshots (Figure 1 left) and loss_plateaus (plateaus shaded, escapes marked). */
    private static void lossFigures(Path run, Path dir, long firstStep, long endStep, Table escapes, List<Figures.Saved> saved) {
        Table metrics = readTable(run.resolve("metrics.csv"));
        if (metrics == null || !metrics.has("loss")) return;
        double[][] xy = metrics.finitePairs(metrics.timeAxis(), "loss", false, false);
        if (xy[0].length < 2) return;
        Panel p = Figures.panel("Training loss", metrics.timeLabel(), "loss (mean over each logging window)").line("loss", xy[0], xy[1]);
        if (firstStep >= 0) p.vline(firstStep, "after escape 1");
        if (endStep >= 0) p.vline(endStep, "end");
        saved.add(Figures.save(p, dir, "loss_snapshots"));

        double[][] lxy = metrics.finitePairs(metrics.timeAxis(), "loss", true, true);
        Panel q = Figures.panel("Plateaus and escapes", metrics.timeLabel(), "loss").log(true, true).line("loss", lxy[0], lxy[1]);
        Table sm = readTable(run.resolve("loss_smoothed.csv"));
        if (sm != null && sm.rows() >= 2) {
            double[][] s = sm.finitePairs("step", "smoothed_loss", true, true);
            q.dashed("smoothed in log-time", s[0], s[1]);
        }
        Table plateaus = readTable(run.resolve("plateaus.csv"));
        if (plateaus != null) {
            for (int i = 0; i < plateaus.rows(); i++) {
                q.shade(Math.max(1, plateaus.column("start_step")[i]), plateaus.column("end_step")[i], plateauLabel(plateaus, i));
            }
        }
        addEscapes(q, escapes, true);
        saved.add(Figures.save(q, dir, "loss_plateaus"));
    }

    /** spectra.csv as layer → index → (step, value) points, in step order. */
    private static TreeMap<Integer, TreeMap<Integer, List<double[]>>> byLayerAndIndex(Table spectra) {
        double[] step = spectra.column("step"), layer = spectra.column("layer"), index = spectra.column("index"),
                value = spectra.column("singular_value");
        TreeMap<Integer, TreeMap<Integer, List<double[]>>> series = new TreeMap<>();
        for (int r = 0; r < spectra.rows(); r++) {
            if (!Double.isFinite(layer[r]) || !Double.isFinite(index[r])) continue; // a row being written
            series.computeIfAbsent((int) layer[r], k -> new TreeMap<>()).computeIfAbsent((int) index[r], k -> new ArrayList<>())
                    .add(new double[] {step[r], value[r]});
        }
        return series;
    }

    /** spectra / spectra_log: one panel per layer, one colour per index σ_i (Figures 3–6, top rows). */
    private static void spectraGrid(TreeMap<Integer, TreeMap<Integer, List<double[]>>> series, Table escapes, boolean logY, Path dir,
                                    List<Figures.Saved> saved) {
        List<Panel> panels = new ArrayList<>();
        for (var le : series.entrySet()) {
            Panel p = Figures.panel("W" + sub(le.getKey()), "step", "singular value").legend(false);
            if (logY) p.logY();
            for (var ie : le.getValue().entrySet()) {
                List<double[]> keep = new ArrayList<>();
                for (double[] pt : ie.getValue()) if (!logY || pt[1] > 0) keep.add(pt);
                if (keep.isEmpty()) continue;
                p.series("σ" + sub(ie.getKey()), keep.stream().mapToDouble(a -> a[0]).toArray(),
                        keep.stream().mapToDouble(a -> a[1]).toArray(), Panel.Style.LINE, Figures.indexColor(ie.getKey()));
            }
            addEscapes(p, escapes, false);
            if (p.seriesCount() > 0) panels.add(p);
        }
        if (panels.isEmpty()) return;
        saved.add(Figures.grid("Top singular values of each layer over training" + (logY ? " (log scale)" : ""),
                panels, Math.min(3, panels.size()), dir, logY ? "spectra_log" : "spectra"));
    }

    /** layer_spectra: every layer's singular values after the first escape and at the end (Figure 1 centre and right). */
    private static void layerSpectra(TreeMap<Integer, TreeMap<Integer, List<double[]>>> series, long firstStep, long endStep, Path dir,
                                     List<Figures.Saved> saved) {
        List<Panel> snaps = new ArrayList<>();
        for (long[] which : new long[][] {{firstStep, 0}, {endStep, 1}}) {
            long s = which[0];
            if (s < 0) continue;
            Panel p = Figures.panel((which[1] == 0 ? "After the first escape" : "End of training")
                    + String.format(Locale.ROOT, " (step %d)", s), "index i", "singular value σᵢ").logY();
            for (var le : series.entrySet()) {
                List<Double> v = new ArrayList<>();
                for (var ie : le.getValue().entrySet()) {
                    for (double[] pt : ie.getValue()) if ((long) pt[0] == s && pt[1] > 0) v.add(pt[1]);
                }
                if (v.isEmpty()) continue;
                p.series("W" + sub(le.getKey()), indexes(v.size()), v.stream().mapToDouble(Double::doubleValue).toArray(),
                        Panel.Style.LINE_MARKERS, Figures.indexColor(le.getKey()));
            }
            if (p.seriesCount() > 0) snaps.add(p.legend(false));
        }
        if (!snaps.isEmpty()) saved.add(Figures.grid("Singular values of every layer", snaps, snaps.size(), dir, "layer_spectra"));
    }

    /** Escapes as dashed lines at their middle steps, labelled E1, E2, ... (or unlabelled). */
    static void addEscapes(Panel p, Table escapes, boolean labels) {
        if (escapes == null) return;
        for (int i = 0; i < escapes.rows(); i++) {
            double x = escapes.column("middle_step")[i];
            if (Double.isFinite(x)) p.vline(x, labels ? "E" + (int) escapes.column("escape")[i] : null);
        }
    }

    /** "P0 · origin", "P1 · rank 1", "P2 · rank ≥ 10". */
    static String plateauLabel(Table plateaus, int i) {
        int k = (int) plateaus.column("plateau")[i];
        double r = plateaus.has("bottleneck_rank") ? plateaus.column("bottleneck_rank")[i] : Double.NaN;
        double atLeast = plateaus.has("rank_at_least") ? plateaus.column("rank_at_least")[i] : Double.NaN;
        if (Double.isFinite(r)) return "P" + k + " · rank " + (int) r;
        if (k == 0) return "P0 · origin";
        if (Double.isFinite(atLeast)) return "P" + k + " · rank ≥ " + (int) atLeast;
        return "P" + k;
    }

    /** Subscript digits: 12 → ₁₂. */
    static String sub(int n) {
        StringBuilder b = new StringBuilder();
        for (char c : Integer.toString(n).toCharArray()) b.append((char) ('\u2080' + (c - '0')));
        return b.toString();
    }

    /**
     * One-line findings for report.html: the saddles found (with the bottleneck rank on each plateau) and the
     * low-rank-by-depth verdicts. Empty when the run wrote no saddles.json.
     */
    public static List<String> notes(Path run) {
        List<String> out = new ArrayList<>();
        JsonNode s = readJson(run.resolve("saddles.json"));
        if (s == null) return out;
        Table escapes = readTable(run.resolve("escapes.csv")), plateaus = readTable(run.resolve("plateaus.csv"));
        int ne = escapes == null ? 0 : escapes.rows();
        StringBuilder sb = new StringBuilder();
        double from = s.path("loss_start").asDouble(Double.NaN), to = s.path("loss_end").asDouble(Double.NaN);
        if (ne == 0 && Double.isFinite(from) && org.saddlescope.spectra.EscapeDefinition.reached(to, from)) {
            sb.append(String.format(Locale.ROOT, "No escape detected, although the smoothed loss fell from %s to %s (%.1f%%): no fall passed "
                    + "the detector's tests (a sharp fall after a plateau, a singular value rising across it)", Html.round(from),
                    Html.round(to), 100 * (to - from) / from));
        } else {
            sb.append(ne == 0 ? "No escape detected" : ne == 1 ? "1 escape" : ne + " escapes");
        }
        for (int i = 0; i < ne; i++) {
            sb.append(i == 0 ? ": " : "; ").append(String.format(Locale.ROOT, "E%d at step %s (loss %s → %s",
                    (int) escapes.column("escape")[i], Html.round(escapes.column("middle_step")[i]),
                    Html.round(escapes.column("loss_before")[i]), Html.round(escapes.column("loss_after")[i])));
            if (escapes.has("direction") && escapes.column("direction")[i] > 0) sb.append(", σ").append(sub((int) escapes.column("direction")[i])).append(" rises");
            sb.append(')');
        }
        sb.append(". The run ").append(s.path("status_at_end").asText("ended").replaceFirst("^ended", "ended")).append('.');
        out.add(sb.toString());
        if (plateaus != null) {
            StringBuilder pb = new StringBuilder("Plateaus");
            for (int i = 0; i < plateaus.rows(); i++) {
                pb.append(i == 0 ? ": " : "; ").append(String.format(Locale.ROOT, "P%d steps %s–%s, loss %s",
                        (int) plateaus.column("plateau")[i], Html.round(plateaus.column("start_step")[i]),
                        Html.round(plateaus.column("end_step")[i]), Html.round(plateaus.column("loss")[i])));
                String label = plateauLabel(plateaus, i);
                int dot = label.indexOf(" · ");
                if (dot >= 0) pb.append(", ").append(label.substring(dot + 3).replace("rank", "bottleneck rank"));
            }
            out.add(pb.append('.').toString());
        }
        Path md = run.resolve("low_rank_by_depth.md");
        if (Files.exists(md)) {
            try {
                for (String line : Files.readAllLines(md)) if (line.startsWith("- ")) out.add(line.substring(2));
            } catch (IOException e) {
                // the table itself is in the folder; the note is a convenience
            }
        }
        return out;
    }

    private static double[] indexes(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i + 1;
        return x;
    }

    private static Table readTable(Path p) {
        if (!Files.exists(p)) return null;
        Table t = Table.read(p);
        return t.rows() == 0 ? null : t;
    }

    private static JsonNode readJson(Path p) {
        if (!Files.exists(p)) return null;
        try {
            return new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            return null;
        }
    }
}
