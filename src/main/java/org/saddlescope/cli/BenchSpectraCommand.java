package org.saddlescope.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.spectra.OverheadBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code saddlescope bench-spectra}: what spectral tracking costs against training on the paper's MNIST network
 * (docs/design.md target ≤ 2% at one top-10 pass per epoch). A measurement, not a test: run it once, on a quiet machine.
 */
@Command(name = "bench-spectra", mixinStandardHelpOptions = true,
        description = "Measure spectral-tracking overhead: one top-k pass over all layers vs one epoch of SGD steps.")
public final class BenchSpectraCommand implements Runnable {
    @Mixin CommonOptions common;

    @Option(names = "--widths", split = ",", paramLabel = "N,N,...", description = "Network widths (default: ${DEFAULT-VALUE}, the paper's MNIST net).")
    int[] widths = {784, 1000, 1000, 1000, 1000, 1000, 10};

    @Option(names = "--batch", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batch = 32;

    @Mixin SeedOption seed;

    @Option(names = "--dtype", paramLabel = "TYPE", description = "float32 or float64 (default: ${DEFAULT-VALUE}, as train's).")
    DType dtype = DType.F64;

    @Option(names = {"--top-k", "--k"}, description = "Singular values per layer (default: ${DEFAULT-VALUE}).")
    int k = 10;

    @Option(names = "--steps", description = "Timed SGD steps (default: ${DEFAULT-VALUE}).")
    int steps = 200;

    @Option(names = "--passes", description = "Timed warm top-k passes (default: ${DEFAULT-VALUE}).")
    int passes = 5;

    @Option(names = "--steps-per-epoch", description = "Steps in one epoch (default: ${DEFAULT-VALUE} = 60000/32).")
    long stepsPerEpoch = 1875;

    @Override
    public void run() {
        if (widths.length < 2 || batch < 1 || k < 1 || steps < 1 || passes < 1 || stepsPerEpoch < 1) {
            throw new IllegalArgumentException("bench-spectra needs ≥ 2 widths and positive batch, k, steps, passes, steps-per-epoch");
        }
        Blas.init(common.threadsOrDefault());
        DType dt = dtype;
        long seed = this.seed.seed;
        OverheadBenchmark.Result r = OverheadBenchmark.measure(widths, batch, dt, k, steps, passes, stepsPerEpoch, 1e-3, seed);
        String line = String.format(Locale.ROOT,
                "step %.3f ms (%d threads, %s, batch %d) -> epoch of %d steps %.2f s; top-%d pass over %d layers: cold %.1f ms, warm %.1f ms "
                        + "(%.1f iterations/layer, max error %.1e of sigma_1) -> overhead %.3f%% of training at one pass per epoch",
                r.stepSeconds() * 1e3, Blas.threads(), dt, batch, stepsPerEpoch, r.epochSeconds(), k, widths.length - 1,
                r.coldSeconds() * 1e3, r.warmSeconds() * 1e3, r.warmIterations(), r.maxRelativeError(), 100 * r.overhead());
        System.out.println(line);
        if (common.out != null) {
            try (RunFolder f = RunFolder.create(common.out, "bench-spectra")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("widths", widths);
            m.put("batch", batch);
            m.put("dtype", dt.toString());
            m.put("threads", Blas.threads());
            m.put("k", k);
            m.put("step_seconds", r.stepSeconds());
            m.put("epoch_seconds", r.epochSeconds());
            m.put("cold_pass_seconds", r.coldSeconds());
            m.put("warm_pass_seconds", r.warmSeconds());
            m.put("warm_iterations_per_layer", r.warmIterations());
            m.put("max_relative_error", r.maxRelativeError());
            m.put("overhead_fraction", r.overhead());
            f.writeJson("bench-spectra.json", m);
            f.publish();
            }
        }
    }

}
