package org.saddlescope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.saddlescope.io.AtomicFiles;
import org.saddlescope.runs.RunFiles;

/**
 * report.html for a run folder, laid out like a page of a paper's supplement: the title, a summary (what the run
 * found, then the run at a glance), the sections that analyses add, every figure under figures/ in the paper's
 * order with a numbered caption (PNG shown, SVG and PDF linked), the first rows of every CSV table with numbers
 * rounded to four significant digits, and last, folded away, the JSON summaries, the manifest and config.yaml.
 * Self-contained apart from the files it links by relative path, so the folder can be moved or zipped whole.
 *
 * <pre>
 *   new HtmlReport(run.root()).title("Fashion-MNIST, depth 6").note("First escape at step 1234.").write();
 *   HtmlReport.register(run -&gt; Optional.of(new HtmlReport.Section("theory", "Theory against the run",
 *           List.of("Theorem 3.1 holds on layers 3..6."), List.of("theory_bounds"), List.of("theory.csv"))));
 * </pre>
 */
public final class HtmlReport {
    /**
     * A section that an analysis adds: paragraphs of plain text (escaped), figures by stem (figures/STEM.png, shown
     * in this section rather than among the other figures) and tables (CSV files relative to the run folder).
     */
    public record Section(String id, String title, List<String> paragraphs, List<String> figures, List<String> tables) {}

    /** Makes a section from a run folder's files, or nothing when the run has none of them. */
    @FunctionalInterface
    public interface SectionSource extends Function<Path, Optional<Section>> {}

    private static final List<SectionSource> SOURCES = new CopyOnWriteArrayList<>();

    /** Adds a section to every report written from now on (e.g. check-theory's verdicts, when its files exist). */
    public static void register(SectionSource source) { SOURCES.add(source); }

    public static void unregister(SectionSource source) { SOURCES.remove(source); }

    /** Known figures in the paper's order, with their captions; others follow in name order. */
    static final Map<String, String> CAPTIONS = new LinkedHashMap<>();

    static {
        CAPTIONS.put("loss_plateaus", "Loss against steps (log–log) with the detected plateaus shaded (P<i>k</i>: the saddle after "
                + "<i>k</i> escapes, with its bottleneck rank) and the escapes marked (E<i>k</i>: middle of the <i>k</i>-th fall).");
        CAPTIONS.put("loss_snapshots", "Training loss against steps, with the steps of the singular-value snapshots below "
                + "(paper, Figure 1 left).");
        CAPTIONS.put("layer_spectra", "Singular values of every layer after the first escape and at the end of training "
                + "(paper, Figure 5, third row).");
        CAPTIONS.put("spectra", "Top singular values of each layer over training, one colour per index σ<sub>i</sub>; dashed lines: "
                + "detected escapes (paper, Figures 3–6, top rows).");
        CAPTIONS.put("spectra_log", "The same on a logarithmic scale, where the directions still at the initialisation's scale show.");
        CAPTIONS.put("loss", "Loss against steps: the minibatch mean over each logging window, and train and test loss where evaluated.");
        CAPTIONS.put("norms_speed", "‖θ‖ and ‖W<sub>ℓ</sub>‖<sub>F</sub>, the normalised escape speed −L0(θ/‖θ‖) on the unit sphere, "
                + "and accuracy, against steps.");
        CAPTIONS.put("equation6", "Speed of the rank-one direction against the angle φ (equation 6; paper, Figure 7).");
        CAPTIONS.put("success_fraction", "Fraction of runs faster than the best rank-one direction, against the hidden width "
                + "(paper, Figure 2 right).");
        CAPTIONS.put("final_speeds", "Final speeds of all runs against the hidden width (paper, Figure 8).");
        CAPTIONS.put("speed_histograms", "Distribution of the final speeds at each width.");
        CAPTIONS.put("solvers", "Speed and stationarity residual against iteration for each solver.");
        CAPTIONS.put("layers", "Rank structure of the best escape direction by layer (Theorem 3.1).");
        CAPTIONS.put("speeds", "Speeds of all starts, sorted.");
        CAPTIONS.put("depth_sweep", "Best speed against depth (Proposition 3.2).");
        CAPTIONS.put("norms", "Norms along the gradient flow.");
        CAPTIONS.put("imbalance", "Imbalance D<sub>ℓ</sub> = ‖W<sub>ℓ+1</sub>‖² − ‖W<sub>ℓ</sub>‖² along the flow.");
    }

