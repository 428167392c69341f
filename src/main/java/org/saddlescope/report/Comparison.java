package org.saddlescope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.saddlescope.io.AtomicFiles;
import org.saddlescope.io.CsvWriter;

/**
 * Several training runs side by side (depth 4 against depth 6, two seeds, two optimisers): their loss curves, ‖θ‖
 * and the top singular values of every layer overlaid, one colour per run, and a table of their plateaus and
 * escapes. Runs are labelled by what differs between their configs ("hidden=[100, 100, 100], seed=1"), so the
 * legend says what is being compared.
 */
public final class Comparison {
    private Comparison() {}

    /** One run as read from its folder. */
    record Run(Path folder, String label, Table metrics, Table spectra, Table escapes, Table plateaus, JsonNode saddles) {}

    /** Top singular values drawn per layer (more would hide the comparison). */
    static final int INDICES = 3;

    /** Writes figures, compare.csv and report.html into {@code out}; returns the report's path. */
    public static Path write(List<Path> folders, List<String> labels, Path out) {
        List<Run> runs = read(folders, labels);
        Path figures = out.resolve("figures");
        lossAndNorm(runs, figures);
        spectra(runs, figures);
        List<String> notes = table(runs, out.resolve("compare.csv"));
        HtmlReport html = new HtmlReport(out).title("saddlescope compare: " + runs.size() + " runs")
                .caption("compare_loss", "Loss and ‖θ‖ against steps for every run, one colour per run; dashed vertical lines: "
                        + "that run's detected escapes.")
                .caption("compare_spectra", "Top three singular values of each layer over training, one colour per run "
                        + "(σ₁ solid, σ₂ dashed, σ₃ dotted).");
        for (String n : notes) html.note(n);
        html.section(new HtmlReport.Section("runs", "Plateaus and escapes of each run", List.of(
                "Escape steps are the middles of the detected falls; directions, the singular-value index that rises across "
                        + "each; plateau losses and bottleneck ranks, plateau by plateau from P0 (≥k: every tracked value counts)."),
                List.of(), List.of("compare.csv")));
        return html.write();
    }

