package org.saddlescope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.linalg.DType;

class IdxTest {
    @TempDir Path dir;

    static byte[] images(int magic, int n, int rows, int cols, byte[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
        b.putInt(magic).putInt(n).putInt(rows).putInt(cols).put(pixels);
        return b.array();
    }

    static byte[] labels(int magic, int n, byte[] values) {
        ByteBuffer b = ByteBuffer.allocate(8 + values.length);
        b.putInt(magic).putInt(n).put(values);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) { gz.write(raw); }
        return out.toByteArray();
    }

    /** 3 images of 2×3 pixels with known bytes (including 255 to check unsigned reading). */
    static byte[] pixels() {
        byte[] p = new byte[18];
        for (int k = 0; k < 18; k++) p[k] = (byte) (k * 15);
        p[17] = (byte) 255;
        return p;
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsPlainAndGzipTheSame() throws IOException {
        byte[] im = images(0x803, 3, 2, 3, pixels());
        byte[] lb = labels(0x801, 3, new byte[] {7, 0, 9});
        for (boolean gz : new boolean[] {false, true}) {
            // gzip is detected by magic bytes whatever the name says
            Path ip = write("im" + gz, gz ? gzip(im) : im);
            Path lp = write("lb" + gz, gz ? gzip(lb) : lb);
            for (DType dt : DType.values()) {
                Dataset d = Idx.load(ip, lp, "t", dt);
                assertEquals(6, d.inputDim());
                assertEquals(3, d.size());
                assertArrayEquals(new int[] {7, 0, 9}, d.labels());
                assertEquals(1.0, d.targets().get(7, 0), 0.0);
                // image j is column j; pixel (r, c) is row r*cols + c, value byte/255
                for (int j = 0; j < 3; j++) for (int i = 0; i < 6; i++) {
                    int byteValue = pixels()[j * 6 + i] & 0xff;
                    assertEquals(byteValue / 255.0, d.x().get(i, j), dt == DType.F32 ? 1e-7 : 0.0);
                }
                assertEquals(1.0, d.x().get(5, 2), 0.0);
            }
        }
    }

    @Test
    void findsStandardNamesInAFolder() throws IOException {
        write("train-images-idx3-ubyte.gz", gzip(images(0x803, 3, 2, 3, pixels())));
        write("train-labels-idx1-ubyte", labels(0x801, 3, new byte[] {1, 2, 3}));
        Dataset d = Idx.loadSplit(dir, true, "fake", DType.F32);
        assertEquals("fake-train", d.name());
        DataFileException e = assertThrows(DataFileException.class, () -> Idx.loadSplit(dir, false, "fake", DType.F32));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte"), e.getMessage());
        assertThrows(DataFileException.class, () -> Idx.loadSplit(dir.resolve("missing"), true, "x", DType.F32));
    }

    void assertProblem(Path file, String fragment, Runnable r) {
        DataFileException e = assertThrows(DataFileException.class, r::run);
        assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void malformedFilesGiveOneLineErrorsNamingFileAndProblem() throws IOException {
        Path lb = write("lb", labels(0x801, 3, new byte[] {1, 2, 3}));
        Path wrongMagic = write("a", images(0x12345678, 3, 2, 3, pixels()));
        assertProblem(wrongMagic, "not an IDX file", () -> Idx.load(wrongMagic, lb, "x", DType.F32));
        Path swapped = write("b", labels(0x801, 3, new byte[] {1, 2, 3}));
        assertProblem(swapped, "1 dimensions, expected 3", () -> Idx.load(swapped, lb, "x", DType.F32));
        Path floats = write("c", images(0x0D03, 3, 2, 3, pixels()));
        assertProblem(floats, "data type 0x0d", () -> Idx.load(floats, lb, "x", DType.F32));
        Path truncated = write("d", Arrays.copyOf(images(0x803, 3, 2, 3, pixels()), 30));
        assertProblem(truncated, "truncated", () -> Idx.load(truncated, lb, "x", DType.F32));
        Path header = write("e", new byte[] {0, 0, 8, 3, 0, 0});
        assertProblem(header, "truncated header", () -> Idx.load(header, lb, "x", DType.F32));
        Path extra = write("f", Arrays.copyOf(images(0x803, 3, 2, 3, pixels()), 40));
        assertProblem(extra, "bytes after", () -> Idx.load(extra, lb, "x", DType.F32));
        Path gzTrunc = write("g", Arrays.copyOf(gzip(images(0x803, 3, 2, 3, pixels())), 20));
        assertProblem(gzTrunc, "gzip", () -> Idx.load(gzTrunc, lb, "x", DType.F32));
        Path good = write("h", images(0x803, 3, 2, 3, pixels()));
        Path fewLabels = write("i", labels(0x801, 2, new byte[] {1, 2}));
        assertProblem(good, "3 images but i has 2 labels", () -> Idx.load(good, fewLabels, "x", DType.F32));
        Path badLabel = write("j", labels(0x801, 3, new byte[] {1, 12, 3}));
        assertProblem(badLabel, "label 12 at index 1", () -> Idx.load(good, badLabel, "x", DType.F32));
        Path truncLabels = write("k", Arrays.copyOf(labels(0x801, 3, new byte[] {1, 2, 3}), 10));
        assertProblem(truncLabels, "truncated", () -> Idx.load(good, truncLabels, "x", DType.F32));
        Path missing = dir.resolve("nothing");
        assertProblem(missing, "no such file", () -> Idx.load(missing, lb, "x", DType.F32));
    }

    @Test
    void realFashionMnistTestSplitWhenInstalled() {
        Dataset d = Idx.loadSplit(org.saddlescope.RealData.folder(Catalog.FASHION_MNIST), false, "fashion-mnist", DType.F32);
        assertEquals(784, d.inputDim());
        assertEquals(10000, d.size());
        int[] perClass = new int[10];
        for (int l : d.labels()) perClass[l]++;
        for (int c = 0; c < 10; c++) assertEquals(1000, perClass[c], "Fashion-MNIST's test split is balanced");
        double min = Double.MAX_VALUE, max = -1;
        for (int k = 0; k < d.x().size(); k++) { min = Math.min(min, d.x().getFlat(k)); max = Math.max(max, d.x().getFlat(k)); }
        assertEquals(0.0, min, 0.0);
        assertEquals(1.0, max, 0.0);
    }
}
