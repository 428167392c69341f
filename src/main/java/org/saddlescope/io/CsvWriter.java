package org.saddlescope.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Appends rows to a CSV file (metrics.csv, spectra.csv) and flushes after each row so a killed run keeps
 * what it logged. Numbers are written with full round-trip precision. On resume, {@link #truncateAfter}
 * drops rows logged after the checkpoint so the file matches an uninterrupted run.
 */
public final class CsvWriter implements AutoCloseable {
    private final BufferedWriter out;
    private final int columns;

    public CsvWriter(Path file, String[] header, boolean append) {
        try {
            boolean exists = append && Files.exists(file) && Files.size(file) > 0;
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    exists ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            columns = header.length;
            if (!exists) {
                out.write(String.join(",", header));
                out.newLine();
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public void row(Object... values) {
        if (values.length != columns) throw new IllegalArgumentException("expected " + columns + " values, got " + values.length);
        try {
            for (int i = 0; i < values.length; i++) {
                if (i > 0) out.write(',');
                out.write(format(values[i]));
            }
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String format(Object v) {
        if (v == null) return "";
        if (v instanceof Double d) return d.isNaN() ? "nan" : Double.toString(d);
        if (v instanceof Float f) return Float.toString(f);
        return cell(v.toString());
    }

    /** RFC 4180 quoting, the one in saddlescope: text that holds a comma, a quote or a line break is quoted, quotes doubled. */
    public static String cell(String s) {
        if (!(s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r"))) return s;
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** Bad input unless {@code file} is there with at least {@code length} bytes (what a checkpoint recorded). */
    public static void checkLength(Path file, long length) {
        try {
            long size = Files.size(file);
            if (size < length) {
                throw new BadInputException(file + " is shorter (" + size + " bytes) than at the last checkpoint (" + length
                        + "): it was changed after the run wrote it");
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BadInputException(file + " is missing, but the last checkpoint says it had " + length + " bytes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cuts an appended file back to {@code length} bytes, as it was at a checkpoint ({@link #checkLength} first). */
    public static void truncateTo(Path file, long length) {
        checkLength(file, length);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(length);
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps the header and the rows whose first column (a step) is ≤ lastStep. */
    public static void truncateAfter(Path file, long lastStep) {
        if (!Files.exists(file)) return;
        try {
            java.util.List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (i > 0) {
                    int c = line.indexOf(',');
                    String first = c < 0 ? line : line.substring(0, c);
                    try {
                        if (Long.parseLong(first.trim()) > lastStep) continue;
                    } catch (NumberFormatException e) {
                        continue;
                    }
                }
                sb.append(line).append('\n');
            }
            AtomicFiles.writeAtomically(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.17g", v);
    }
}
