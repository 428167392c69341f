package org.saddlescope.trainrun;

import java.util.Locale;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.NativeMemory;
import org.saddlescope.config.NetworkBuilder;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.datasets.DataSource;
import org.saddlescope.io.BadInputException;

/**
 * Whether a training run fits in memory, decided before anything is allocated or written: a run that does not
 * fit is bad input (exit 2, with the figure), not an OutOfMemoryError stack trace after the run folder exists.
 *
 * <p>Matrices live off the Java heap (JavaCPP, limited to -Xmx by default); the estimate counts, in the run's
 * dtype: the weights W_ℓ (P numbers), P more for the optimiser's state or float64 master copy and P for a
 * gradient, the forward/backward buffers of a batch (Z_ℓ, Z_ℓ^σ, a transposed copy and δ_ℓ: 4·B·Σn_ℓ, and the
 * workspace's two B×B Gram matrices: 2·B², which dominate full-batch runs on large data) and of an evaluation
 * chunk (E = min(1024, N): 3·E·Σn_ℓ + 2·E²). On the Java heap: a checkpoint's .npz bytes (2·P·bytes, the
 * archive and its array being built). It is an estimate from below: a run refused by it cannot fit; one that
 * passes it may still need a little more (the spectral tracker's sketches, the data's own copies).
 */
public final class MemoryEstimate {
    private MemoryEstimate() {}

    public record Need(long offHeap, long heap, long parameters) { }

    public static Need of(int[] widths, DType dtype, int batch, int evalSamples) {
        long p = 0, units = 0;
        for (int l = 1; l < widths.length; l++) p += (long) widths[l] * widths[l - 1];
        for (int w : widths) units += w;
        int b = dtype.bytes;
        long e = Math.min(1024, evalSamples);
        long offHeap = b * (3 * p + 4L * batch * units + 2L * batch * batch + 3L * e * units + 2L * e * e);
        long heap = 2L * b * p;
        return new Need(offHeap, heap, p);
    }

    /** Bad input when a train run of this config on this data cannot fit. */
    static void check(TrainConfig cfg, DataSource.Loaded data) {
        int[] widths = NetworkBuilder.widths(data.train(), cfg.hidden);
        int n = data.train().size();
        int batch = cfg.batch <= 0 || cfg.batch >= n ? n : cfg.batch;
        int eval = cfg.eval_samples > 0 ? Math.min(cfg.eval_samples, n) : n;
        // mixed precision computes in float32 and keeps float64 masters: the float32 workspaces, and P·8 more bytes
        // (the masters' extra half and low parts) are within the 3·P counted for optimiser state and gradient
        Need need = of(widths, cfg.dtype.compute(), batch, eval);
        long offFree = NativeMemory.free();
        Runtime rt = Runtime.getRuntime();
        long heapFree = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (need.offHeap() > offFree || need.heap() > heapFree) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "the run needs at least %s of memory for %,d parameters (widths %s, batch %d) but this JVM has %s free (-Xmx %s); "
                            + "use smaller --hidden or --batch, or more memory (the saddlescope launcher reads SADDLESCOPE_HEAP, e.g. 24g)",
                    gb(need.offHeap() + need.heap()), need.parameters(), java.util.Arrays.toString(widths), batch,
                    gb(Math.min(offFree, heapFree)), gb(rt.maxMemory())));
        }
    }

    static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }
}
