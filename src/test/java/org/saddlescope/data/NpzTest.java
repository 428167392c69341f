package org.saddlescope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;

class NpzTest {
    static final Path SRC = Path.of("test.npz");

    static byte[] resource(String name) throws IOException {
        try (InputStream in = NpzTest.class.getResourceAsStream("/npz/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void roundTripKeepsNamesOrderShapesAndBits() {
        SplittableRandom r = new SplittableRandom(1);
        Map<String, Matrix> in = new LinkedHashMap<>();
        int[][] shapes = {{3, 5}, {1, 7}, {4, 1}, {1, 1}, {33, 2}};
        int q = 0;
        for (int[] s : shapes) {
            for (DType dt : DType.values()) {
                double[] v = new double[s[0] * s[1]];
                for (int k = 0; k < v.length; k++) v[k] = r.nextGaussian();
                in.put("W" + (++q), Matrix.fromColumnMajor(dt, s[0], s[1], v));
            }
        }
        byte[] bytes = Npz.encode(in);
        Map<String, Matrix> out = Npz.decode(bytes, SRC, null);
        assertEquals(List.copyOf(in.keySet()), List.copyOf(out.keySet()));
        for (String k : in.keySet()) {
            Matrix a = in.get(k), b = out.get(k);
            assertEquals(a.dtype(), b.dtype());
            assertEquals(a.shape(), b.shape());
            assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 0.0);
        }
        // deterministic bytes (fixed zip timestamps) and 64-byte aligned data
        assertArrayEquals(bytes, Npz.encode(in));
        byte[] npy = Npz.encodeNpy(in.get("W1"));
        int headerLen = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN).getShort(8);
        assertEquals(0, (10 + headerLen) % 64);
        String header = new String(npy, 10, headerLen, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': True, 'shape': (3, 5), }"), header);
        assertTrue(header.endsWith("\n"));
        // converting on read
        assertEquals(DType.F64, Npz.decode(bytes, SRC, DType.F64).get("W1").dtype());
    }

    @Test
    void readsWhatNumpyWrites() throws IOException {
        // written once by NumPy 1.24 (np.savez / np.savez_compressed), see the script in the commit message
        for (String file : new String[] {"numpy_savez.npz", "numpy_compressed.npz"}) {
            Map<String, Matrix> m = Npz.decode(resource(file), SRC, null);
            Matrix a = m.get("a");
            assertEquals(DType.F32, a.dtype());
            assertArrayEquals(new double[][] {{0.5, 1.5, 2.5}, {3.5, 4.5, 5.5}}, a.toRows()); // C order
            Matrix b = m.get("b");
            assertEquals(DType.F64, b.dtype());
            assertArrayEquals(new double[][] {{1.25, -2.0}, {3.0, 4.5}, {5.0, 6.0}}, b.toRows()); // Fortran order
        }
        Map<String, Matrix> m = Npz.decode(resource("numpy_savez.npz"), SRC, null);
        assertEquals(List.of("a", "b", "c", "d", "e"), List.copyOf(m.keySet()));
        assertEquals("3x1", m.get("c").shape());
        assertArrayEquals(new double[] {7, -8, 9}, m.get("c").toDoubleArray(), 0.0);
        assertArrayEquals(new double[][] {{1, 2}, {3, 4}}, m.get("d").toRows()); // big-endian
        assertEquals("1x1", m.get("e").shape());
        assertEquals(3.5, m.get("e").get(0, 0), 0.0);
    }

    static byte[] zip(String entry, byte[] content) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            z.putNextEntry(new ZipEntry(entry));
            z.write(content);
            z.closeEntry();
        }
        return bos.toByteArray();
    }

    static byte[] npy(String dict, byte[] data) {
        byte[] h = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h).put(data);
        return b.array();
    }

    void assertProblem(byte[] bytes, String fragment) {
        DataFileException e = assertThrows(DataFileException.class, () -> Npz.decode(bytes, SRC, null));
        assertTrue(e.getMessage().startsWith("test.npz: "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void malformedArchives() throws IOException {
        byte[] good = Npz.encode(Map.of("W1", Matrix.fromColumnMajor(DType.F64, 2, 2, new double[] {1, 2, 3, 4})));
        assertProblem("hello".getBytes(StandardCharsets.US_ASCII), "not an .npz");
        assertProblem(Arrays.copyOf(good, good.length / 2), "zip");
        assertProblem(zip("notes.txt", new byte[] {1}), "not an .npy");
        assertProblem(zip("x.npy", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}), "bad magic");
        byte[] f8 = new byte[32];
        assertProblem(zip("x.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2, 2), }", f8)), "3-D");
        assertProblem(zip("x.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", f8)), "truncated data");
        assertProblem(zip("x.npy", npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new byte[16])), "unsupported dtype");
        assertProblem(zip("x.npy", npy("{'descr': '<f8', 'shape': (1,), }", new byte[8])), "malformed .npy header");
        DataFileException e = assertThrows(DataFileException.class, () -> Npz.read(Path.of("/nonexistent/w.npz")));
        assertTrue(e.getMessage().contains("no such file"));
    }
}
