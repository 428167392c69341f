package org.saddlescope.data;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Elementwise;
import org.saddlescope.linalg.Matrix;

/**
 * MNIST / Fashion-MNIST in IDX format (http://yann.lecun.com/exdb/mnist/): images {@code idx3-ubyte}
 * (magic 0x00000803, count, rows, cols, then count·rows·cols unsigned bytes, one image after another in row
 * order) and labels {@code idx1-ubyte} (magic 0x00000801, count, then count bytes). Files may be gzip-compressed
 * (detected by the magic bytes 1f 8b, whatever the name). Every problem is a {@link DataFileException} naming the
 * file and the problem in one line.
 *
 * <p>Pixels are returned as x/255 ∈ [0, 1] (the paper's standardisation, appendix B, starts from x/255; see
 * {@link Standardize}). Image j is column j of X and its pixel (r, c) is row r·cols + c, as
 * {@code torch.flatten} orders it.
 */
public final class Idx {
    private Idx() {}

    /** Where Debian's package dataset-fashion-mnist installs the files. */
    public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    /** Raw images: count × (rows·cols) unsigned bytes, image after image. */
    public record Images(Path file, int count, int rows, int cols, byte[] pixels, int offset) {
        public int pixelsPerImage() { return rows * cols; }
    }

    /** Reads a whole file, gunzipping it if it starts with 1f 8b. */
    static byte[] readBytes(Path file) {
        return gunzipIfGzip(file, readRaw(file));
    }

