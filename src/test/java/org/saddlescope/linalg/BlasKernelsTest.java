package org.saddlescope.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The OpenBLAS kernel families a run may use (OpenBLAS picks one per CPU; OPENBLAS_CORETYPE, read once when the
 * library loads, overrides it, so each runs in its own JVM): GEMM on the training step's shapes (skinny k = 32
 * and n = 32, the 784-wide first layer) and on random odd shapes with tails, against a float64 triple loop, for
 * every transpose pair, both dtypes and 1 and 2 threads (large products on a sample of entries and their last
 * row and column). A family this CPU cannot run is not tried (an AVX-512 kernel would fault).
 */
class BlasKernelsTest {

    @Test
    void everyKernelFamilyThisCpuRunsMatchesTheTripleLoop() throws Exception {
        Set<String> flags = Blas.cpuFlags();
        List<String> cores = new ArrayList<>();
        if (flags.contains("avx2") && flags.contains("fma")) cores.add("Haswell");
        if (flags.containsAll(List.of("avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"))) cores.add("SkylakeX");
        if (flags.contains("avx512_bf16")) cores.add("Cooperlake");
        org.junit.jupiter.api.Assumptions.assumeFalse(cores.isEmpty(), "this CPU runs none of the kernel families (no AVX2)");
        for (String core : cores) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Check.class.getName()).redirectErrorStream(true);
            pb.environment().put("OPENBLAS_CORETYPE", core);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), core + ": child did not finish");
            assertEquals(0, p.exitValue(), core + ": " + out);
            assertTrue(out.contains("core=" + core), "asked for " + core + ", got: " + out);
        }
    }

    /** Runs in the child JVM: prints the core, exits 1 with the first mismatch. */
    public static final class Check {
        public static void main(String[] args) throws IOException {
            System.out.println("core=" + Blas.core());
            SplittableRandom rng = new SplittableRandom(11);
            // {m, n, k, transposes}: the step's products with the transposes Network uses (forward AᵀWᵀ, backward
            // Wᵀδ, update δAᵀ, the 784-wide first layer, the 10-wide output), then odd shapes with every transpose pair.
            List<int[]> all = new ArrayList<>(List.of(new int[] {32, 1000, 1000, 3}, new int[] {1000, 32, 1000, 1},
                    new int[] {1000, 1000, 32, 2}, new int[] {1000, 784, 32, 2}, new int[] {32, 1000, 784, 3},
                    new int[] {10, 32, 1000, 0}, new int[] {1000, 32, 10, 1}));
            int[][] odd = {{1, 1, 1}, {17, 33, 65}, {129, 31, 3}, {5, 257, 200}};
            for (int[] o : odd) for (int t = 0; t < 4; t++) all.add(new int[] {o[0], o[1], o[2], t});
            for (int i = 0; i < 6; i++) all.add(new int[] {1 + rng.nextInt(300), 1 + rng.nextInt(300), 1 + rng.nextInt(300), rng.nextInt(4)});
            for (int threads : new int[] {1, 2}) {
                Blas.init(threads);
                for (DType dt : DType.values()) for (int[] s : all) {
                    String err = compare(dt, s[0], s[1], s[2], (s[3] & 1) != 0, (s[3] & 2) != 0, rng);
                    if (err != null) {
                        System.out.println("threads " + threads + " " + dt + " " + err);
                        System.exit(1);
                    }
                }
            }
        }

        /**
         * C := 0.7·op(A)op(B) − 1.3·C against float64 sums. Tolerance: the rounding bound of any summation order,
         * γ_{k+2}(|α|Σ|a||b| + |β||c|) with γ_n ≈ n·u (Higham, Accuracy and Stability, §3.5), u the dtype's unit
         * roundoff, plus one u for the final rounding of C (the float64 reference sums exact float32 products).
         */
        static String compare(DType dt, int m, int n, int k, boolean ta, boolean tb, SplittableRandom rng) {
            Matrix a = rand(dt, ta ? k : m, ta ? m : k, rng), b = rand(dt, tb ? n : k, tb ? k : n, rng), c = rand(dt, m, n, rng);
            double[] a0 = a.toDoubleArray(), b0 = b.toDoubleArray(), c0 = c.toDoubleArray();
            Blas.gemm(ta, tb, 0.7, a, b, -1.3, c);
            double u = dt == DType.F32 ? 0x1p-24 : 0x1p-53;
            int lda = a.rows(), ldb = b.rows();
            // Every entry of small products; of large ones 300 random entries and the last row and column (the tails).
            List<int[]> entries = new ArrayList<>();
            if ((long) m * n <= 4096) {
                for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) entries.add(new int[] {i, j});
            } else {
                for (int q = 0; q < 300; q++) entries.add(new int[] {rng.nextInt(m), rng.nextInt(n)});
                for (int i = 0; i < m; i++) entries.add(new int[] {i, n - 1});
                for (int j = 0; j < n; j++) entries.add(new int[] {m - 1, j});
            }
            for (int[] e : entries) {
                int i = e[0], j = e[1];
                double s = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a0[p + i * lda] : a0[i + p * lda];
                    double y = tb ? b0[j + p * ldb] : b0[p + j * ldb];
                    s += x * y;
                    abs += Math.abs(x * y);
                }
                double expected = 0.7 * s - 1.3 * c0[i + j * m];
                double tol = (k + 3) * u * (0.7 * abs + 1.3 * Math.abs(c0[i + j * m])) + Double.MIN_NORMAL;
                if (dt == DType.F64) tol *= 2; // the float64 reference carries as much rounding as the kernel
                double got = c.get(i, j);
                if (!(Math.abs(got - expected) <= tol)) {
                    return String.format("m=%d n=%d k=%d ta=%b tb=%b at (%d,%d): %s vs %s (tol %s)", m, n, k, ta, tb, i, j, got, expected, tol);
                }
            }
            a.close();
            b.close();
            c.close();
            return null;
        }

        static Matrix rand(DType dt, int r, int c, SplittableRandom rng) {
            Matrix m = Matrix.zeros(dt, r, c);
            for (int q = 0; q < m.size(); q++) m.setFlat(q, rng.nextDouble(-1, 1));
            return m;
        }
    }
}
