package org.saddlescope.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.data.DataFileException;
import org.saddlescope.data.Subsets;
import org.saddlescope.linalg.DType;

class DataSourceTest {
    @TempDir Path dir;

    static final DataSource.Options F64 = DataSource.Options.defaults(DType.F64);

    @Test
    void syntheticSpecs() {
        DataSource.Loaded e = DataSource.load("example1", F64);
        assertEquals(8, e.train().size());
        assertNotNull(e.g());
        assertNull(e.test());
        assertEquals(12, DataSource.load("example1:12", F64).train().size());

        DataSource.Loaded t = DataSource.load("teacher:n=64,d=8,out=3,rank=2,depth=2,width=10,test=16,act=tanh", F64);
        assertEquals(8, t.train().inputDim());
        assertEquals(3, t.train().outputDim());
        assertEquals(64, t.train().size());
        assertEquals(16, t.test().size());
        assertNull(t.standardization(), "synthetic data are not standardised by default");
        // same spec, same data, whatever the run's seed (the data seed is the spec's own)
        DataSource.Loaded t2 = DataSource.load("teacher:n=64,d=8,out=3,rank=2,depth=2,width=10,test=16,act=tanh",
                new DataSource.Options(0, 0, Subsets.Kind.FIRST, org.saddlescope.datasets.Standardization.parse("auto"), DType.F64, 99));
        assertArrayEquals(t.train().targets().toDoubleArray(), t2.train().targets().toDoubleArray(), 0.0);
        assertEquals(256, DataSource.load("teacher", F64).train().size());

        DataSource.Loaded m = DataSource.load("modes:s=4/2/1,n=50,d=6,out=5", F64);
        assertEquals(5, m.train().outputDim());
        DataSource.Loaded sub = DataSource.load("relu-modes:s=2/1,n=50,test=20", F64.withSubset(10, -1));
        assertEquals(10, sub.train().size());
        assertNull(sub.test());
        DataSource.Loaded std = DataSource.load("modes:s=2/1,n=50",
                new DataSource.Options(0, 0, Subsets.Kind.FIRST, org.saddlescope.datasets.Standardization.parse("scalar"), DType.F64, 0));
        // 1e-12: the mean of a few hundred standardised float64 values, zero but for the rounding of the sums (n·ε ≈ 1e-13)
        assertEquals(0.0, mean(std.train().x().toDoubleArray()), 1e-12);
    }

    static double mean(double[] v) { double s = 0; for (double x : v) s += x; return s / v.length; }

    @Test
    void badSpecsAreOneLineIllegalArguments() {
        String[] bad = {"", "nosuch", "teacher:foo=1", "teacher:n=abc", "teacher:n", "modes:n=10", "modes:s=1/2",
                "teacher:act=wobble", "example1:x", "teacher:normalize=maybe"};
        for (String spec : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSource.load(spec, F64), spec);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSource.load("teacher:foo=1", F64));
        assertTrue(e.getMessage().contains("unknown key 'foo'") && e.getMessage().contains("known: n"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataSource.load("teacher",
                new DataSource.Options(0, 0, Subsets.Kind.FIRST, org.saddlescope.datasets.Standardization.parse("sideways"), DType.F64, 0)));
        DataFileException missing = assertThrows(DataFileException.class, () -> DataSource.load("mnist:" + dir.resolve("none"), F64));
        assertTrue(missing.getMessage().contains("none"));
    }

    static void writeIdx(Path folder, String prefix, int n, int seed) throws IOException {
        ByteBuffer im = ByteBuffer.allocate(16 + n * 4).putInt(0x803).putInt(n).putInt(2).putInt(2);
        ByteBuffer lb = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < 4; p++) im.put((byte) ((seed + 37 * j + 11 * p) % 256));
            lb.put((byte) (j % 10));
        }
        Files.write(folder.resolve(prefix + "-images-idx3-ubyte"), im.array());
        Files.write(folder.resolve(prefix + "-labels-idx1-ubyte"), lb.array());
    }

    @Test
    void imageFolderIsStandardisedWithTrainStatisticsThenSubset() throws IOException {
        writeIdx(dir, "train", 40, 3);
        writeIdx(dir, "t10k", 20, 5);
        DataSource.Loaded all = DataSource.load("mnist:" + dir, F64);
        assertEquals(0.0, mean(all.train().x().toDoubleArray()), 1e-12); // standardised on the training split
        DataSource.Loaded l = DataSource.load("mnist:" + dir, new DataSource.Options(10, 5, Subsets.Kind.STRATIFIED, org.saddlescope.datasets.Standardization.parse("auto"), DType.F32, 1));
        assertEquals(10, l.train().size());
        assertEquals(5, l.test().size());
        // the subset uses the full split's μ, σ: same numbers as the full standardised set at those samples
        assertEquals(all.standardization().scalarMean(), l.standardization().scalarMean(), 1e-7); // F32 pixels: x/255 rounded to float
        assertEquals(4, l.train().inputDim());
        assertEquals(10, l.train().numClasses());
        assertNull(DataSource.load("mnist:" + dir, F64.withSubset(0, -1)).test());
        assertNull(DataSource.load("mnist:" + dir, new DataSource.Options(0, 0, Subsets.Kind.FIRST, org.saddlescope.datasets.Standardization.parse("none"), DType.F64, 0)).standardization());
    }

    /** {@code mnist} with no folder reads the data folder; without it, a one-line error says how to get the set. */
    @Test
    void namesWithoutAFolderReadTheDataFolder() throws IOException {
        String before = System.getProperty(DataStore.PROPERTY);
        try {
            System.setProperty(DataStore.PROPERTY, dir.resolve("data").toString());
            DataFileException e = assertThrows(DataFileException.class, () -> DataSource.load("mnist", F64));
            assertTrue(e.getMessage().contains("MNIST not found in the data folder " + dir.resolve("data/mnist")), e.getMessage());
            assertTrue(e.getMessage().contains("saddlescope data fetch mnist"), e.getMessage());
            Path mnist = Files.createDirectories(dir.resolve("data/mnist"));
            writeIdx(mnist, "train", 40, 3);
            assertTrue(assertThrows(DataFileException.class, () -> DataSource.load("mnist", F64)).getMessage().contains("holds 2 of 4 files"));
            writeIdx(mnist, "t10k", 20, 5);
            DataSource.Loaded l = DataSource.load("mnist", F64);
            assertEquals(40, l.train().size());
            assertEquals(mnist.toString(), l.info().get("folder"));
            // an explicit folder still wins
            assertEquals(40, DataSource.load("mnist:" + mnist, F64).train().size());
        } finally {
            if (before == null) System.clearProperty(DataStore.PROPERTY); else System.setProperty(DataStore.PROPERTY, before);
        }
    }

    @Test
    void fashionMnistSubsetWhenInstalled() {
        org.saddlescope.RealData.folder(org.saddlescope.data.Catalog.FASHION_MNIST);
        DataSource.Loaded l = DataSource.load("fashion-mnist", DataSource.Options.defaults(DType.F32).withSubset(500, 200));
        assertEquals(784, l.train().inputDim());
        assertEquals(500, l.train().size());
        assertEquals(200, l.test().size());
        // Fashion-MNIST's pixel statistics (x/255), widely quoted as mean 0.2860, std 0.3530
        assertEquals(0.2860, l.standardization().scalarMean(), 5e-5);
        assertEquals(0.3530, l.standardization().scalarStd(), 5e-5);
    }
}
