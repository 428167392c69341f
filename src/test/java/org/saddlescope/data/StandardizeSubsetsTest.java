package org.saddlescope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.random.RandomStreams;

class StandardizeSubsetsTest {

    static Matrix random(int d, int n, long seed, DType dt) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[d * n];
        for (int k = 0; k < v.length; k++) v[k] = 0.3 + 0.2 * r.nextDouble();
        return Matrix.fromColumnMajor(dt, d, n, v);
    }

    @Test
    void scalarStandardisationGivesZeroMeanUnitStdOnTrainAndSameMapOnTest() {
        Matrix train = random(5, 40, 1, DType.F64);
        Matrix test = random(5, 10, 2, DType.F64);
        double[] testBefore = test.toDoubleArray();
        Standardize s = Standardize.fitScalar(train);
        // against the textbook formula
        double[] t = train.toDoubleArray();
        double mu = Arrays.stream(t).average().orElseThrow();
        double var = Arrays.stream(t).map(x -> (x - mu) * (x - mu)).sum() / t.length;
        assertEquals(mu, s.scalarMean(), 1e-15);
        assertEquals(Math.sqrt(var), s.scalarStd(), 1e-15);
        s.applyInPlace(train);
        s.applyInPlace(test);
        double[] z = train.toDoubleArray();
        // 1e-12: zero mean and unit variance hold but for the float64 rounding of sums over the samples (n·ε ≪ 1e-12)
        assertEquals(0.0, Arrays.stream(z).average().orElseThrow(), 1e-12);
        assertEquals(1.0, Arrays.stream(z).map(x -> x * x).sum() / z.length, 1e-12);
        for (int k = 0; k < testBefore.length; k++) assertEquals((testBefore[k] - mu) / s.scalarStd(), test.getFlat(k), 1e-12);
    }

    @Test
    void perFeatureHandlesConstantFeatures() {
        Matrix x = random(4, 30, 3, DType.F32);
        for (int j = 0; j < 30; j++) x.set(2, j, 0.5); // a constant pixel
        Standardize s = Standardize.fitPerFeature(x);
        assertEquals(1.0, s.std()[2], 0.0);
        s.applyInPlace(x);
        for (int i = 0; i < 4; i++) {
            double m = 0, q = 0;
            for (int j = 0; j < 30; j++) { m += x.get(i, j); q += x.get(i, j) * x.get(i, j); }
            assertEquals(0.0, m / 30, 1e-6); // float32 storage
            assertEquals(i == 2 ? 0.0 : 1.0, q / 30, 1e-5);
        }
        assertThrows(IllegalArgumentException.class, () -> s.applyInPlace(random(3, 2, 1, DType.F32)));
    }

    static Dataset labelled(int n) {
        int[] labels = new int[n];
        for (int j = 0; j < n; j++) labels[j] = j < n * 0.7 ? 0 : (j < n * 0.9 ? 1 : 2); // 70/20/10 classes
        double[] v = new double[n];
        for (int j = 0; j < n; j++) v[j] = j;
        return Dataset.classification("l", Matrix.fromColumnMajor(DType.F64, 1, n, v), labels, 3);
    }

    @Test
    void subsets() {
        Dataset d = labelled(100);
        assertSame(d, Subsets.subset(d, 0, Subsets.Kind.RANDOM, RandomStreams.of(1).stream("subset")));
        assertSame(d, Subsets.subset(d, 100, Subsets.Kind.RANDOM, RandomStreams.of(1).stream("subset")));
        Dataset first = Subsets.subset(d, 10, Subsets.Kind.FIRST, RandomStreams.of(1).stream("subset"));
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, first.x().toDoubleArray(), 0.0);

        int[] a = Subsets.randomIndices(100, 20, RandomStreams.of(5).stream("subset"));
        int[] b = Subsets.randomIndices(100, 20, RandomStreams.of(5).stream("subset"));
        int[] c = Subsets.randomIndices(100, 20, RandomStreams.of(6).stream("subset"));
        assertArrayEquals(a, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
        assertEquals(20, Arrays.stream(a).distinct().count());
        for (int k = 1; k < a.length; k++) assertTrue(a[k] > a[k - 1], "increasing");

        Dataset s = Subsets.subset(d, 20, Subsets.Kind.STRATIFIED, RandomStreams.of(7).stream("subset"));
        int[] counts = new int[3];
        for (int l : s.labels()) counts[l]++;
        assertArrayEquals(new int[] {14, 4, 2}, counts); // 70/20/10 of 20
        for (int j = 0; j < s.size(); j++) assertEquals(d.labels()[(int) s.x().get(0, j)], s.labels()[j]); // labels follow samples
        // largest remainder: 70/20/10 of 7 = 4.9/1.4/0.7 → 4/1/0 + two extra to the largest remainders (0 and 2)
        int[] idx = Subsets.stratifiedIndices(d.labels(), 3, 7, RandomStreams.of(1).stream("subset"));
        int[] k7 = new int[3];
        for (int i : idx) k7[d.labels()[i]]++;
        assertArrayEquals(new int[] {5, 1, 1}, k7);
        Dataset unlabelled = new Dataset("u", d.x(), d.x(), null, 0);
        assertThrows(IllegalArgumentException.class, () -> Subsets.subset(unlabelled, 5, Subsets.Kind.STRATIFIED, RandomStreams.of(1).stream("subset")));
    }
}
