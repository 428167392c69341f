package org.saddlescope.serve;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.saddlescope.report.Html;

/**
 * /files/PATH: a run's files as they are (report.html, figures, CSV tables, weights), and folders as plain listings.
 * Pages served from a run folder may not run scripts (a folder's HTML is shown, never executed as code of this server).
 */
final class FileRoutes {
    private FileRoutes() {}

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("png", "image/png"), Map.entry("svg", "image/svg+xml"),
            Map.entry("pdf", "application/pdf"), Map.entry("csv", "text/csv; charset=utf-8"), Map.entry("json", "application/json; charset=utf-8"),
            Map.entry("yaml", "text/plain; charset=utf-8"), Map.entry("yml", "text/plain; charset=utf-8"), Map.entry("md", "text/plain; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("log", "text/plain; charset=utf-8"));

    static void serve(HttpExchange ex, SafePaths paths, String relative, boolean slash) throws IOException {
        SafePaths.Found f = paths.resolve(relative);
        if (f.refused()) {
            Replies.send(ex, 403, "text/plain; charset=utf-8", "refused: " + relative + " is not a file under the served folder\n");
            return;
        }
        if (!f.ok()) {
            Replies.send(ex, 404, "text/plain; charset=utf-8", "not found: " + relative + "\n");
            return;
        }
        ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'none'; img-src 'self' data:");
        if (Files.isDirectory(f.path())) {
            if (!slash) {
                ex.getResponseHeaders().set("Location", "/files/" + encode(relative) + "/");
                Replies.send(ex, 301, "text/plain", "");
                return;
            }
            Replies.send(ex, 200, "text/html; charset=utf-8", listing(paths, f.path(), relative));
            return;
        }
        file(ex, f.path());
    }

    private static void file(HttpExchange ex, Path file) throws IOException {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String type = TYPES.getOrDefault(dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT), "application/octet-stream");
        long size = Files.size(file);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(200, -1);
            return;
        }
        // a file still growing (metrics.csv of a live run): send the bytes there were when asked
        ex.sendResponseHeaders(200, size == 0 ? -1 : size);
        if (size == 0) return;
        try (var in = Files.newInputStream(file); OutputStream out = ex.getResponseBody()) {
            byte[] buf = new byte[1 << 16];
            long left = size;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) break;
                out.write(buf, 0, n);
                left -= n;
            }
        }
    }

    private static String listing(SafePaths paths, Path dir, String relative) throws IOException {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(Html.esc(relative.isEmpty() ? "runs" : relative)).append("</title><link rel=\"stylesheet\" href=\"/app.css\"></head>")
                .append("<body class=\"listing\"><p><a href=\"/\">all runs</a></p><h1>").append(Html.esc(relative)).append("</h1><table>\n");
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(java.util.Comparator.comparing((Path p) -> !Files.isDirectory(p)).thenComparing(java.util.Comparator.naturalOrder()))
                    .toList();
        }
        for (Path p : entries) {
            String n = p.getFileName().toString() + (Files.isDirectory(p) ? "/" : "");
            h.append("<tr><td><a href=\"").append(Html.esc(encode(n))).append("\">").append(Html.esc(n)).append("</a></td><td class=\"num\">")
                    .append(Files.isDirectory(p) ? "" : Long.toString(Files.size(p))).append("</td></tr>\n");
        }
        return h.append("</table></body></html>\n").toString();
    }

    /** Percent-encodes each segment of a '/'-separated path (slashes kept). */
    static String encode(String path) {
        StringBuilder b = new StringBuilder();
        for (byte c : path.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_.~/".indexOf(c) >= 0) b.append((char) c);
            else b.append('%').append(String.format("%02X", c & 0xff));
        }
        return b.toString();
    }
}