    private final Path root;
    private Path outDir;
    private String title;
    private final List<String> notes = new ArrayList<>();
    private final List<Section> sections = new ArrayList<>();
    private final Map<String, String> captions = new LinkedHashMap<>();
    private int maxRows = 20;
    private String banner;

    public HtmlReport(Path runFolder) {
        this.root = runFolder;
        this.outDir = runFolder;
    }

    public HtmlReport title(String t) { title = t; return this; }
    /** A finding for the summary at the top (plain text, escaped). */
    public HtmlReport note(String text) { notes.add(text); return this; }
    /** A section of this report only (see {@link #register} for every report). */
    public HtmlReport section(Section s) { sections.add(s); return this; }
    /** Caption (HTML) of figure STEM, overriding the catalogue's. */
    public HtmlReport caption(String stem, String html) { captions.put(stem, html); return this; }
    /** Rows shown per CSV table (the rest are counted). */
    public HtmlReport maxRows(int n) { maxRows = Math.max(1, n); return this; }
    /** A line in a box above everything (e.g. "live: refreshed at step 1200"), plain text. */
    public HtmlReport banner(String text) { banner = text; return this; }

    /**
     * Writes report.html into {@code dir} instead of the run folder, with figures expected in dir/figures and the
     * run's tables linked by relative path (a report of a live run that another process is writing).
     */
    public HtmlReport into(Path dir) { outDir = dir; return this; }