    /** The bytes of a file as they are on disk. */
    static byte[] readRaw(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataFileException(file, "no such file");
        } catch (IOException e) {
            throw new DataFileException(file, "cannot read: " + e.getMessage());
        }
    }

    static boolean isGzip(byte[] raw) {
        return raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b;
    }

    /** The uncompressed content of {@code raw} (the bytes of {@code file}, named in errors): itself unless gzip. */
    static byte[] gunzipIfGzip(Path file, byte[] raw) {
        if (isGzip(raw)) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
                // gzip's trailer holds the uncompressed size mod 2^32: size the buffer from it, capped (a corrupt
                // trailer must not allocate a gigabyte; the stream grows the buffer if the guess is short)
                long isize = raw.length >= 4 ? ((raw[raw.length - 4] & 0xffL) | (raw[raw.length - 3] & 0xffL) << 8
                        | (raw[raw.length - 2] & 0xffL) << 16 | (raw[raw.length - 1] & 0xffL) << 24) : 0;
                int initial = (int) Math.min(Math.min(1 << 28, raw.length * 16L), isize > 0 ? isize + 1 : raw.length * 4L);
                ByteArrayOutputStream out = new ByteArrayOutputStream(initial);
                in.transferTo(out);
                return out.toByteArray();
            } catch (EOFException e) {
                throw new DataFileException(file, "truncated gzip stream");
            } catch (ZipException e) {
                throw new DataFileException(file, "corrupt gzip stream (" + e.getMessage() + ")");
            } catch (IOException e) {
                throw new DataFileException(file, "cannot decompress: " + e.getMessage());
            }
        }
        return raw;
    }

    private static int int32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static void checkMagic(Path file, byte[] b, int expected, String what) {
        if (b.length < 4) throw new DataFileException(file, "too short for an IDX header (" + b.length + " bytes)");
        int magic = int32(b, 0);
        if (magic == expected) return;
        if ((magic >>> 16) != 0) {
            throw new DataFileException(file, String.format("not an IDX file (magic 0x%08x, expected 0x%08x for %s)",
                    magic, expected, what));
        }
        int type = (magic >>> 8) & 0xff, dims = magic & 0xff;
        if (type != 0x08) {
            throw new DataFileException(file, String.format("IDX data type 0x%02x not supported (expected 0x08, unsigned byte)", type));
        }
        throw new DataFileException(file, "IDX file has " + dims + " dimensions, expected " + (expected & 0xff) + " for " + what);
    }

    public static Images readImages(Path file) {
        return parseImages(file, readBytes(file));
    }

    /** Images from the uncompressed bytes {@code b} of {@code file} (named in errors). */
    static Images parseImages(Path file, byte[] b) {
        checkMagic(file, b, IMAGES_MAGIC, "images");
        if (b.length < 16) throw new DataFileException(file, "truncated header (" + b.length + " of 16 bytes)");
        int n = int32(b, 4), rows = int32(b, 8), cols = int32(b, 12);
        if (n < 0 || rows <= 0 || cols <= 0) {
            throw new DataFileException(file, "bad dimensions " + n + "x" + rows + "x" + cols);
        }
        long expected = 16L + (long) n * rows * cols;
        if (b.length < expected) {
            throw new DataFileException(file, "truncated: header says " + n + " images of " + rows + "x" + cols + " ("
                    + expected + " bytes) but the data has " + b.length + " bytes");
        }
        if (b.length > expected) {
            throw new DataFileException(file, (b.length - expected) + " bytes after the " + n + " images the header declares");
        }
        return new Images(file, n, rows, cols, b, 16);
    }

    /** Labels, each checked to lie in [0, numClasses). */
    public static int[] readLabels(Path file, int numClasses) {
        return parseLabels(file, readBytes(file), numClasses);
    }

    /** Labels from the uncompressed bytes {@code b} of {@code file} (named in errors). */
    static int[] parseLabels(Path file, byte[] b, int numClasses) {
        checkMagic(file, b, LABELS_MAGIC, "labels");
        if (b.length < 8) throw new DataFileException(file, "truncated header (" + b.length + " of 8 bytes)");
        int n = int32(b, 4);
        if (n < 0) throw new DataFileException(file, "bad label count " + n);
        long expected = 8L + n;
        if (b.length < expected) {
            throw new DataFileException(file, "truncated: header says " + n + " labels but the file has " + (b.length - 8));
        }
        if (b.length > expected) throw new DataFileException(file, (b.length - expected) + " bytes after the " + n + " labels");
        int[] labels = new int[n];
        for (int j = 0; j < n; j++) {
            labels[j] = b[8 + j] & 0xff;
            if (labels[j] >= numClasses) {
                throw new DataFileException(file, "label " + labels[j] + " at index " + j + " is outside 0.." + (numClasses - 1));
            }
        }
        return labels;
    }

    /** Images and labels as a classification data set with inputs x/255 (d = rows·cols, one column per image). */
    public static Dataset load(Path imagesFile, Path labelsFile, String name, DType dtype) {
        Images im = readImages(imagesFile);
        int[] labels = readLabels(labelsFile, 10);
        if (labels.length != im.count()) {
            throw new DataFileException(imagesFile, im.count() + " images but " + labelsFile.getFileName() + " has "
                    + labels.length + " labels");
        }
        Matrix x = unitPixels(im.pixels(), im.offset(), im.pixelsPerImage(), im.count(), dtype);
        return Dataset.classification(name, x, labels, 10);
    }

    /**
     * d × n matrix of bytes/255 from {@code n} consecutive d-byte records starting at {@code offset}, with
     * {@code stride} bytes from one record's start to the next (d for IDX). Filled in bulk through the
     * matrix's buffer, a few thousand columns at a time, so no second full-size array is needed.
     */
    static Matrix unitPixels(byte[] b, int offset, int d, int n, DType dtype) {
        return unitPixels(b, offset, d, d, n, dtype);
    }

    static Matrix unitPixels(byte[] b, int offset, int d, int stride, int n, DType dtype) {
        Matrix x = Matrix.zeros(dtype, d, n);
        Elementwise.lookupBytes(b, offset, stride, n, UNIT_PIXELS, x);
        return x;
    }

    /** bytes/255 as a table, rounded once: the same numbers in F32 and F64 up to float rounding. */
    private static final double[] UNIT_PIXELS = new double[256];

    static {
        for (int v = 0; v < 256; v++) UNIT_PIXELS[v] = v / 255.0;
    }

    /** The training or test split from a folder holding the four standard files (gzip or plain). */
    public static Dataset loadSplit(Path dir, boolean train, String name, DType dtype) {
        String prefix = train ? "train" : "t10k";
        Path images = find(dir, prefix, "images", "idx3");
        Path labels = find(dir, prefix, "labels", "idx1");
        return load(images, labels, name + (train ? "-train" : "-test"), dtype);
    }

    /** The images file of a split in a folder (as {@link #loadSplit} finds it). */
    public static Path imagesFile(Path dir, boolean train) {
        return find(dir, train ? "train" : "t10k", "images", "idx3");
    }

    /** train-images-idx3-ubyte[.gz], or the variant train-images.idx3-ubyte[.gz] some mirrors use. */
    static Path find(Path dir, String prefix, String kind, String idx) {
        if (!Files.isDirectory(dir)) throw new DataFileException(dir, "no such folder");
        String[] names = {prefix + "-" + kind + "-" + idx + "-ubyte", prefix + "-" + kind + "." + idx + "-ubyte"};
        for (String n : names) {
            for (String ext : new String[] {"", ".gz"}) {
                Path p = dir.resolve(n + ext);
                if (Files.isRegularFile(p)) return p;
            }
        }
        throw new DataFileException(dir, "no " + names[0] + "[.gz] in this folder");
    }
}
