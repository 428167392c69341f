package org.saddlescope.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.saddlescope.io.Json;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.RunFiles;

/**
 * The index of a folder of runs: every run folder under it (to a depth of four: sweeps hold their points in
 * subfolders; hidden, checkpoints/, figures/ and weights/ folders are skipped), each summarised from its manifest,
 * config.yaml, the last rows of metrics.csv (read from the end of the file, never whole) and escapes.csv.
 */
final class RunSummaries {
    private RunSummaries() {}

    static final int MAX_DEPTH = 4;
    static final int MAX_RUNS = 5000;
    private static final List<String> SKIP = List.of(RunFiles.CHECKPOINTS, RunFiles.FIGURES, RunFiles.WEIGHTS);
    /** config.yaml fields shown in the index (those a run of the command has). */
    static final List<String> CONFIG = List.of("preset", "dataset", "subset", "hidden", "activation", "cost", "dtype", "batch", "optimizer",
            "lr", "lr_power", "init_scale", "seed", "steps", "epochs");

    /** Every run folder under {@code root}, sorted by name. */
    static List<Path> find(Path root) {
        List<Path> out = new ArrayList<>();
        walk(root, 0, out);
        out.sort(null);
        return out;
    }

    private static void walk(Path dir, int depth, List<Path> out) {
        if (out.size() >= MAX_RUNS || depth > MAX_DEPTH) return;
        if (depth > 0 && RunFolder.isRun(dir)) out.add(dir);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") || SKIP.contains(n) || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
                walk(p, depth + 1, out);
            }
        } catch (IOException e) {
            // an unreadable folder holds no runs we can show
        }
    }

    /** One run's line in the index. */
    static Map<String, Object> summary(String id, Path dir) {
        Map<String, Object> m = new LinkedHashMap<>();
        JsonNode manifest = read(dir.resolve(RunFiles.MANIFEST), false);
        JsonNode config = read(dir.resolve(RunFiles.CONFIG), true);
        long pid = LockProbe.holder(dir);
        m.put("id", id);
        m.put("command", text(manifest.path("command")));
        m.put("status", status(pid, manifest));
        if (pid >= 0) m.put("pid", pid);
        Map<String, Object> cfg = new LinkedHashMap<>();
        for (String k : CONFIG) {
            JsonNode v = config.path(k);
            if (!v.isMissingNode() && !v.isNull()) cfg.put(k, v.isContainerNode() ? v.toString() : v.isNumber() ? v.numberValue() : v.asText());
        }
        m.put("config", cfg);
        Map<String, Double> last = lastRow(dir.resolve(RunFiles.METRICS), List.of("step", "epoch", "loss", "time_s", "nominal_step", "q"));
        m.put("step", whole(last.getOrDefault("step", manifest.path("steps").asDouble(Double.NaN))));
        m.put("epoch", whole(last.getOrDefault("epoch", manifest.path("epochs").asDouble(Double.NaN))));
        m.put("loss", finite(last.getOrDefault("loss", Double.NaN)));
        if (last.containsKey("nominal_step")) m.put("nominal_step", whole(last.get("nominal_step")));
        double seconds = manifest.hasNonNull("train_seconds") && pid < 0 ? manifest.get("train_seconds").asDouble()
                : last.getOrDefault("time_s", Double.NaN);
        m.put("seconds", finite(seconds));
        m.put("escapes", dataRows(dir.resolve(RunFiles.ESCAPES)));
        m.put("dataset", text(manifest.path("dataset")));
        m.put("widths", manifest.has("widths") ? manifest.get("widths").toString() : null);
        m.put("started", text(manifest.path("start")));
        m.put("ended", text(manifest.path("end")));
        m.put("message", text(manifest.path("message")));
        m.put("report", Files.isRegularFile(dir.resolve(RunFiles.REPORT)));
        m.put("metrics", Files.isRegularFile(dir.resolve(RunFiles.METRICS)));
        return m;
    }

    /**
     * live (a process holds its lock), finished (the budget or loss target reached, or a command that recorded its
     * end), failed (diverged), interrupted (stopped by a signal, or killed: no end and nobody holds it), unknown.
     */
    static String status(long pid, JsonNode manifest) {
        if (pid >= 0) return "live";
        if (manifest.isMissingNode()) return "unknown";
        String stop = manifest.path("stop").asText("");
        if (stop.equals("diverged")) return "failed";
        if (stop.equals("interrupted")) return "interrupted";
        if (stop.equals("budget") || stop.equals("loss_target")) return "finished";
        return manifest.hasNonNull("end") ? "finished" : "interrupted";
    }

    static JsonNode read(Path file, boolean yaml) {
        if (!Files.isRegularFile(file)) return MissingNode.getInstance();
        try {
            JsonNode n = (yaml ? Json.YAML : Json.JSON).readTree(file.toFile());
            return n == null ? MissingNode.getInstance() : n;
        } catch (IOException | RuntimeException e) {
            return MissingNode.getInstance(); // being replaced this instant, or damaged: the index shows what it can
        }
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asText();
    }

    static Long whole(double v) {
        return Double.isFinite(v) ? Math.round(v) : null;
    }

    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Data rows of a small CSV file (0 when absent). */
    static int dataRows(Path csv) {
        if (!Files.isRegularFile(csv)) return 0;
        try (Stream<String> lines = Files.lines(csv, StandardCharsets.UTF_8)) {
            return (int) Math.max(0, lines.filter(l -> !l.isBlank()).count() - 1);
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /**
     * The named columns' last finite values among the last complete rows of a CSV file, read from its end (the
     * header from its start): the cost does not grow with the file.
     */
    static Map<String, Double> lastRow(Path csv, List<String> columns) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(csv)) return out;
        try (RandomAccessFile f = new RandomAccessFile(csv.toFile(), "r")) {
            String header = f.readLine();
            if (header == null) return out;
            String[] names = header.split(",", -1);
            long len = f.length();
            int tail = (int) Math.min(len, 1 << 16);
            byte[] b = new byte[tail];
            f.seek(len - tail);
            f.readFully(b);
            String[] lines = new String(b, StandardCharsets.UTF_8).split("\n", -1);
            // the last element is what follows the final newline (a row being written): skip it; so is the first, cut
            for (int i = lines.length - 2; i >= 1 || (i == 0 && tail == len); i--) {
                if (lines[i].isBlank() || lines[i].equals(header)) continue;
                String[] cells = lines[i].split(",", -1);
                for (int c = 0; c < names.length && c < cells.length; c++) {
                    String name = names[c].trim();
                    if (!columns.contains(name) || out.containsKey(name) || cells[c].isBlank()) continue;
                    try {
                        double v = Double.parseDouble(cells[c].trim());
                        if (Double.isFinite(v)) out.put(name, v);
                    } catch (NumberFormatException e) {
                        // not a number: look further up
                    }
                }
                if (out.size() == columns.stream().filter(List.of(names)::contains).count()) break;
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
