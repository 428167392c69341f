package org.saddlescope.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Min–max decimation in log-x buckets against a direct computation: at most two points a bucket, the extremes of
 * every bucket kept (so the curve's overall min and max, spikes included), rows with x ≤ 0 dropped, short ranges as they are.
 */
class DecimationTest {
    static CsvTail.View table(Path dir, int rows, long seed) throws Exception {
        Random rnd = new Random(seed);
        StringBuilder b = new StringBuilder("step,loss,acc\n");
        for (int i = 0; i < rows; i++) {
            double loss = 1 + Math.sin(i * 0.01) + (rnd.nextInt(2000) == 0 ? 50 : 0); // rare spikes
            b.append(i * 3).append(',').append(loss).append(',').append(i % 100 == 0 ? String.valueOf(i) : "").append('\n');
        }
        Path f = dir.resolve("m.csv");
        Files.writeString(f, b);
        CsvTail t = new CsvTail(f, c -> true);
        t.refresh();
        return t.view();
    }

    @Test
    void everyBucketKeepsItsExtremes(@TempDir Path tmp) throws Exception {
        CsvTail.View v = table(tmp, 50_000, 3);
        int buckets = 500;
        double[][] d = Decimation.logMinMax(v, 0, new int[] {1, 2}, Double.NaN, Double.NaN, buckets);
        assertTrue(d[0].length <= 2 * buckets, d[0].length + " points");
        assertTrue(d[0][0] > 0, "x = 0 dropped on a log axis");
        double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY, dmax = max, dmin = min;
        for (int r = 1; r < v.rows(); r++) { max = Math.max(max, v.get(1, r)); min = Math.min(min, v.get(1, r)); }
        for (double y : d[1]) { dmax = Math.max(dmax, y); dmin = Math.min(dmin, y); }
        assertEquals((float) max, (float) dmax, "the highest spike survives");
        assertEquals((float) min, (float) dmin);
        for (int i = 1; i < d[0].length; i++) assertTrue(d[0][i] >= d[0][i - 1], "x in order");
        // bucket by bucket against a direct min and max over the rows of each bucket (edges as the decimation draws them)
        double l0 = Math.log(3), l1 = Math.log(3.0 * (v.rows() - 1)), w = (l1 - l0) / buckets;
        double[] edge = new double[buckets];
        for (int b = 0; b < buckets; b++) edge[b] = b == buckets - 1 ? Double.POSITIVE_INFINITY : Math.exp(l0 + (b + 1) * w);
        java.util.function.DoubleToIntFunction bucket = x -> {
            int i = java.util.Arrays.binarySearch(edge, x);
            return i >= 0 ? i : -i - 1; // the first edge ≥ x
        };
        double[] lo = new double[buckets], hi = new double[buckets];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int r = 1; r < v.rows(); r++) {
            int b = bucket.applyAsInt(v.get(0, r));
            lo[b] = Math.min(lo[b], v.get(1, r));
            hi[b] = Math.max(hi[b], v.get(1, r));
        }
        int checked = 0;
        for (int i = 0; i < d[0].length; ) {
            int b = bucket.applyAsInt(d[0][i]);
            boolean pair = i + 1 < d[0].length && bucket.applyAsInt(d[0][i + 1]) == b;
            double got0 = d[1][i], got1 = pair ? d[1][i + 1] : d[1][i];
            assertEquals(lo[b], Math.min(got0, got1), "bucket " + b);
            assertEquals(hi[b], Math.max(got0, got1), "bucket " + b);
            checked++;
            i += pair ? 2 : 1;
        }
        assertTrue(checked > 0);
    }

    @Test
    void shortRangesComeBackAsTheyAreAndBoundsHold(@TempDir Path tmp) throws Exception {
        CsvTail.View v = table(tmp, 1000, 4);
        double[][] all = Decimation.logMinMax(v, 0, new int[] {1}, Double.NaN, Double.NaN, 2000);
        assertEquals(999, all[0].length, "every row but x = 0");
        double[][] part = Decimation.logMinMax(v, 0, new int[] {1}, 300, 600, 2000);
        assertEquals(300, part[0][0]);
        assertEquals(600, part[0][part[0].length - 1]);
        assertEquals(101, part[0].length);
        double[][] sparse = Decimation.logMinMax(table(tmp, 50_000, 5), 0, new int[] {2}, Double.NaN, Double.NaN, 100);
        int finite = 0;
        for (double y : sparse[1]) if (!Double.isNaN(y)) finite++;
        assertTrue(finite > 50, "a column logged every 100 rows still shows in most buckets: " + finite);
    }
}
