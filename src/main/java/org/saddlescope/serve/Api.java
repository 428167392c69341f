package org.saddlescope.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.saddlescope.runs.RunFiles;

/**
 * The page's JSON: {@code runs} (the index), {@code run?run=ID} (one run: its summary, the columns of metrics.csv,
 * the x axes it offers, plateaus and escapes), {@code metrics?run=ID&x=COL&cols=A,B&points=N[&lo=&hi=]} (the curves,
 * decimated to what N buckets in log x can show) or {@code metrics?...&from=ROW} (the rows appended since ROW, as
 * they are: a live run's growth), and {@code spectra?run=ID&from=ROW}.
 */
final class Api {
    /** Rows sent per reply of appended rows; the page asks again for the rest. */
    static final int MAX_ROWS = 50_000;
    static final int MAX_BUCKETS = 10_000;

    record Reply(int status, String body) {}

    private final SafePaths paths;
    private final RunData data;

    Api(SafePaths paths, RunData data) {
        this.paths = paths;
        this.data = data;
    }

    Reply answer(String what, Query q) throws IOException {
        if (what.equals("runs")) return ok(runs());
        Path run = run(q.get("run"));
        if (run == null) return new Reply(404, JsonText.of(Map.of("error", "no run '" + q.get("run") + "' under the served folder")));
        switch (what) {
            case "run": return ok(run(run));
            case "metrics": return metrics(run, q);
            case "spectra": return spectra(run, q);
            default: return new Reply(404, JsonText.of(Map.of("error", "unknown API " + what)));
        }
    }

    private static Reply ok(Object v) {
        return new Reply(200, JsonText.of(v));
    }

    private Path run(String id) {
        if (id == null || id.isEmpty()) return null;
        SafePaths.Found f = paths.resolve(id);
        return f.ok() && Files.isDirectory(f.path()) && org.saddlescope.runs.RunFolder.isRun(f.path()) ? f.path() : null;
    }

    private Map<String, Object> runs() {
        List<Object> list = new ArrayList<>();
        for (Path dir : RunSummaries.find(paths.root())) list.add(RunSummaries.summary(paths.name(dir), dir));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("root", paths.root().toString());
        m.put("uplot", Vendor.UPLOT_VERSION);
        m.put("runs", list);
        return m;
    }

    private Map<String, Object> run(Path dir) throws IOException {
        Map<String, Object> m = RunSummaries.summary(paths.name(dir), dir);
        CsvTail.View v = data.metrics(dir);
        m.put("columns", v.names());
        List<String> axes = new ArrayList<>();
        for (String x : RunData.X_AXES) if (v.names().contains(x)) axes.add(x);
        m.put("x_axes", axes);
        m.put("rows", v.rows());
        m.put("saddles", Map.of("plateaus", RunFiles.rows(dir.resolve(RunFiles.PLATEAUS)), "escapes", RunFiles.rows(dir.resolve(RunFiles.ESCAPES))));
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString() + (Files.isDirectory(p) ? "/" : "")).filter(n -> !n.startsWith(".")).sorted().forEach(files::add);
        }
        m.put("files", files);
        return m;
    }

    private Reply metrics(Path dir, Query q) throws IOException {
        CsvTail.View v = data.metrics(dir);
        int cx = v.column(q.get("x", "step"));
        if (cx < 0) return new Reply(400, JsonText.of(Map.of("error", "metrics.csv has no column '" + q.get("x") + "'")));
        List<String> names = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        for (String c : q.get("cols", "").split(",")) {
            int i = v.column(c);
            if (i >= 0 && !names.contains(c)) { names.add(c); ys.add(i); }
        }
        int[] yi = ys.stream().mapToInt(Integer::intValue).toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", v.rows());
        m.put("x", v.names().get(cx));
        m.put("columns", names);
        double from = q.number("from", -1);
        double[][] cols;
        if (from >= 0) {
            int start = (int) Math.min(from, v.rows()), end = (int) Math.min(v.rows(), (long) start + MAX_ROWS);
            cols = Decimation.rows(v, cx, yi, start, end);
            m.put("next", end);
        } else {
            int buckets = (int) Math.max(16, Math.min(MAX_BUCKETS, q.number("points", 2000)));
            cols = Decimation.logMinMax(v, cx, yi, q.number("lo", Double.NaN), q.number("hi", Double.NaN), buckets);
            m.put("next", v.rows());
        }
        m.put("data", cols);
        return ok(m);
    }

    private Reply spectra(Path dir, Query q) throws IOException {
        CsvTail.View v = data.spectra(dir);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", v.rows());
        int start = (int) Math.min(Math.max(0, q.number("from", 0)), v.rows()), end = (int) Math.min(v.rows(), (long) start + 4L * MAX_ROWS);
        int step = v.column("step"), layer = v.column("layer"), index = v.column("index"), value = v.column("singular_value");
        if (step < 0 || layer < 0 || index < 0 || value < 0) {
            m.put("next", v.rows());
            m.put("data", new double[4][0]);
            return ok(m);
        }
        m.put("next", end);
        m.put("data", Decimation.rows(v, step, new int[] {layer, index, value}, start, end));
        return ok(m);
    }
}
