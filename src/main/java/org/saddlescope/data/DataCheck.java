package org.saddlescope.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Checks one file against its {@link Catalog} entry: its structure always (IDX magic, counts, 28×28 images, exact
 * size, labels in 0..9; CIFAR-10's 3073-byte records and labels), then its published checksums. A file with a
 * broken structure is a {@link DataFileException}; a well-formed file that matches no published checksum is
 * returned as unverified, and the caller decides.
 */
public final class DataCheck {
    private DataCheck() {}

    /**
     * {@code verified}: a published checksum matched (or the file came out of a verified archive); {@code check}
     * says which, or why not, in words; {@code structure} what the file holds.
     */
    public record Verdict(boolean verified, String check, String structure) { }

    /**
     * @param file            the file to read
     * @param shownAs         the name errors give it (where it came from: a temp copy is named by its source)
     * @param verifiedArchive null, or a description of the verified archive the file was taken from (for CIFAR-10
     *                        batches, which have no checksum of their own)
     */
    public static Verdict check(Catalog.Spec spec, Catalog.Entry e, Path file, String shownAs, String verifiedArchive) {
        try {
            return checkFile(spec, e, file, verifiedArchive);
        } catch (DataFileException x) {
            String m = x.getMessage(), own = file.toString();
            throw m.startsWith(own) ? new DataFileException(shownAs + m.substring(own.length())) : x;
        }
    }

    private static Verdict checkFile(Catalog.Spec spec, Catalog.Entry e, Path file, String verifiedArchive) {
        byte[] raw = Idx.readRaw(file);
        boolean gz = Idx.isGzip(raw);
        byte[] content = Idx.gunzipIfGzip(file, raw);
        String structure = structure(e, file, content);
        if (verifiedArchive != null) return new Verdict(true, "taken from " + verifiedArchive, structure);
        String rawMd5 = hex(digest("MD5", raw));
        String contentMd5 = gz ? hex(digest("MD5", content)) : rawMd5;
        if (gz && rawMd5.equals(e.archiveMd5())) {
            return new Verdict(true, "MD5 of the .gz = published " + rawMd5 + " (" + spec.archiveSource() + ")", structure);
        }
        if (contentMd5.equals(e.contentMd5())) {
            String why = gz ? "this .gz is a recompression: its own MD5 is not the published one"
                    : "the published .gz MD5 cannot apply to an uncompressed file";
            return new Verdict(true, "MD5 of the uncompressed file = published " + contentMd5 + " (" + spec.contentSource()
                    + "); " + why, structure);
        }
        if (e.contentMd5() == null && e.archiveMd5() == null) {
            return new Verdict(false, "no checksum is published for a single " + e.name() + " (only " + spec.archive()
                    + " has one): structure checked only", structure);
        }
        String expected = (e.archiveMd5() != null ? ".gz " + e.archiveMd5() : "")
                + (e.archiveMd5() != null && e.contentMd5() != null ? " or " : "")
                + (e.contentMd5() != null ? "uncompressed " + e.contentMd5() : "");
        return new Verdict(false, "MD5 " + (gz ? rawMd5 + " (content " + contentMd5 + ")" : rawMd5)
                + " matches no published checksum (expected " + expected + ")", structure);
    }

    private static String structure(Catalog.Entry e, Path file, byte[] content) {
        switch (e.kind()) {
            case IDX_IMAGES: {
                Idx.Images im = Idx.parseImages(file, content);
                if (im.count() != e.count() || im.rows() != 28 || im.cols() != 28) {
                    throw new DataFileException(file, "holds " + im.count() + " images of " + im.rows() + "x" + im.cols()
                            + ", but " + e.name() + " has " + e.count() + " of 28x28");
                }
                return "IDX images " + im.count() + " x 28 x 28";
            }
            case IDX_LABELS: {
                int[] labels = Idx.parseLabels(file, content, 10);
                if (labels.length != e.count()) {
                    throw new DataFileException(file, "holds " + labels.length + " labels, but " + e.name() + " has " + e.count());
                }
                return "IDX labels " + labels.length + " in 0..9";
            }
            default: {
                int n = Cifar10.checkBatch(file, content);
                if (n != e.count()) throw new DataFileException(file, "holds " + n + " records, but " + e.name() + " has " + e.count());
                return "CIFAR-10 batch " + n + " x 3073 bytes, labels in 0..9";
            }
        }
    }

    /** The entry of {@code spec} a file name stands for (gzip suffix and the {@code x-images.idx3-ubyte} spelling allowed), or null. */
    public static Catalog.Entry entryFor(Catalog.Spec spec, String fileName) {
        String n = fileName.endsWith(".gz") ? fileName.substring(0, fileName.length() - 3) : fileName;
        n = n.replace(".idx", "-idx");
        return spec.entry(n);
    }

    public static byte[] digest(String algorithm, byte[] data) {
        return messageDigest(algorithm).digest(data);
    }

    /** Digest of a whole file, streamed. */
    public static byte[] digest(String algorithm, Path file) {
        MessageDigest md = messageDigest(algorithm);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) md.update(buf, 0, r);
        } catch (NoSuchFileException x) {
            throw new DataFileException(file, "no such file");
        } catch (IOException x) {
            throw new DataFileException(file, "cannot read: " + x.getMessage());
        }
        return md.digest();
    }

    public static MessageDigest messageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException x) {
            throw new IllegalStateException(algorithm + " is part of every Java platform", x);
        }
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    public static String base64(byte[] digest) {
        return Base64.getEncoder().encodeToString(digest);
    }
}
