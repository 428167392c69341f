package org.saddlescope.serve;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A CSV file that a run appends to (metrics.csv, spectra.csv), held as numeric columns and read incrementally: each
 * {@link #refresh} reads only the bytes appended since the last one, up to the last complete line (a row being
 * written is left for the next). A file that shrank or was replaced (a resume cuts metrics.csv back to its checkpoint)
 * is read again from the start. Blank and non-numeric cells are NaN. Columns are kept when {@code keep} accepts their
 * name: the first is stored as double (steps are exact), the rest as float (plotted values: 7 digits suffice).
 */
final class CsvTail {
    private static final int CHUNK = 1 << 20;

    private final Path file;
    private final Predicate<String> keep;
    private Object fileKey;
    private long offset;
    private String[] names = new String[0];
    private int[] source = new int[0]; // kept column -> index in the file's header
    private int width;
    private double[] first = new double[0];
    private float[][] rest = new float[0][];
    private int rows;
    private long bytesRead;

    CsvTail(Path file, Predicate<String> keep) {
        this.file = file;
        this.keep = keep;
    }

    /** Reads what was appended since the last call; returns whether anything changed. */
    synchronized boolean refresh() throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            boolean had = offset > 0;
            reset(null);
            return had;
        }
        boolean restarted = false;
        if (!Objects.equals(a.fileKey(), fileKey) || a.size() < offset) {
            restarted = offset > 0;
            reset(a.fileKey());
        }
        if (a.size() == offset) return restarted;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            read(ch, a.size());
        }
        return true;
    }

    private void reset(Object key) {
        fileKey = key;
        offset = 0;
        names = new String[0];
        source = new int[0];
        width = 0;
        first = new double[0];
        rest = new float[0][];
        rows = 0;
    }

    private void read(FileChannel ch, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        byte[] carry = new byte[0];
        long pos = offset;
        while (pos < size) {
            buf.clear();
            int n = ch.read(buf, pos);
            if (n <= 0) break;
            pos += n;
            bytesRead += n;
            byte[] bytes = new byte[carry.length + n];
            System.arraycopy(carry, 0, bytes, 0, carry.length);
            System.arraycopy(buf.array(), 0, bytes, carry.length, n);
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] != '\n') continue;
                line(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                offset += i - start + 1;
                start = i + 1;
            }
            carry = Arrays.copyOfRange(bytes, start, bytes.length);
        }
    }

    private void line(String text) {
        if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
        if (text.isEmpty()) return;
        if (width == 0) {
            header(text.split(",", -1));
            return;
        }
        if (rows == first.length) grow();
        int col = 0, kept = 0, start = 0;
        for (int i = 0; i <= text.length() && kept < source.length; i++) {
            if (i < text.length() && text.charAt(i) != ',') continue;
            if (col == source[kept]) {
                double v = number(text, start, i);
                if (kept == 0) first[rows] = v; else rest[kept - 1][rows] = (float) v;
                kept++;
            }
            col++;
            start = i + 1;
        }
        for (; kept < source.length; kept++) if (kept == 0) first[rows] = Double.NaN; else rest[kept - 1][rows] = Float.NaN;
        rows++;
    }

    private void header(String[] cols) {
        width = cols.length;
        List<String> n = new ArrayList<>();
        List<Integer> s = new ArrayList<>();
        for (int i = 0; i < cols.length; i++) {
            if (i == 0 || keep.test(cols[i].trim())) {
                n.add(cols[i].trim());
                s.add(i);
            }
        }
        names = n.toArray(new String[0]);
        source = s.stream().mapToInt(Integer::intValue).toArray();
        rest = new float[names.length - 1][0];
    }

    private void grow() {
        int cap = Math.max(1024, first.length * 2);
        first = Arrays.copyOf(first, cap);
        for (int c = 0; c < rest.length; c++) rest[c] = Arrays.copyOf(rest[c], cap);
    }

    private static double number(String s, int from, int to) {
        while (from < to && s.charAt(from) == ' ') from++;
        while (to > from && s.charAt(to - 1) == ' ') to--;
        if (from == to) return Double.NaN;
        try {
            return Double.parseDouble(s.substring(from, to));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * The rows read so far, without copying: the arrays only grow by reallocation and a refresh writes only past
     * {@code rows}, so a view stays valid (and unchanged) while later refreshes go on.
     */
    record View(List<String> names, double[] first, float[][] rest, int rows) {
        /** Column {@code c} (0 = the first, stored as double) at {@code row}. */
        double get(int c, int row) { return c == 0 ? first[row] : rest[c - 1][row]; }

        int column(String name) { return names.indexOf(name); }
    }

    synchronized View view() { return new View(List.of(names), first, rest.clone(), rows); }

    /** Bytes consumed so far (through the last complete line). */
    synchronized long offset() { return offset; }

    /** Bytes read from the file over this reader's life (a row being written is read again when complete). */
    synchronized long bytesRead() { return bytesRead; }

    /** Bytes held in memory (for the cache's budget). */
    synchronized long bytes() {
        return (long) first.length * 8 + (long) rest.length * (rest.length == 0 ? 0 : rest[0].length) * 4;
    }
}
