package org.saddlescope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.io.Json;

/**
 * Two run folders compared byte for byte apart from timings: every file must exist in both and be identical, except
 * that timing values are masked first — JSON keys and CSV columns named like start, end, seconds, time_s, elapsed,
 * per_second (and the same keys and columns where report.html shows them), and ISO-8601 instants anywhere in text.
 */
final class FolderDiff {
    private FolderDiff() {}

    /** A key or column that holds a time (when, or how long), not a result. */
    static final Pattern TIMING = Pattern.compile("start|end|started|ended|time_s|seconds|.*_seconds|elapsed.*|.*per_second.*|spectra_fraction_of_training");
    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
    private static final Pattern JSON_IN_HTML = Pattern.compile("&quot;([A-Za-z_]+)&quot; : ([^,\\n]+)");

    /** Relative paths that differ (or exist in one folder only), with the masked first difference. */
    static List<String> differences(Path a, Path b) throws IOException {
        return differences(a, b, Pattern.compile("(?!)"));
    }

    /**
     * As {@link #differences(Path, Path)}, also masking the keys matching {@code environment} (e.g. the manifest's
     * machine block, when one side ran in another JVM with another heap and processor count).
     */
    static List<String> differences(Path a, Path b, Pattern environment) throws IOException {
        TreeSet<String> files = new TreeSet<>(list(a));
        files.addAll(list(b));
        List<String> out = new ArrayList<>();
        for (String f : files) {
            Path fa = a.resolve(f), fb = b.resolve(f);
            if (!Files.exists(fa) || !Files.exists(fb)) {
                out.add(f + " (only in " + (Files.exists(fa) ? a : b) + ")");
                continue;
            }
            byte[] ma = masked(fa, environment), mb = masked(fb, environment);
            if (!Arrays.equals(ma, mb)) out.add(f + firstDifference(ma, mb));
        }
        return out;
    }

    private static List<String> list(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            // .lock names the last process that held the folder (pid, time): not part of what a run computed
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
                    .filter(n -> !n.endsWith(org.saddlescope.io.FolderLock.FILE)).toList();
        }
    }

    static byte[] masked(Path f) throws IOException {
        return masked(f, Pattern.compile("(?!)"));
    }

    static byte[] masked(Path f, Pattern environment) throws IOException {
        String name = f.getFileName().toString();
        byte[] raw = Files.readAllBytes(f);
        if (name.endsWith(".json")) return Json.JSON.writeValueAsBytes(mask(Json.JSON.readTree(raw), environment));
        if (name.endsWith(".html")) {
            String t = new String(raw, StandardCharsets.UTF_8);
            // the manifest as report.html shows it (a JSON block, or a key/value table row): drop the environment block
            t = Pattern.compile("(?s)&quot;(" + environment.pattern() + ")&quot; : \\{.*?\\}").matcher(t).replaceAll("&quot;$1&quot; : (environment)");
            t = Pattern.compile("(?s)<th>(" + environment.pattern() + ")</th><td>.*?</td>").matcher(t).replaceAll("<th>$1</th><td>(environment)</td>");
            return maskText(t).getBytes(StandardCharsets.UTF_8);
        }
        if (name.endsWith(".csv")) return maskCsv(new String(raw, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        if (name.endsWith(".md") || name.endsWith(".txt")) {
            return maskText(new String(raw, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        }
        return raw;
    }

    private static JsonNode mask(JsonNode n, Pattern environment) {
        if (n instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            List<String> keys = new ArrayList<>();
            while (it.hasNext()) keys.add(it.next().getKey());
            for (String k : keys) {
                if (TIMING.matcher(k).matches()) o.set(k, TextNode.valueOf("(time)"));
                else if (environment.matcher(k).matches()) o.set(k, TextNode.valueOf("(environment)"));
                else o.set(k, mask(o.get(k), environment));
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) ((com.fasterxml.jackson.databind.node.ArrayNode) n).set(i, mask(n.get(i), environment));
        }
        return n;
    }

    private static String maskCsv(String text) {
        String[] lines = text.split("\n", -1);
        if (lines.length == 0) return text;
        String[] header = lines[0].split(",", -1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            for (int c = 0; c < cells.length; c++) {
                if (i > 0 && c < header.length && TIMING.matcher(header[c]).matches()) cells[c] = "(time)";
            }
            b.append(String.join(",", cells)).append(i < lines.length - 1 ? "\n" : "");
        }
        return b.toString();
    }

    /** Instants, JSON timing keys as HTML shows them, and the cells of timing columns in HTML tables. */
    private static String maskText(String text) {
        String t = INSTANT.matcher(text).replaceAll("(instant)");
        Matcher m = JSON_IN_HTML.matcher(t);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(TIMING.matcher(m.group(1)).matches() ? "&quot;" + m.group(1) + "&quot; : (time)" : m.group()));
        }
        m.appendTail(b);
        return maskHtmlTables(b.toString());
    }

    private static final Pattern TABLE = Pattern.compile("(?s)<table.*?</table>");
    private static final Pattern ROW = Pattern.compile("(?s)<tr>(.*?)</tr>");
    private static final Pattern CELL = Pattern.compile("(?s)<t([hd])>(.*?)</t[hd]>");

    private static String maskHtmlTables(String html) {
        Matcher tm = TABLE.matcher(html);
        StringBuilder out = new StringBuilder();
        while (tm.find()) {
            List<String> header = null;
            StringBuilder table = new StringBuilder();
            Matcher rm = ROW.matcher(tm.group());
            int last = 0;
            while (rm.find()) {
                table.append(tm.group(), last, rm.start());
                last = rm.end();
                Matcher cm = CELL.matcher(rm.group(1));
                List<String> cells = new ArrayList<>();
                List<String> kinds = new ArrayList<>();
                while (cm.find()) {
                    kinds.add(cm.group(1));
                    cells.add(cm.group(2));
                }
                if (header == null && !kinds.isEmpty() && kinds.stream().allMatch("h"::equals)) header = cells;
                StringBuilder row = new StringBuilder("<tr>");
                for (int c = 0; c < cells.size(); c++) {
                    boolean timing = header != null && kinds.get(c).equals("d") && c < header.size() && TIMING.matcher(header.get(c)).matches();
                    // key/value rows (<th>start</th><td>...</td>) of the manifest table
                    boolean keyed = c > 0 && kinds.get(c - 1).equals("h") && kinds.get(c).equals("d") && TIMING.matcher(cells.get(c - 1)).matches();
                    row.append("<t").append(kinds.get(c)).append('>').append(timing || keyed ? "(time)" : cells.get(c)).append("</t")
                            .append(kinds.get(c)).append('>');
                }
                table.append(row).append("</tr>");
            }
            table.append(tm.group().substring(last));
            tm.appendReplacement(out, Matcher.quoteReplacement(table.toString()));
        }
        tm.appendTail(out);
        return out.toString();
    }

    private static String firstDifference(byte[] a, byte[] b) {
        String sa = new String(a, StandardCharsets.UTF_8), sb = new String(b, StandardCharsets.UTF_8);
        int i = 0;
        while (i < sa.length() && i < sb.length() && sa.charAt(i) == sb.charAt(i)) i++;
        if (i >= sa.length() && i >= sb.length()) return "";
        int from = Math.max(0, i - 40);
        return ": ..." + sa.substring(from, Math.min(sa.length(), i + 40)).replace('\n', '|') + "... vs ..."
                + sb.substring(from, Math.min(sb.length(), i + 40)).replace('\n', '|') + "...";
    }
}