    /** compare_loss: the loss and ‖θ‖ of every run, one colour each, its escapes dashed in its colour. */
    private static void lossAndNorm(List<Run> runs, Path figures) {
        Panel loss = Figures.panel("Loss", "step", "loss").log(true, true);
        Panel norm = Figures.panel("Parameter norm", "step", "‖θ‖").log(true, true);
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            Color c = Figures.indexColor(i + 1);
            if (r.metrics() != null && r.metrics().has("loss")) {
                double[][] xy = r.metrics().finitePairs(r.metrics().timeAxis(), "loss", true, true);
                loss.series(r.label(), xy[0], xy[1], Panel.Style.LINE, c);
            }
            if (r.metrics() != null && r.metrics().has("norm")) {
                double[][] xy = r.metrics().finitePairs(r.metrics().timeAxis(), "norm", true, true);
                norm.series(r.label(), xy[0], xy[1], Panel.Style.LINE, c);
            }
            if (r.escapes() != null) {
                for (double x : r.escapes().column("middle_step")) if (x > 0) loss.vline(x, null, c);
            }
        }
        Figures.grid("Runs compared: loss and ‖θ‖ (dashed lines: detected escapes, in the run's colour)",
                List.of(loss.legend(false), norm.legend(false)), 2, figures, "compare_loss");

    }

    /** compare_spectra: per layer, every run's top three singular values (colour: run; line style: index). */
    private static void spectra(List<Run> runs, Path figures) {
        TreeMap<Integer, Panel> layers = new TreeMap<>();
        Panel.Style[] styles = {Panel.Style.LINE, Panel.Style.DASHED, Panel.Style.DOTTED};
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            if (r.spectra() == null) continue;
            double[] step = r.spectra().column("step"), layer = r.spectra().column("layer"), index = r.spectra().column("index"),
                    value = r.spectra().column("singular_value");
            Map<Integer, Map<Integer, List<double[]>>> byLayer = new TreeMap<>();
            for (int row = 0; row < r.spectra().rows(); row++) {
                if (!(index[row] >= 1 && index[row] <= INDICES) || !(step[row] > 0) || !(value[row] > 0)) continue;
                byLayer.computeIfAbsent((int) layer[row], k -> new TreeMap<>()).computeIfAbsent((int) index[row], k -> new ArrayList<>())
                        .add(new double[] {step[row], value[row]});
            }
            for (Map.Entry<Integer, Map<Integer, List<double[]>>> le : byLayer.entrySet()) {
                Panel p = layers.computeIfAbsent(le.getKey(),
                        l -> Figures.panel("W" + SpectraFigures.sub(l), "step", "σ₁, σ₂, σ₃").log(true, true).legend(false));
                for (Map.Entry<Integer, List<double[]>> ie : le.getValue().entrySet()) {
                    List<double[]> pts = ie.getValue();
                    p.series(r.label() + " σ" + SpectraFigures.sub(ie.getKey()), pts.stream().mapToDouble(a -> a[0]).toArray(),
                            pts.stream().mapToDouble(a -> a[1]).toArray(), styles[ie.getKey() - 1], Figures.indexColor(i + 1));
                }
            }
        }
        if (!layers.isEmpty()) {
            Figures.grid("Top three singular values of each layer (colour: run; solid, dashed, dotted: σ₁, σ₂, σ₃)",
                    new ArrayList<>(layers.values()), Math.min(3, layers.size()), figures, "compare_spectra");
        }

    }

    /** compare.csv (one row per run) written; returns one finding per run for the report's summary. */
    private static List<String> table(List<Run> runs, Path csv) {
        StringBuilder t = new StringBuilder("run,folder,steps,final_loss,escapes,escape_steps,escape_directions,plateau_losses,bottleneck_ranks,status_at_end\n");
        List<String> notes = new ArrayList<>();
        for (Run r : runs) {
            String steps = "", last = "";
            if (r.metrics() != null && r.metrics().has("loss")) {
                double[][] xy = r.metrics().finitePairs(r.metrics().timeAxis(), "loss", false, false);
                if (xy[0].length > 0) {
                    steps = Html.round(xy[0][xy[0].length - 1]);
                    last = Html.round(xy[1][xy[1].length - 1]);
                }
            }
            String es = join(r.escapes(), "middle_step"), dir = join(r.escapes(), "direction"), pl = join(r.plateaus(), "loss");
            List<String> ranks = new ArrayList<>();
            if (r.plateaus() != null) for (int i = 0; i < r.plateaus().rows(); i++) ranks.add(plateauRank(r.plateaus(), i));
            String status = r.saddles() == null ? "" : r.saddles().path("status_at_end").asText("");
            int n = r.escapes() == null ? 0 : r.escapes().rows();
            t.append(CsvWriter.cell(r.label())).append(',').append(CsvWriter.cell(r.folder().toString())).append(',').append(steps).append(',')
                    .append(last).append(',').append(n).append(',').append(CsvWriter.cell(es)).append(',').append(CsvWriter.cell(dir)).append(',')
                    .append(CsvWriter.cell(pl)).append(',').append(CsvWriter.cell(String.join(" ", ranks))).append(',').append(CsvWriter.cell(status)).append('\n');
            notes.add(String.format(Locale.ROOT, "%s: %d escape%s%s; final loss %s after %s steps%s.", r.label(), n, n == 1 ? "" : "s",
                    es.isEmpty() ? "" : " at steps " + es.replace(" ", ", "), last, steps, status.isEmpty() ? "" : "; " + status));
        }
        AtomicFiles.writeAtomically(csv, t.toString().getBytes(StandardCharsets.UTF_8));
        return notes;
    }

    static List<Run> read(List<Path> folders, List<String> labels) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (Path f : folders) configs.add(flatConfig(f.resolve("config.yaml")));
        Set<String> differing = new LinkedHashSet<>();
        for (Map<String, String> c : configs) {
            for (String k : c.keySet()) {
                for (Map<String, String> d : configs) if (!c.get(k).equals(d.get(k))) differing.add(k);
            }
        }
        differing.remove("preset");
        List<Run> out = new ArrayList<>();
        for (int i = 0; i < folders.size(); i++) {
            Path f = folders.get(i);
            String label = labels != null && i < labels.size() ? labels.get(i) : null;
            if (label == null) {
                List<String> parts = new ArrayList<>();
                for (String k : differing) if (configs.get(i).containsKey(k)) parts.add(k + "=" + configs.get(i).get(k));
                label = parts.isEmpty() || String.join(", ", parts).length() > 48 ? f.toAbsolutePath().normalize().getFileName().toString()
                        : String.join(", ", parts);
            }
            out.add(new Run(f, label, table(f.resolve("metrics.csv")), table(f.resolve("spectra.csv")), table(f.resolve("escapes.csv")),
                    table(f.resolve("plateaus.csv")), json(f.resolve("saddles.json"))));
        }
        return out;
    }

    /** Top-level config fields as text ("hidden" → "[100, 100]"); empty when there is no config.yaml. */
    static Map<String, String> flatConfig(Path yaml) {
        Map<String, String> m = new LinkedHashMap<>();
        if (!Files.isRegularFile(yaml)) return m;
        try {
            JsonNode n = new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile());
            if (n == null) return m;
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                m.put(e.getKey(), v.isArray() ? v.toString().replace(",", ", ").replace("\"", "") : v.asText());
            }
        } catch (IOException e) {
            // unreadable config: label by folder name
        }
        return m;
    }

    private static String plateauRank(Table plateaus, int i) {
        double r = plateaus.has("bottleneck_rank") ? plateaus.column("bottleneck_rank")[i] : Double.NaN;
        double atLeast = plateaus.has("rank_at_least") ? plateaus.column("rank_at_least")[i] : Double.NaN;
        return Double.isFinite(r) ? Integer.toString((int) r) : Double.isFinite(atLeast) ? "≥" + (int) atLeast : "?";
    }

    private static String join(Table t, String column) {
        if (t == null || !t.has(column)) return "";
        List<String> out = new ArrayList<>();
        for (double v : t.column(column)) out.add(Double.isFinite(v) ? Html.round(v) : "–");
        return String.join(" ", out);
    }

    private static Table table(Path p) {
        if (!Files.isRegularFile(p)) return null;
        Table t = Table.read(p);
        return t.rows() == 0 ? null : t;
    }

    private static JsonNode json(Path p) {
        try {
            return Files.isRegularFile(p) ? new ObjectMapper().readTree(p.toFile()) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
