package org.saddlescope.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;

/**
 * NumPy {@code .npz} archives (a zip of {@code .npy} files, https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html)
 * to and from named matrices. Reading takes float32/float64 and integer arrays in either byte order, C or Fortran
 * order, 0-, 1- or 2-D (a scalar is 1×1, a 1-D array of length n is an n×1 column), stored or deflated
 * ({@code np.savez} and {@code np.savez_compressed}). Encoding writes npy format 1.0, uncompressed as
 * {@code np.savez} does, with {@code fortran_order: True}: a {@link Matrix} is column-major, so its memory is
 * written as it is and {@code numpy.load(f)[name].shape == (rows, cols)}.
 *
 * <p>Nothing here writes files (package rule): {@link #encode} returns bytes; the {@code experiment} layer writes
 * them atomically.
 */
public final class Npz {
    private Npz() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Reads a file; arrays keep their stored precision (float32 → F32, float64 and integers → F64). */
    public static Map<String, Matrix> read(Path file) {
        return read(file, null);
    }

    /** Reads a file converting every array to {@code dtype} (null: keep the stored precision). */
    public static Map<String, Matrix> read(Path file, DType dtype) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataFileException(file, "no such file");
        } catch (IOException e) {
            throw new DataFileException(file, "cannot read: " + e.getMessage());
        }
        return decode(bytes, file, dtype);
    }

    /** Decodes archive bytes; {@code source} names the file in error messages. */
    public static Map<String, Matrix> decode(byte[] bytes, Path source, DType dtype) {
        if (bytes.length < 4 || bytes[0] != 'P' || bytes[1] != 'K') {
            throw new DataFileException(source, "not an .npz file (no zip signature)");
        }
        Map<String, Matrix> out = new LinkedHashMap<>();
        try (ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                if (e.isDirectory()) continue;
                String name = e.getName();
                if (!name.endsWith(".npy")) throw new DataFileException(source, "entry '" + name + "' is not an .npy array");
                byte[] npy = zin.readAllBytes();
                String key = name.substring(0, name.length() - 4);
                if (isText(npy)) continue; // a note beside the arrays (provenance): see readTexts
                out.put(key, decodeNpy(npy, source, key, dtype));
            }
        } catch (ZipException ex) {
            throw new DataFileException(source, "corrupt zip archive (" + ex.getMessage() + ")");
        } catch (IllegalArgumentException ex) {
            // ZipInputStream's complaint about an entry name that is not valid UTF-8
            throw new DataFileException(source, "corrupt zip archive (an entry name is not valid UTF-8)");
        } catch (java.io.EOFException ex) {
            throw new DataFileException(source, "truncated zip archive");
        } catch (IOException ex) {
            throw new DataFileException(source, "cannot read zip archive: " + ex.getMessage());
        }
        if (out.isEmpty()) throw new DataFileException(source, "no arrays in the archive");
        return out;
    }

    /** The text entries of a file (NumPy unicode arrays, '<U'), by name: the notes {@link #encode(Map, Map)} writes. */
    public static Map<String, String> readTexts(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataFileException(file, "cannot read: " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        try (ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                byte[] npy = zin.readAllBytes();
                if (!e.getName().endsWith(".npy") || !isText(npy)) continue;
                out.put(e.getName().substring(0, e.getName().length() - 4), decodeText(npy, file));
            }
        } catch (IOException ex) {
            throw new DataFileException(file, "cannot read zip archive: " + ex.getMessage());
        }
        return out;
    }

    /** The header of one .npy array (format versions 1 to 3): its dict text and where its data begin. */
    private record NpyHeader(String dict, int dataStart) {
        static NpyHeader parse(byte[] b, Path source, String where) {
            if (b.length < 10) throw new DataFileException(source, where + "truncated .npy header");
            for (int i = 0; i < MAGIC.length; i++) {
                if (b[i] != MAGIC[i]) throw new DataFileException(source, where + "not an .npy array (bad magic)");
            }
            int major = b[6] & 0xff;
            int headerLen, start;
            ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            if (major == 1) { headerLen = le.getShort(8) & 0xffff; start = 10; }
            else if (major == 2 || major == 3) {
                if (b.length < 12) throw new DataFileException(source, where + "truncated .npy header");
                headerLen = le.getInt(8); start = 12;
            } else throw new DataFileException(source, where + "unsupported .npy format version " + major);
            if (headerLen < 0 || start + (long) headerLen > b.length) throw new DataFileException(source, where + "truncated .npy header");
            String dict = new String(b, start, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            return new NpyHeader(dict, start + headerLen);
        }
    }

    private static boolean isText(byte[] npy) {
        try {
            Matcher m = DESCR.matcher(NpyHeader.parse(npy, null, "").dict());
            return m.find() && m.group(1).length() > 1 && m.group(1).charAt(1) == 'U';
        } catch (DataFileException e) {
            return false; // decoded as an array, which names what is wrong
        }
    }

    /** A 0-d (or one-element) little-endian unicode array: UTF-32 code points, NUL-padded. */
    private static String decodeText(byte[] b, Path source) {
        NpyHeader h = NpyHeader.parse(b, source, "text array: ");
        Matcher md = DESCR.matcher(h.dict());
        md.find();
        String descr = md.group(1);
        if (descr.charAt(0) == '>') throw new DataFileException(source, "big-endian text arrays are not supported");
        int chars = Integer.parseInt(descr.substring(2));
        int start = h.dataStart();
        StringBuilder sb = new StringBuilder();
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < chars && start + 4 * i + 4 <= b.length; i++) {
            int cp = le.getInt(start + 4 * i);
            if (cp == 0) break;
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** One .npy array as a matrix. */
    public static Matrix decodeNpy(byte[] b, Path source, String name, DType dtype) {
        String where = "array '" + name + "': ";
        NpyHeader h = NpyHeader.parse(b, source, where);
        String header = h.dict();
        Matcher md = DESCR.matcher(header), mf = FORTRAN.matcher(header), ms = SHAPE.matcher(header);
        if (!md.find() || !mf.find() || !ms.find()) throw new DataFileException(source, where + "malformed .npy header: " + header.trim());
        String descr = md.group(1);
        boolean fortran = mf.group(1).equals("True");
        String[] dims = ms.group(1).trim().isEmpty() ? new String[0] : ms.group(1).split(",");
        long[] shape = new long[dims.length];
        int nd = 0;
        for (String d : dims) {
            if (d.trim().isEmpty()) continue;
            try {
                shape[nd++] = Long.parseLong(d.trim());
            } catch (NumberFormatException ex) {
                throw new DataFileException(source, where + "bad shape (" + ms.group(1) + ")");
            }
        }
        if (nd > 2) throw new DataFileException(source, where + nd + "-D arrays are not supported (only 0-, 1- and 2-D)");
        long rowsL = nd == 0 ? 1 : shape[0], colsL = nd == 2 ? shape[1] : 1;
        if (rowsL < 0 || colsL < 0 || rowsL * colsL > Integer.MAX_VALUE) throw new DataFileException(source, where + "bad shape (" + ms.group(1) + ")");
        int rows = (int) rowsL, cols = (int) colsL, n = rows * cols;

        if (descr.length() < 3) throw new DataFileException(source, where + "unsupported dtype '" + descr + "'");
        char order = descr.charAt(0), kind = descr.charAt(1);
        int size;
        try {
            size = Integer.parseInt(descr.substring(2));
        } catch (NumberFormatException ex) {
            throw new DataFileException(source, where + "unsupported dtype '" + descr + "'");
        }
        boolean ok = (kind == 'f' && (size == 4 || size == 8)) || ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8))
                || (kind == 'b' && size == 1);
        if (!ok || (order != '<' && order != '>' && order != '|' && order != '=')) {
            throw new DataFileException(source, where + "unsupported dtype '" + descr + "' (float32/64 or integers)");
        }
        int data = h.dataStart();
        long need = (long) n * size;
        if (b.length - data < need) {
            throw new DataFileException(source, where + "truncated data: shape (" + ms.group(1).trim() + ") needs " + need
                    + " bytes, found " + (b.length - data));
        }
        ByteBuffer buf = ByteBuffer.wrap(b, data, (int) need).slice().order(order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        DType target = dtype != null ? dtype : (kind == 'f' && size == 4 ? DType.F32 : DType.F64);
        Matrix m = Matrix.zeros(target, rows, cols);
        if (fortran || rows == 1 || cols == 1) {
            // file order is column-major already: element k is flat index k
            if (kind == 'f' && size == 4 && target == DType.F32) {
                m.floatBuffer().put(0, toFloats(buf.asFloatBuffer(), n));
            } else if (kind == 'f' && size == 8 && target == DType.F64) {
                double[] v = new double[n];
                buf.asDoubleBuffer().get(v);
                m.doubleBuffer().put(0, v);
            } else {
                for (int k = 0; k < n; k++) m.setFlat(k, element(buf, k, kind, size));
            }
        } else {
            // C order: element (i, j) is at i*cols + j
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m.set(i, j, element(buf, i * cols + j, kind, size));
        }
        return m;
    }

    private static float[] toFloats(java.nio.FloatBuffer fb, int n) {
        float[] v = new float[n];
        fb.get(v);
        return v;
    }

    private static double element(ByteBuffer buf, int k, char kind, int size) {
        int at = k * size;
        if (kind == 'f') return size == 4 ? buf.getFloat(at) : buf.getDouble(at);
        if (kind == 'b') return buf.get(at) != 0 ? 1 : 0;
        if (kind == 'u') {
            switch (size) {
                case 1: return buf.get(at) & 0xff;
                case 2: return buf.getShort(at) & 0xffff;
                case 4: return buf.getInt(at) & 0xffffffffL;
                default: { long v = buf.getLong(at); return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1); }
            }
        }
        switch (size) {
            case 1: return buf.get(at);
            case 2: return buf.getShort(at);
            case 4: return buf.getInt(at);
            default: return buf.getLong(at);
        }
    }

    /** An .npz archive (uncompressed, like {@code np.savez}) of the matrices in map order. */
    public static byte[] encode(Map<String, Matrix> arrays) {
        return encode(arrays, Map.of());
    }

    /**
     * The matrices, then each text as a 0-d NumPy unicode array ('&lt;U' with as many characters as the text has code
     * points): {@code str(np.load(f)[name])} gives the text back. The readers here skip text entries.
     */
    public static byte[] encode(Map<String, Matrix> arrays, Map<String, String> texts) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream zos = new ZipOutputStream(bos)) {
            for (Map.Entry<String, Matrix> e : arrays.entrySet()) entry(zos, e.getKey(), encodeNpy(e.getValue()));
            for (Map.Entry<String, String> e : texts.entrySet()) entry(zos, e.getKey(), encodeText(e.getValue()));
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex); // in-memory stream: does not happen
        }
        return bos.toByteArray();
    }

    private static void entry(ZipOutputStream zos, String name, byte[] npy) throws IOException {
        if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("bad array name '" + name + "' for an .npz archive");
        }
        ZipEntry ze = new ZipEntry(name + ".npy");
        ze.setMethod(ZipEntry.STORED);
        ze.setSize(npy.length);
        ze.setCompressedSize(npy.length);
        CRC32 crc = new CRC32();
        crc.update(npy);
        ze.setCrc(crc.getValue());
        ze.setTime(0); // fixed timestamp: the same weights give the same bytes
        zos.putNextEntry(ze);
        zos.write(npy);
        zos.closeEntry();
    }

    /** A text as a 0-d .npy unicode array (format 1.0): UTF-32LE code points. */
    public static byte[] encodeText(String text) {
        int[] cps = text.codePoints().toArray();
        String dict = String.format(Locale.ROOT, "{'descr': '<U%d', 'fortran_order': False, 'shape': (), }", Math.max(1, cps.length));
        byte[] head = header(dict);
        ByteBuffer out = ByteBuffer.allocate(head.length + 4 * Math.max(1, cps.length)).order(ByteOrder.LITTLE_ENDIAN);
        out.put(head);
        for (int cp : cps) out.putInt(cp);
        return out.array();
    }

    /** Magic, version 1.0, header length and the header dict padded so the data start on a 64-byte boundary. */
    private static byte[] header(String dict) {
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1; // + final newline
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.ISO_8859_1));
        return out.array();
    }

    /** One matrix as .npy (format 1.0, little-endian, Fortran order, shape (rows, cols)). */
    public static byte[] encodeNpy(Matrix m) {
        String descr = m.dtype() == DType.F32 ? "<f4" : "<f8";
        String dict = String.format(Locale.ROOT, "{'descr': '%s', 'fortran_order': True, 'shape': (%d, %d), }", descr, m.rows(), m.cols());
        byte[] head = header(dict);
        int n = m.size();
        ByteBuffer out = ByteBuffer.allocate(head.length + n * m.dtype().bytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put(head);
        if (m.dtype() == DType.F32) {
            out.asFloatBuffer().put(m.floatBuffer().duplicate().position(0).limit(n));
        } else {
            out.asDoubleBuffer().put(m.doubleBuffer().duplicate().position(0).limit(n));
        }
        return out.array();
    }
}
