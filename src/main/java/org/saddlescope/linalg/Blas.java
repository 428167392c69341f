package org.saddlescope.linalg;

import static org.bytedeco.openblas.global.openblas.CblasColMajor;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_full;

/**
 * Level-1/3 BLAS on {@link Matrix}, through the OpenBLAS bundled by the JavaCPP presets. All matrices in one
 * call must share a dtype. Column-major throughout; a transposed operand is passed as a flag, never copied.
 */
public final class Blas {
    private Blas() {}

    /** Loads the native library and fixes the BLAS thread count (results are reproducible for a fixed count). */
    public static synchronized void init(int threads) {
        OpenBlas.ensureLoaded();
        openblas_full.openblas_set_num_threads(Math.max(1, threads));
    }

    public static int threads() {
        OpenBlas.ensureLoaded();
        return openblas_full.openblas_get_num_threads();
    }

    /** OpenBLAS build and the kernel it picked for this CPU, for run manifests. */
    public static String config() {
        OpenBlas.ensureLoaded();
        return openblas_full.openblas_get_config().getString() + " core=" + openblas_full.openblas_get_corename().getString();
    }

    /** The kernel family OpenBLAS chose for this CPU (e.g. Haswell, SkylakeX, Cooperlake). */
    public static String core() {
        OpenBlas.ensureLoaded();
        return openblas_full.openblas_get_corename().getString();
    }

    /**
     * A one-line hint when OpenBLAS runs AVX2-or-older kernels on a CPU with AVX-512, else null. OpenBLAS picks its
     * AVX-512 kernels on such CPUs by itself (Cooperlake on this project's Zen 5), unless OPENBLAS_CORETYPE says
     * otherwise: these machines' environment sets OPENBLAS_CORETYPE=Haswell, which halves the paper step's
     * products' speed (per-call minima, batch 32 float32: 1.5-1.8x). The variable is the user's choice, read when
     * the library loads, so it is reported, not overridden.
     */
    public static String kernelHint() {
        String core = core();
        if (AVX512_CORES.contains(core.toLowerCase(java.util.Locale.ROOT))) return null;
        java.util.Set<String> flags = cpuFlags();
        if (!flags.containsAll(java.util.List.of("avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"))) return null;
        String forced = System.getenv("OPENBLAS_CORETYPE");
        if (forced != null && !forced.isBlank()) {
            return "OPENBLAS_CORETYPE=" + forced + " holds OpenBLAS to its " + core + " kernels on this AVX-512 CPU; unset it "
                    + "for its AVX-512 kernels (faster products, other bits than " + core + "'s)";
        }
        return "OpenBLAS chose its " + core + " kernels on a CPU with AVX-512; set OPENBLAS_CORETYPE="
                + (flags.contains("avx512_bf16") ? "Cooperlake" : "SkylakeX") + " for its AVX-512 kernels (faster products)";
    }

    private static final java.util.Set<String> AVX512_CORES = java.util.Set.of("skylakex", "cooperlake", "sapphirerapids");

    /** CPU feature flags from /proc/cpuinfo (empty where there is none). */
    static java.util.Set<String> cpuFlags() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) return new java.util.HashSet<>(java.util.Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: no flags known, no hint
        }
        return java.util.Set.of();
    }


    /** C := alpha·op(A)·op(B) + beta·C, op = transpose when the flag is set. */
    public static void gemm(boolean transA, boolean transB, double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm shapes: op(A) " + m + "x" + k + ", op(B) " + kb + "x" + n
                    + ", C " + c.shape());
        }
        Matrix.sameType(a, b, c);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (beta == 0) c.fill(0); else c.scale(beta);
            return;
        }
        OpenBlas.ensureLoaded();
        int ta = transA ? CblasTrans : CblasNoTrans;
        int tb = transB ? CblasTrans : CblasNoTrans;
        int lda = Math.max(1, a.rows());
        int ldb = Math.max(1, b.rows());
        int ldc = Math.max(1, c.rows());
        if (a.dtype() == DType.F32) {
            openblas.cblas_sgemm(CblasColMajor, ta, tb, m, n, k, (float) alpha, a.fp, lda, b.fp, ldb, (float) beta, c.fp, ldc);
        } else {
            openblas.cblas_dgemm(CblasColMajor, ta, tb, m, n, k, alpha, a.dp, lda, b.dp, ldb, beta, c.dp, ldc);
        }
    }

    /** Convenience: a new matrix op(A)·op(B). */
    public static Matrix multiply(boolean transA, Matrix a, boolean transB, Matrix b) {
        int m = transA ? a.cols() : a.rows();
        int n = transB ? b.rows() : b.cols();
        Matrix c = Matrix.zeros(a.dtype(), m, n);
        gemm(transA, transB, 1.0, a, b, 0.0, c);
        return c;
    }

    /** Σ x_k y_k over all entries, returned in double (BLAS ddot/dsdot over x.size() entries: {@link Matrix#blasDot}). */
    public static double dot(Matrix x, Matrix y) {
        return x.blasDot(y);
    }

    /** y += a·x (BLAS axpy over x.size() entries: {@link Matrix#axpy}). */
    public static void axpy(double a, Matrix x, Matrix y) {
        y.axpy(a, x);
    }

    /** x *= a. */
    public static void scal(double a, Matrix x) {
        x.scale(a);
    }
}
