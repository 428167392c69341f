package org.saddlescope.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CSV files as report.html shows them: the first rows, numbers rounded to four significant digits (the full value in
 * a tooltip and in the linked file), integers, text and blanks as they are, and the count of the rest.
 */
final class HtmlTables {
    private HtmlTables() {}

    /** {@code csv} as a table of its first {@code maxRows} rows, linked by its path relative to {@code outDir}. */
    static void table(StringBuilder h, Path root, Path outDir, Path csv, int maxRows) {
        h.append("<h3>").append(Html.esc(root.relativize(csv).toString())).append("</h3>\n");
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
            h.append("<p class=\"missing\">unreadable: ").append(Html.esc(String.valueOf(e.getMessage()))).append("</p>\n");
            return;
        }
        if (header == null) { h.append("<p class=\"missing\">empty</p>\n"); return; }
        h.append("<div class=\"scroll\"><table class=\"data\">\n<thead><tr>");
        for (String c : header) h.append("<th>").append(Html.esc(c)).append("</th>");
        h.append("</tr></thead>\n<tbody>\n");
        for (String[] row : rows) {
            h.append("<tr>");
            for (String c : row) {
                String shown = cell(c);
                h.append(shown.equals(c) ? "<td>" : "<td title=\"" + Html.esc(c) + "\">").append(Html.esc(shown)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");
        h.append("<p class=\"count\">").append(total).append(total == 1 ? " row" : " rows");
        if (total > rows.size()) h.append(", first ").append(rows.size()).append(" shown");
        String rel = outDir.toAbsolutePath().normalize().relativize(csv.toAbsolutePath().normalize()).toString();
        h.append(" · <a href=\"").append(Html.esc(rel)).append("\">").append(Html.esc(csv.getFileName().toString())).append("</a> (full precision)</p>\n");
    }

    /** A CSV cell as shown: decimals rounded to 4 significant digits; integers, text and blanks as they are. */
    static String cell(String c) {
        String t = c.trim();
        if (t.isEmpty() || !(t.contains(".") || t.contains("e") || t.contains("E"))) return c;
        try {
            return Html.round(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            return c;
        }
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
}
