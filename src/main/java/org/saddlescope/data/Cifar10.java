package org.saddlescope.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;

/**
 * CIFAR-10 binary batches (https://www.cs.toronto.edu/~kriz/cifar.html, "binary version"): data_batch_1..5.bin
 * and test_batch.bin, each a sequence of 3073-byte records: 1 label byte (0..9), then 1024 red, 1024 green and
 * 1024 blue bytes, each plane 32×32 in row order.
 *
 * <p>Grey (default, as the paper's appendix C uses 1024 inputs): luminance 0.299R + 0.587G + 0.114B (ITU-R BT.601,
 * the weights of PIL's {@code convert("L")} and torchvision's {@code Grayscale}, without their rounding to
 * integers), then /255, so inputs lie in [0, 1] like the IDX reader's. RGB: 3072 inputs, R plane, G plane, B plane
 * (torch's CHW flatten), each /255.
 */
public final class Cifar10 {
    private Cifar10() {}

    public static final int RECORD = 3073;
    public static final int PIXELS = 1024;
    public static final String[] CLASSES = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};

    /** The number of records in the uncompressed batch {@code b} of file {@code f}, after checking sizes and labels. */
    static int checkBatch(Path f, byte[] b) {
        if (b.length == 0) throw new DataFileException(f, "empty file");
        if (b.length % RECORD != 0) {
            throw new DataFileException(f, "size " + b.length + " is not a multiple of the 3073-byte CIFAR-10 record"
                    + " (truncated or not a binary batch)");
        }
        int n = b.length / RECORD;
        for (int j = 0; j < n; j++) {
            int label = b[j * RECORD] & 0xff;
            if (label > 9) throw new DataFileException(f, "label " + label + " in record " + j + " is outside 0..9");
        }
        return n;
    }

    /** Reads one or more batch files as one data set (records in file order). */
    public static Dataset load(List<Path> files, boolean rgb, String name, DType dtype) {
        List<byte[]> contents = new ArrayList<>();
        int total = 0;
        for (Path f : files) {
            byte[] b = Idx.readBytes(f);
            total += checkBatch(f, b);
            contents.add(b);
        }
        int d = rgb ? 3 * PIXELS : PIXELS;
        Matrix x = Matrix.zeros(dtype, d, total);
        int[] labels = new int[total];
        int col = 0;
        double[] column = new double[d];
        for (byte[] b : contents) {
            int n = b.length / RECORD;
            if (rgb) {
                // records are label + 3072 pixel bytes: fill 3072-row columns straight from the bytes
                Matrix part = Idx.unitPixels(b, 1, 3 * PIXELS, RECORD, n, dtype);
                copyColumns(part, x, col);
                part.close();
                for (int j = 0; j < n; j++) labels[col + j] = b[j * RECORD] & 0xff;
            } else {
                Matrix view = x.columns(col, n);
                for (int j = 0; j < n; j++) {
                    int base = j * RECORD;
                    labels[col + j] = b[base] & 0xff;
                    for (int p = 0; p < PIXELS; p++) {
                        int r = b[base + 1 + p] & 0xff, g = b[base + 1 + PIXELS + p] & 0xff, bl = b[base + 1 + 2 * PIXELS + p] & 0xff;
                        column[p] = (0.299 * r + 0.587 * g + 0.114 * bl) / 255.0;
                    }
                    fillColumn(view, j, column);
                }
            }
            col += n;
        }
        return Dataset.classification(name, x, labels, 10);
    }

    private static void fillColumn(Matrix m, int j, double[] values) {
        m.put(j * m.rows(), values, 0, m.rows());
    }

    private static void copyColumns(Matrix src, Matrix dst, int at) {
        dst.columns(at, src.cols()).copyFrom(src);
    }

    /** The training (data_batch_1..5) or test (test_batch) split from DIR or DIR/cifar-10-batches-bin. */
    public static Dataset loadSplit(Path dir, boolean train, boolean rgb, DType dtype) {
        Path base = folder(dir);
        List<Path> files = new ArrayList<>();
        if (train) {
            for (int i = 1; i <= 5; i++) files.add(require(base, "data_batch_" + i + ".bin"));
        } else {
            files.add(require(base, "test_batch.bin"));
        }
        return load(files, rgb, "cifar10" + (rgb ? "-rgb" : "-grey") + (train ? "-train" : "-test"), dtype);
    }

    static Path folder(Path dir) {
        if (!Files.isDirectory(dir)) throw new DataFileException(dir, "no such folder");
        Path nested = dir.resolve("cifar-10-batches-bin");
        return Files.isDirectory(nested) ? nested : dir;
    }

    private static Path require(Path dir, String name) {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) throw new DataFileException(dir, "no " + name + " in this folder (CIFAR-10 binary version)");
        return p;
    }
}
