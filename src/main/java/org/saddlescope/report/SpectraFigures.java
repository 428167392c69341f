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

    public static List<Figures.Saved> write(Path run) {
        List<Figures.Saved> saved = new ArrayList<>();
        Path dir = run.resolve("figures");
        JsonNode saddles = readJson(run.resolve("saddles.json"));
        long firstStep = saddles != null && saddles.has("after_first_escape") ? saddles.get("after_first_escape").get("step").asLong() : -1;
        long endStep = saddles != null && saddles.has("end") ? saddles.get("end").get("step").asLong() : -1;
        Table escapes = readTable(run.resolve("escapes.csv"));
        Table plateaus = readTable(run.resolve("plateaus.csv"));

        Table metrics = readTable(run.resolve("metrics.csv"));
        if (metrics != null && metrics.has("loss")) {
            double[][] xy = metrics.finitePairs("step", "loss", false, false);
            if (xy[0].length >= 2) {
                Figures.Panel p = Figures.panel("Training loss", "step", "loss (minibatch window mean)").line("loss", xy[0], xy[1]);
                if (firstStep >= 0) p.vline(firstStep, "after first escape");
                if (endStep >= 0) p.vline(endStep, "end");
                saved.add(Figures.save(p, dir, "loss_snapshots"));

                double[][] lxy = metrics.finitePairs("step", "loss", true, false);
                Figures.Panel q = Figures.panel("Plateaus and escapes", "step", "loss").logX().line("loss", lxy[0], lxy[1]);
                Table sm = readTable(run.resolve("loss_smoothed.csv"));
                if (sm != null && sm.rows() >= 2) {
                    double[][] s = sm.finitePairs("step", "smoothed_loss", true, false);
                    q.dashed("smoothed (log-time)", s[0], s[1]);
                }
                if (plateaus != null) {
                    for (int i = 0; i < plateaus.rows(); i++) {
                        double r = plateaus.has("bottleneck_rank") ? plateaus.column("bottleneck_rank")[i] : Double.NaN;
                        String label = "P" + (int) plateaus.column("plateau")[i] + (Double.isFinite(r) ? " rank " + (int) r : "");
                        q.shade(Math.max(1, plateaus.column("start_step")[i]), plateaus.column("end_step")[i], label);
                    }
                }
                if (escapes != null) {
                    for (int i = 0; i < escapes.rows(); i++) {
                        q.vline(escapes.column("middle_step")[i], "escape " + ((int) escapes.column("escape")[i] + 1));
                    }
                }
                saved.add(Figures.save(q, dir, "loss_plateaus"));
            }
        }

        Table spectra = readTable(run.resolve("spectra.csv"));
        if (spectra != null && spectra.rows() > 0) {
            double[] step = spectra.column("step"), layer = spectra.column("layer"), index = spectra.column("index"),
                    value = spectra.column("singular_value");
            // layer -> index -> (steps, values)
            TreeMap<Integer, TreeMap<Integer, List<double[]>>> series = new TreeMap<>();
            for (int r = 0; r < spectra.rows(); r++) {
                series.computeIfAbsent((int) layer[r], k -> new TreeMap<>()).computeIfAbsent((int) index[r], k -> new ArrayList<>())
                        .add(new double[] {step[r], value[r]});
            }
            for (boolean logY : new boolean[] {false, true}) {
                List<Figures.Panel> panels = new ArrayList<>();
                for (var le : series.entrySet()) {
                    Figures.Panel p = Figures.panel("W_" + le.getKey(), "step", "singular values").legend(false);
                    if (logY) p.logY();
                    for (var ie : le.getValue().entrySet()) {
                        List<double[]> pts = ie.getValue();
                        List<double[]> keep = new ArrayList<>();
                        for (double[] pt : pts) if (!logY || pt[1] > 0) keep.add(pt);
                        if (keep.size() < 1) continue;
                        p.line("s" + ie.getKey(), keep.stream().mapToDouble(a -> a[0]).toArray(), keep.stream().mapToDouble(a -> a[1]).toArray());
                    }
                    if (escapes != null) for (int i = 0; i < escapes.rows(); i++) p.vline(escapes.column("middle_step")[i], null);
                    if (p.seriesCount() > 0) panels.add(p);
                }
                if (!panels.isEmpty()) {
                    int cols = Math.min(3, panels.size());
                    saved.add(Figures.grid("Top singular values of each layer over training" + (logY ? " (log scale)" : ""),
                            panels, cols, dir, logY ? "spectra_log" : "spectra"));
                }
            }
            List<Figures.Panel> snaps = new ArrayList<>();
            for (long[] which : new long[][] {{firstStep, 0}, {endStep, 1}}) {
                long s = which[0];
                if (s < 0) continue;
                Figures.Panel p = Figures.panel((which[1] == 0 ? "After the first escape" : "End of training")
                        + String.format(Locale.ROOT, " (step %d)", s), "index i", "singular value s_i").logY();
                for (var le : series.entrySet()) {
                    List<Double> v = new ArrayList<>();
                    for (var ie : le.getValue().entrySet()) {
                        for (double[] pt : ie.getValue()) if ((long) pt[0] == s && pt[1] > 0) v.add(pt[1]);
                    }
                    if (v.isEmpty()) continue;
                    p.series("W_" + le.getKey(), indexes(v.size()), v.stream().mapToDouble(Double::doubleValue).toArray(),
                            Figures.Style.LINE_MARKERS, null);
                }
                if (p.seriesCount() > 0) snaps.add(p);
            }
            if (!snaps.isEmpty()) saved.add(Figures.grid("Singular values of every layer", snaps, snaps.size(), dir, "layer_spectra"));
        }
        return saved;
    }

    /**
     * One-line findings for report.html: the saddles found (with the bottleneck rank on each plateau) and the
     * low-rank-by-depth verdicts. Empty when the run wrote no saddles.json.
     */
    public static List<String> notes(Path run) {
        List<String> out = new ArrayList<>();
        JsonNode s = readJson(run.resolve("saddles.json"));
        if (s == null) return out;
        StringBuilder sb = new StringBuilder();
        sb.append(s.path("escapes").asInt()).append(" escape(s), ").append(s.path("plateaus").asInt()).append(" plateau(s)");
        for (JsonNode p : s.path("plateau_ranks")) {
            sb.append(String.format(Locale.ROOT, "; plateau %d: steps %d-%d, loss %.4g, bottleneck rank %d",
                    p.get("plateau").asInt(), p.get("start_step").asLong(), p.get("end_step").asLong(),
                    p.get("loss").asDouble(), p.get("bottleneck_rank").asInt()));
        }
        out.add(sb.append('.').toString());
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
