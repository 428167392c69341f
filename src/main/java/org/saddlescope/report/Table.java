package org.saddlescope.report;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A numeric CSV table read back from a run folder (metrics.csv, spectra.csv): columns by name, NaN for blanks. A
 * line not yet ended (a live run appending) is left out.
 */
public final class Table {
    private final List<String> header;
    private final Map<String, double[]> columns;
    private final int rows;

    private Table(List<String> header, Map<String, double[]> columns, int rows) {
        this.header = header;
        this.columns = columns;
        this.rows = rows;
    }

    public static Table read(Path csv) {
        CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
        List<String[]> lines = new ArrayList<>();
        String text;
        try {
            text = java.nio.file.Files.readString(csv, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv + ": " + e.getMessage(), e);
        }
        // a file another process is appending to may end inside a row: read the complete lines only
        int end = text.lastIndexOf('\n');
        text = end < 0 ? "" : text.substring(0, end + 1);
        try (MappingIterator<String[]> it = mapper.readerFor(String[].class).with(CsvSchema.emptySchema()).readValues(text)) {
            while (it.hasNext()) lines.add(it.next());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) return new Table(List.of(), Map.of(), 0);
        List<String> header = List.of(lines.get(0));
        int n = lines.size() - 1;
        Map<String, double[]> cols = new LinkedHashMap<>();
        for (int c = 0; c < header.size(); c++) {
            double[] v = new double[n];
            for (int r = 0; r < n; r++) {
                String[] row = lines.get(r + 1);
                v[r] = c < row.length ? parse(row[c]) : Double.NaN;
            }
            cols.put(header.get(c), v);
        }
        return new Table(header, cols, n);
    }

    private static double parse(String s) {
        if (s == null || s.isBlank() || s.equalsIgnoreCase("nan")) return Double.NaN;
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    public List<String> header() { return header; }
    public int rows() { return rows; }
    public boolean has(String column) { return columns.containsKey(column); }

    /**
     * The time axis of a metrics.csv table: {@code nominal_step} (the minibatch steps of the configured law, the axis
     * of spectra.csv and the saddle files, the same as {@code step} unless a fast-forward ran) where it has one.
     */
    public String timeAxis() { return has("nominal_step") ? "nominal_step" : "step"; }

    /**
     * The label of {@link #timeAxis}: "step" where the nominal step is the update count in every row (no fast-forward
     * ran: figures of ordinary runs keep their words), else the nominal step's meaning.
     */
    public String timeLabel() {
        if (!has("nominal_step") || !has("step")) return "step";
        double[] a = column("step"), b = column("nominal_step");
        for (int i = 0; i < a.length; i++) if (Double.isFinite(b[i]) && a[i] != b[i]) return "nominal step (minibatch steps at the configured lr)";
        return "step";
    }

    public double[] column(String name) {
        double[] v = columns.get(name);
        if (v == null) throw new IllegalArgumentException("no column '" + name + "' (have " + header + ")");
        return v;
    }

    /** Rows where both columns are finite (and x > 0 when it will be drawn on a log axis). */
    public double[][] finitePairs(String x, String y, boolean positiveX, boolean positiveY) {
        double[] xs = column(x), ys = column(y);
        List<double[]> keep = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) continue;
            if (positiveX && xs[i] <= 0 || positiveY && ys[i] <= 0) continue;
            keep.add(new double[] {xs[i], ys[i]});
        }
        double[][] out = new double[2][keep.size()];
        for (int i = 0; i < keep.size(); i++) { out[0][i] = keep.get(i)[0]; out[1][i] = keep.get(i)[1]; }
        return out;
    }
}