    /** Writes report.html atomically and returns its path. */
    public Path write() {
        Path out = outDir.resolve(RunFiles.REPORT);
        AtomicFiles.writeAtomically(out, render().getBytes(StandardCharsets.UTF_8));
        return out;
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The page as a string. */
    public String render() {
        if (!Files.isDirectory(root)) throw new IllegalArgumentException("no run folder at " + root);
        JsonNode manifest = readJson(root.resolve(RunFiles.MANIFEST));
        String heading = title != null ? title : "saddlescope run: " + root.toAbsolutePath().normalize().getFileName();
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>").append(Html.esc(heading))
                .append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
        h.append("<h1>").append(Html.esc(heading)).append("</h1>\n");
        if (banner != null) h.append("<p class=\"banner\">").append(Html.esc(banner)).append("</p>\n");
        summary(h, manifest);
        Shown shown = new Shown();
        for (Section s : sections()) section(h, s, shown);
        figures(h, shown);
        tables(h, shown);
        provenance(h, manifest);
        h.append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    /** What the analysis sections showed already (so the general sections leave it out), and the figures' count. */
    private static final class Shown {
        final List<String> figures = new ArrayList<>();
        final List<Path> tables = new ArrayList<>();
        final int[] figureNumber = {0};
    }

    private void summary(StringBuilder h, JsonNode manifest) {
        h.append("<section id=\"summary\">\n<h2>Summary</h2>\n");
        if (!notes.isEmpty()) {
            h.append("<ul class=\"findings\">\n");
            for (String n : notes) h.append("<li>").append(Html.esc(n)).append("</li>\n");
            h.append("</ul>\n");
        }
        glance(h, manifest, readText(root.resolve(RunFiles.CONFIG)));
        h.append("</section>\n");
    }

    /** This report's own sections, then those every report gets ({@link #register}); one that fails says so. */
    private List<Section> sections() {
        List<Section> all = new ArrayList<>(sections);
        for (SectionSource s : SOURCES) {
            try {
                s.apply(root).ifPresent(all::add);
            } catch (RuntimeException e) {
                all.add(new Section("section-error", "A section could not be built", List.of(String.valueOf(e.getMessage())), List.of(), List.of()));
            }
        }
        return all;
    }

    private void section(StringBuilder h, Section s, Shown shown) {
        h.append("<section id=\"").append(Html.esc(s.id())).append("\">\n<h2>").append(Html.esc(s.title())).append("</h2>\n");
        for (String p : s.paragraphs()) h.append("<p>").append(Html.esc(p)).append("</p>\n");
        for (String f : s.figures()) {
            shown.figures.add(f);
            figure(h, f, shown.figureNumber);
        }
        for (String t : s.tables()) {
            if (!Files.isRegularFile(root.resolve(t))) continue;
            HtmlTables.table(h, root, outDir, root.resolve(t), maxRows);
            shown.tables.add(root.resolve(t));
        }
        h.append("</section>\n");
    }

    private void figures(StringBuilder h, Shown shown) {
        h.append("<section id=\"figures\">\n<h2>Figures</h2>\n");
        List<String> stems = orderedFigures();
        stems.removeAll(shown.figures);
        if (stems.isEmpty()) h.append("<p class=\"missing\">no figures</p>\n");
        for (String stem : stems) figure(h, stem, shown.figureNumber);
        h.append("</section>\n");
    }

    private void tables(StringBuilder h, Shown shown) {
        h.append("<section id=\"tables\">\n<h2>Tables</h2>\n");
        List<Path> csvs = new ArrayList<>(listDeep(".csv"));
        csvs.removeAll(shown.tables);
        if (csvs.isEmpty()) h.append("<p class=\"missing\">no " + (shown.tables.isEmpty() ? "" : "other ") + "CSV tables</p>\n");
        for (Path csv : csvs) HtmlTables.table(h, root, outDir, csv, maxRows);
        h.append("</section>\n");
    }

    /** JSON summaries, the manifest and config.yaml, folded away. */
    private void provenance(StringBuilder h, JsonNode manifest) {
        h.append("<section id=\"provenance\">\n<h2>Provenance</h2>\n");
        List<Path> jsons = new ArrayList<>(listDeep(".json"));
        jsons.remove(root.resolve(RunFiles.MANIFEST));
        for (Path j : jsons) {
            JsonNode n = readJson(j);
            h.append("<details><summary>").append(Html.esc(root.relativize(j).toString())).append("</summary>\n");
            h.append(n == null ? "<p class=\"missing\">unreadable JSON</p>\n" : "<pre>" + Html.esc(pretty(n)) + "</pre>\n");
            h.append("</details>\n");
        }
        h.append("<details><summary>manifest.json</summary>\n");
        if (manifest == null) {
            h.append("<p class=\"missing\">no manifest.json</p>\n");
        } else {
            h.append("<table class=\"kv\">\n");
            Iterator<Map.Entry<String, JsonNode>> it = manifest.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                h.append("<tr><th>").append(Html.esc(e.getKey())).append("</th><td>").append(value(e.getValue())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</details>\n<details><summary>config.yaml</summary>\n");
        Path config = root.resolve(RunFiles.CONFIG);
        if (Files.isRegularFile(config)) {
            h.append("<p>Rerun with <code>--config config.yaml</code>.</p>\n<pre>").append(Html.esc(readText(config))).append("</pre>\n");
        } else {
            h.append("<p class=\"missing\">no config.yaml</p>\n");
        }
        h.append("</details>\n</section>\n");
    }

    /** The run at a glance: a few manifest and config facts, when present. */
    private static void glance(StringBuilder h, JsonNode manifest, String config) {
        Map<String, String> rows = new LinkedHashMap<>();
        if (manifest != null) {
            put(rows, "command", manifest.path("command"));
            put(rows, "dataset", manifest.path("dataset"));
            if (manifest.has("widths")) rows.put("widths", manifest.get("widths").toString().replaceAll("[\\[\\]]", "").replace(",", "–"));
            put(rows, "parameters", manifest.path("parameters"));
            put(rows, "training samples", manifest.path("train_samples"));
            put(rows, "steps", manifest.path("steps"));
            if (manifest.has("fast_forward")) fastForward(rows, manifest);
            if (manifest.has("train_seconds")) rows.put("training time", duration(manifest.get("train_seconds").asDouble()));
            put(rows, "seed", manifest.path("seed"));
            put(rows, "stopped", manifest.path("message"));
            if (manifest.hasNonNull("start")) rows.put("started", instant(manifest.get("start").asText()));
            if (manifest.has("end")) {
                rows.put("ended", manifest.get("end").isNull() ? "not yet (the run goes on, or was stopped)" : instant(manifest.get("end").asText()));
            }
        }
        for (String key : List.of("activation", "cost", "dtype", "batch", "lr", "lr_power", "init_scale")) {
            String v = yamlScalar(config, key);
            if (v != null) rows.put(key.replace('_', ' '), v);
        }
        if (rows.isEmpty()) {
            h.append("<p class=\"missing\">no manifest.json</p>\n");
            return;
        }
        // two facts a row, read down the first pair of columns and then the second
        List<Map.Entry<String, String>> list = new ArrayList<>(rows.entrySet());
        int half = (list.size() + 1) / 2;
        h.append("<table class=\"kv glance\">\n");
        for (int i = 0; i < half; i++) {
            h.append("<tr><th>").append(Html.esc(list.get(i).getKey())).append("</th><td>").append(Html.esc(list.get(i).getValue())).append("</td>");
            if (i + half < list.size()) {
                Map.Entry<String, String> e = list.get(i + half);
                h.append("<th>").append(Html.esc(e.getKey())).append("</th><td>").append(Html.esc(e.getValue())).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    /** Issue 19: the fast-forwarded stretch on the nominal axis, why it handed over, and the controller's error estimates. */
    private static void fastForward(Map<String, String> rows, JsonNode manifest) {
        JsonNode ff = manifest.get("fast_forward");
        put(rows, "nominal steps", manifest.path("nominal_steps"));
        String end = ff.path("handover_nominal_step").isNumber() ? ff.get("handover_nominal_step").asText() + " (handed over: "
                + ff.path("handed_over").asText() + ")" : "not handed over yet";
        rows.put("fast-forwarded", String.format(java.util.Locale.ROOT,
                "nominal steps %s–%s in %d steps (%d rejected), tolerance %s; largest relative error %.3g, estimates summed %.3g rad (direction), %.3g (log ‖θ‖)",
                ff.path("start_nominal_step").asText(), end, ff.path("steps").asLong(), ff.path("rejected").asLong(),
                ff.path("tolerance").asText(), ff.path("relative_error_max").asDouble(), ff.path("angle_error_sum").asDouble(),
                ff.path("log_norm_error_sum").asDouble()));
    }

    private static void put(Map<String, String> rows, String key, JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) return;
        rows.put(key, v.isNumber() && !v.isIntegralNumber() ? Html.round(v.asDouble()) : v.asText());
    }

    /** An ISO instant to the second, "2026-12-01 17:45:53 UTC"; as given if it is not one. */
    static String instant(String iso) {
        try {
            return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC)
                    .format(java.time.Instant.parse(iso));
        } catch (java.time.format.DateTimeParseException e) {
            return iso;
        }
    }

    static String duration(double s) {
        if (s < 120) return String.format(Locale.ROOT, "%.1f s", s);
        if (s < 7200) return String.format(Locale.ROOT, "%.1f min", s / 60);
        return String.format(Locale.ROOT, "%.1f h", s / 3600);
    }

    /** The value of a top-level {@code key: value} line of a YAML text, or null. */
    private static String yamlScalar(String yaml, String key) {
        if (yaml == null) return null;
        for (String line : yaml.split("\n")) {
            if (line.startsWith(key + ":")) {
                String v = line.substring(key.length() + 1).trim();
                return v.isEmpty() ? null : v.replaceAll("^\"|\"$", "");
            }
        }
        return null;
    }

    /** Figure stems under figures/: the catalogue's in its order, then the rest by name. */
    private List<String> orderedFigures() {
        List<String> present = new ArrayList<>();
        for (Path p : list(outDir.resolve(RunFiles.FIGURES), ".png")) present.add(stem(p));
        for (Path p : list(outDir.resolve(RunFiles.FIGURES), ".svg")) if (!present.contains(stem(p))) present.add(stem(p));
        List<String> out = new ArrayList<>();
        for (String k : CAPTIONS.keySet()) if (present.remove(k)) out.add(k);
        out.addAll(present.stream().sorted().toList());
        return out;
    }

    private void figure(StringBuilder h, String stem, int[] number) {
        Path png = outDir.resolve(RunFiles.FIGURES).resolve(stem + ".png");
        Path svg = outDir.resolve(RunFiles.FIGURES).resolve(stem + ".svg"), pdf = outDir.resolve(RunFiles.FIGURES).resolve(stem + ".pdf");
        boolean hasPng = Files.isRegularFile(png);
        if (!hasPng && !Files.isRegularFile(svg)) return;
        number[0]++;
        String rel = RunFiles.FIGURES + "/" + stem + (hasPng ? ".png" : ".svg");
        h.append("<figure id=\"fig-").append(Html.esc(stem)).append("\"><a href=\"").append(Html.esc(rel)).append("\"><img src=\"")
                .append(Html.esc(rel)).append("\" alt=\"").append(Html.esc(stem)).append('"');
        int[] size = hasPng ? pngSize(png) : null;
        if (size != null) {
            // PNGs are drawn at FigureStyle.PNG_SCALE× for print; shown at their nominal size
            h.append(" width=\"").append(size[0] / FigureStyle.PNG_SCALE).append("\" height=\"").append(size[1] / FigureStyle.PNG_SCALE).append('"');
        }
        h.append("></a><figcaption><b>Figure ").append(number[0]).append(".</b> ");
        String cap = captions.getOrDefault(stem, CAPTIONS.get(stem));
        h.append(cap != null ? cap : Html.esc(stem.replace('_', ' ')));
        h.append(" <span class=\"files\">").append(Html.esc(stem));
        if (hasPng && Files.isRegularFile(svg)) h.append(" · <a href=\"figures/").append(Html.esc(stem)).append(".svg\">SVG</a>");
        if (Files.isRegularFile(pdf)) h.append(" · <a href=\"figures/").append(Html.esc(stem)).append(".pdf\">PDF</a>");
        h.append("</span></figcaption></figure>\n");
    }

    /** Width and height from the PNG header, without decoding the image; null if unreadable. */
    static int[] pngSize(Path png) {
        try (ImageInputStream in = ImageIO.createImageInputStream(png.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) return null;
            ImageReader r = readers.next();
            try {
                r.setInput(in);
                return new int[] {r.getWidth(0), r.getHeight(0)};
            } finally {
                r.dispose();
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static String value(JsonNode v) {
        if (v == null || v.isNull()) return "<span class=\"missing\">—</span>";
        if (v.isValueNode()) return Html.esc(v.isNumber() && !v.isIntegralNumber() ? Html.round(v.asDouble()) : v.asText());
        return "<pre>" + Html.esc(pretty(v)) + "</pre>";
    }

    private static String pretty(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (IOException e) {
            return n.toString();
        }
    }

    private static JsonNode readJson(Path p) {
        if (!Files.isRegularFile(p)) return null;
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            return null;
        }
    }

    private static String readText(Path p) {
        if (!Files.isRegularFile(p)) return null;
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Files in the run folder and its direct subfolders, except checkpoints/, weights/ and figures/. */
    private List<Path> listDeep(String suffix) {
        List<Path> out = new ArrayList<>(list(root, suffix));
        try (Stream<Path> s = Files.list(root)) {
            for (Path sub : s.filter(Files::isDirectory).sorted().toList()) {
                String n = sub.getFileName().toString();
                if (n.equals(RunFiles.CHECKPOINTS) || n.equals(RunFiles.WEIGHTS) || n.equals(RunFiles.FIGURES) || n.startsWith(".")) continue;
                out.addAll(list(sub, suffix));
            }
        } catch (IOException e) {
            // unreadable folder: show what the top level has
        }
        return out;
    }

    /** Regular files with the given suffix directly in dir, sorted by name (none if dir is missing). */
    private static List<Path> list(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(suffix)
                    && !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }

    /** A journal-like page: serif body, one column of text, figures centred at their nominal size (report.css, inlined). */
    private static final String CSS = resource("report.css");

    private static String resource(String name) {
        try (var in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
