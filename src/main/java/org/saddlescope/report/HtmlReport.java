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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * report.html for a run folder: title, the run's config.yaml, a manifest summary, every figure under
 * figures/ (PNG shown, SVG linked), the first rows of every CSV table and every other JSON file. Self-contained
 * apart from the figure files it links by relative path, so the folder can be moved or zipped as a whole.
 *
 * <pre>
 *   new HtmlReport(run.root()).title("Fashion-MNIST, depth 6").note("First escape at step 1234.").write();
 * </pre>
 */
public final class HtmlReport {
    private final Path root;
    private String title;
    private final List<String> notes = new ArrayList<>();
    private int maxRows = 20;

    public HtmlReport(Path runFolder) {
        this.root = runFolder;
    }

    public HtmlReport title(String t) { title = t; return this; }
    /** A paragraph under the title (plain text, escaped). */
    public HtmlReport note(String text) { notes.add(text); return this; }
    /** Rows shown per CSV table (the rest are counted). */
    public HtmlReport maxRows(int n) { maxRows = Math.max(1, n); return this; }

    /** Writes report.html atomically into the run folder and returns its path. */
    public Path write() {
        Path out = root.resolve("report.html");
        Figures.writeAtomically(out, render().getBytes(StandardCharsets.UTF_8));
        return out;
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The page as a string. */
    public String render() {
        if (!Files.isDirectory(root)) throw new IllegalArgumentException("no run folder at " + root);
        JsonNode manifest = readJson(root.resolve("manifest.json"));
        String heading = title != null ? title : "saddlescope run: " + root.toAbsolutePath().normalize().getFileName();
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(esc(heading))
                .append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(esc(heading)).append("</h1>\n");
        for (String n : notes) h.append("<p>").append(esc(n)).append("</p>\n");
        h.append("<nav><a href=\"#manifest\">manifest</a> · <a href=\"#figures\">figures</a> · <a href=\"#tables\">tables</a>"
                + " · <a href=\"#summaries\">summaries</a> · <a href=\"#config\">config</a></nav>\n");

        h.append("<h2 id=\"manifest\">Manifest</h2>\n");
        if (manifest == null) {
            h.append("<p class=\"missing\">no manifest.json</p>\n");
        } else {
            h.append("<table class=\"kv\">\n");
            Iterator<Map.Entry<String, JsonNode>> it = manifest.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                h.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(value(e.getValue())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }

        h.append("<h2 id=\"figures\">Figures</h2>\n");
        List<Path> pngs = list(root.resolve("figures"), ".png");
        List<Path> svgs = list(root.resolve("figures"), ".svg");
        if (pngs.isEmpty() && svgs.isEmpty()) h.append("<p class=\"missing\">no figures</p>\n");
        for (Path png : pngs) {
            String name = stem(png);
            String rel = "figures/" + png.getFileName();
            h.append("<figure id=\"fig-").append(esc(name)).append("\"><a href=\"").append(esc(rel)).append("\"><img src=\"").append(esc(rel))
                    .append("\" alt=\"").append(esc(name)).append("\" loading=\"lazy\"></a><figcaption>").append(esc(name));
            Path svg = png.resolveSibling(name + ".svg");
            if (Files.exists(svg)) h.append(" · <a href=\"figures/").append(esc(svg.getFileName().toString())).append("\">SVG</a>");
            h.append("</figcaption></figure>\n");
        }
        for (Path svg : svgs) {
            if (Files.exists(svg.resolveSibling(stem(svg) + ".png"))) continue; // shown above
            String rel = "figures/" + svg.getFileName();
            h.append("<figure><img src=\"").append(esc(rel)).append("\" alt=\"").append(esc(stem(svg)))
                    .append("\"><figcaption>").append(esc(stem(svg))).append("</figcaption></figure>\n");
        }

        h.append("<h2 id=\"tables\">Tables</h2>\n");
        List<Path> csvs = listDeep(".csv");
        if (csvs.isEmpty()) h.append("<p class=\"missing\">no CSV tables</p>\n");
        for (Path csv : csvs) table(h, csv);

        h.append("<h2 id=\"summaries\">Summaries</h2>\n");
        List<Path> jsons = new ArrayList<>(listDeep(".json"));
        jsons.remove(root.resolve("manifest.json"));
        if (jsons.isEmpty()) h.append("<p class=\"missing\">no JSON summaries</p>\n");
        for (Path j : jsons) {
            JsonNode n = readJson(j);
            h.append("<h3>").append(esc(root.relativize(j).toString())).append("</h3>\n");
            h.append(n == null ? "<p class=\"missing\">unreadable JSON</p>\n" : "<pre>" + esc(pretty(n)) + "</pre>\n");
        }

        h.append("<h2 id=\"config\">Config</h2>\n");
        Path config = root.resolve("config.yaml");
        if (Files.isRegularFile(config)) {
            h.append("<p>Rerun with <code>--config ").append(esc(config.getFileName().toString())).append("</code>.</p>\n<pre>")
                    .append(esc(readText(config))).append("</pre>\n");
        } else {
            h.append("<p class=\"missing\">no config.yaml</p>\n");
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private void table(StringBuilder h, Path csv) {
        h.append("<h3>").append(esc(root.relativize(csv).toString())).append("</h3>\n");
        List<String[]> rows = new ArrayList<>();
        long total = 0;
        String[] header = null;
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) continue;
                if (header == null) { header = splitCsv(line); continue; }
                if (rows.size() < maxRows) rows.add(splitCsv(line));
                total++;
            }
        } catch (IOException | UncheckedIOException e) {
            h.append("<p class=\"missing\">unreadable: ").append(esc(String.valueOf(e.getMessage()))).append("</p>\n");
            return;
        }
        if (header == null) { h.append("<p class=\"missing\">empty</p>\n"); return; }
        h.append("<div class=\"scroll\"><table class=\"data\">\n<thead><tr>");
        for (String c : header) h.append("<th>").append(esc(c)).append("</th>");
        h.append("</tr></thead>\n<tbody>\n");
        for (String[] row : rows) {
            h.append("<tr>");
            for (String c : row) h.append("<td>").append(esc(c)).append("</td>");
            h.append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");
        h.append("<p class=\"count\">").append(total).append(total == 1 ? " row" : " rows");
        if (total > rows.size()) h.append(", first ").append(rows.size()).append(" shown");
        h.append(" · <a href=\"").append(esc(root.relativize(csv).toString())).append("\">").append(esc(csv.getFileName().toString())).append("</a></p>\n");
    }

    /** Splits one CSV line (RFC 4180 quotes: "a,b" and "" inside quotes). */
    static String[] splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') { cur.append('"'); i++; } else quoted = false;
                } else cur.append(c);
            } else if (c == '"') quoted = true;
            else if (c == ',') { out.add(cur.toString()); cur.setLength(0); }
            else cur.append(c);
        }
        out.add(cur.toString());
        return out.toArray(new String[0]);
    }

    private static String value(JsonNode v) {
        if (v == null || v.isNull()) return "<span class=\"missing\">—</span>";
        if (v.isValueNode()) return esc(v.asText());
        return "<pre>" + esc(pretty(v)) + "</pre>";
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
                if (n.equals("checkpoints") || n.equals("weights") || n.equals("figures") || n.startsWith(".")) continue;
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

    /** HTML escape for text and attribute values. */
    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '&': b.append("&amp;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = String.join("\n",
            "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1600px;padding:0 1em;color:#222}",
            "h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}h3{font-size:1.05em}",
            "nav{margin:.5em 0 1em}a{color:#1f5fa8}",
            "table{border-collapse:collapse;font-size:.85em}th,td{border:1px solid #ddd;padding:.2em .5em;text-align:right}",
            "table.kv th,table.kv td{text-align:left;vertical-align:top}thead th{background:#f4f4f4;position:sticky;top:0}",
            ".scroll{overflow-x:auto;max-width:100%}pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:.85em;margin:0}",
            "figure{display:inline-block;margin:.5em;vertical-align:top}figure img{max-width:100%;border:1px solid #eee}",
            "figcaption{font-size:.85em;color:#555;text-align:center}.missing{color:#999;font-style:italic}.count{font-size:.8em;color:#666}",
            "");
}
