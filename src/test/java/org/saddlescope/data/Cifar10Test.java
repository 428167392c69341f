package org.saddlescope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.linalg.DType;

class Cifar10Test {
    @TempDir Path dir;

    /** n records: label = (seed + j) % 10, channel c of pixel p = (p + 7c + 31 seed + j) mod 256. */
    static byte[] batch(int n, int seed) {
        byte[] b = new byte[n * Cifar10.RECORD];
        for (int j = 0; j < n; j++) {
            b[j * Cifar10.RECORD] = (byte) ((seed + j) % 10);
            for (int c = 0; c < 3; c++) for (int p = 0; p < 1024; p++) {
                b[j * Cifar10.RECORD + 1 + c * 1024 + p] = (byte) value(seed, j, c, p);
            }
        }
        return b;
    }

    static int value(int seed, int j, int c, int p) { return (p + 7 * c + 31 * seed + j) % 256; }

    void writeFolder(Path d) throws IOException {
        Files.createDirectories(d);
        for (int i = 1; i <= 5; i++) Files.write(d.resolve("data_batch_" + i + ".bin"), batch(2, i));
        Files.write(d.resolve("test_batch.bin"), batch(3, 9));
    }

    @Test
    void greyIsLuminanceOverPixelsAndRgbKeepsPlanes() throws IOException {
        writeFolder(dir.resolve("cifar-10-batches-bin")); // the archive's folder name is found under DIR
        Dataset grey = Cifar10.loadSplit(dir, true, false, DType.F64);
        assertEquals(1024, grey.inputDim());
        assertEquals(10, grey.size());
        assertArrayEquals(new int[] {1, 2, 2, 3, 3, 4, 4, 5, 5, 6}, grey.labels());
        Dataset rgb = Cifar10.loadSplit(dir, true, true, DType.F32);
        assertEquals(3072, rgb.inputDim());
        for (int col = 0; col < 10; col++) {
            int file = col / 2 + 1, j = col % 2;
            for (int p : new int[] {0, 1, 500, 1023}) {
                double r = value(file, j, 0, p), g = value(file, j, 1, p), b = value(file, j, 2, p);
                // 1e-15: the same float64 expression, possibly in another order of operations (an ulp of values ≤ 1)
                assertEquals((0.299 * r + 0.587 * g + 0.114 * b) / 255, grey.x().get(p, col), 1e-15);
                for (int c = 0; c < 3; c++) {
                    assertEquals(value(file, j, c, p) / 255.0, rgb.x().get(c * 1024 + p, col), 1e-7); // float32 rounding
                }
            }
        }
        Dataset test = Cifar10.loadSplit(dir, false, false, DType.F32);
        assertEquals(3, test.size());
        assertEquals("cifar10-grey-test", test.name());
    }

    void assertProblem(Path file, String fragment, Runnable r) {
        DataFileException e = assertThrows(DataFileException.class, r::run);
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void malformedBatches() throws IOException {
        Path truncated = dir.resolve("t.bin");
        Files.write(truncated, Arrays.copyOf(batch(2, 0), 2 * Cifar10.RECORD - 5));
        assertProblem(truncated, "not a multiple of the 3073-byte", () -> Cifar10.load(List.of(truncated), false, "x", DType.F32));
        byte[] bad = batch(2, 0);
        bad[Cifar10.RECORD] = 10;
        Path badLabel = dir.resolve("l.bin");
        Files.write(badLabel, bad);
        assertProblem(badLabel, "label 10 in record 1", () -> Cifar10.load(List.of(badLabel), false, "x", DType.F32));
        Path empty = dir.resolve("e.bin");
        Files.write(empty, new byte[0]);
        assertProblem(empty, "empty", () -> Cifar10.load(List.of(empty), true, "x", DType.F32));
        Path folder = dir.resolve("partial");
        Files.createDirectories(folder);
        Files.write(folder.resolve("data_batch_1.bin"), batch(1, 0));
        assertProblem(folder, "no data_batch_2.bin", () -> Cifar10.loadSplit(folder, true, false, DType.F32));
    }
}
