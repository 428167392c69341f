package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.saddlescope.experiments.Benchmark;
import org.saddlescope.experiments.PaperNetwork;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.net.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code saddlescope bench}: training steps/s of the paper's MNIST network, beside PyTorch in the same sitting. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Training throughput of the paper's MNIST network beside the PyTorch peer scripts.",
                "784-1000x5-10 at batch 32 and 1024, float32, mixed and float64, with GFLOP/s and the share of this process's GEMM",
                "peak, and the Example-1 escape search; the peer scripts run in the same sitting when --torch-script /",
                "--torch-sphere-script are given (ratios are what count)."})
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    SeedOption seed;

    @Option(names = "--batches", split = ",", defaultValue = "32,1024", description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--dtypes", split = ",", defaultValue = "float32,mixed,float64", description = "Arithmetics (default: ${DEFAULT-VALUE}).")
    List<String> dtypes;

    @Option(names = "--steps", defaultValue = "200", description = "Timed steps at batch 32 (fewer at larger batches; default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--torch-script", paramLabel = "FILE", description = "shared/bench/torch_mlp_step.py, to run PyTorch beside.")
    Path torchScript;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--escape-widths", split = ",", defaultValue = "2,4,8,16,32,64",
            description = "Example-1 escape-search widths (the inner loop of the escape search; default: ${DEFAULT-VALUE}).")
    List<Integer> escapeWidths;

    @Option(names = "--torch-sphere-script", paramLabel = "FILE", description = "shared/bench/torch_sphere_pgd.py, to run PyTorch beside.")
    Path torchSphereScript;

    @Option(names = "--gemm-peak-script", paramLabel = "FILE",
            description = "shared/bench/gemm_peak.py, to report the share of NumPy's GEMM peak beside this process's own.")
    Path gemmPeakScript;

    @Option(names = "--repeats", defaultValue = "3",
            description = "Training rows run ours and the torch peers alternately this many times and keep each one's best "
                    + "(a shared machine only ever slows a run down; default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() {
        int threads = common.threadsOrDefault();
        Blas.init(threads);
        List<Benchmark.Row> rows = new ArrayList<>();
        List<String> log = new ArrayList<>();
        ConsoleProgress out = new ConsoleProgress("bench", common.quiet());
        out.info("BLAS: " + Blas.config() + ", threads " + threads);
        String hint = Blas.kernelHint();
        if (hint != null) out.info(hint);
        // The practical limit, in this process and sitting: OpenBLAS GEMM on 2048² products (best of many).
        Map<DType, Double> peak = new LinkedHashMap<>();
        for (DType d : DType.values()) {
            peak.put(d, Benchmark.gemmPeakGflops(d, 2048));
            out.info(String.format(java.util.Locale.ROOT, "GEMM peak %s: %.1f GFLOP/s", d.label(), peak.get(d)));
        }
        Map<DType, Double> numpy = Benchmark.numpyPeak(gemmPeakScript, python, log);
        for (DType d : numpy.keySet()) out.info(String.format(java.util.Locale.ROOT, "NumPy GEMM peak %s: %.1f GFLOP/s", d.label(), numpy.get(d)));
        if (repeats < 1) throw new IllegalArgumentException("--repeats must be at least 1, got " + repeats);
        for (String dts : dtypes) {
            Precision p = Precision.parse(dts);
            DType dt = p.compute();
            for (int b : batches) {
                if (b <= 0) throw new IllegalArgumentException("--batches: sizes must be positive, got " + b);
                int n = Math.max(5, (int) Math.round(steps * Math.min(1.0, 32.0 / b) * (b > 32 ? 4 : 1)));
                double ours = 0;
                Double t2 = null, t1 = null;
                for (int r = 0; r < repeats; r++) {
                    ours = Math.max(ours, Benchmark.trainingStepsPerSecond(b, p, n, seed.seed));
                    if (threads != 1) t2 = max(t2, Benchmark.torch(torchScript, python, b, n, threads, dt, log));
                    t1 = max(t1, Benchmark.torch(torchScript, python, b, n, 1, dt, log));
                }
                double gflops = ours * PaperNetwork.flopsPerStep(PaperNetwork.WIDTHS, b) / 1e9;
                Double numpyFraction = numpy.containsKey(dt) ? gflops / numpy.get(dt) : null;
                Benchmark.Row row = new Benchmark.Row("paper MNIST net SGD", b, p, ours, gflops, gflops / peak.get(dt), numpyFraction,
                        threads, t2, t1, Benchmark.paperRunHours(b, ours));
                rows.add(row);
                System.out.println(row.format());
            }
        }
        // The escape-search inner loop: the paper's projected gradient on Example 1, 10 runs × 2000 steps, lr 0.05,
        // exactly what torch_sphere_pgd.py runs.
        List<Map<String, Object>> escape = new ArrayList<>();
        for (int w : escapeWidths) {
            if (w <= 0) throw new IllegalArgumentException("--escape-widths: widths must be positive, got " + w);
            double ours = Benchmark.escapeStepsPerSecond(w, 10, 2000, 0.05, seed.seed, threads);
            Double torch = torchSphereScript == null ? null
                    : Benchmark.peer(List.of(python, torchSphereScript.toString(), Integer.toString(w), "10", "2000"), log);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("width", w);
            row.put("projected_steps_per_second", ours);
            row.put("torch_projected_steps_per_second", torch);
            escape.add(row);
            System.out.println(String.format(java.util.Locale.ROOT, "Example-1 escape search    width %3d   %,12.0f projected steps/s%s", w, ours,
                    torch == null ? "" : String.format(java.util.Locale.ROOT, " | torch %,9.0f -> ratio %.1fx", torch, ours / torch)));
        }
        for (String l : log) out.info("  peer: " + l);
        if (common.out != null) {
            try (RunFolder f = RunFolder.create(common.out, "bench")) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("rows", rows);
                m.put("escape_search", escape);
                m.put("peer_runs", log);
                m.put("threads", threads);
                m.put("gemm_peak_gflops", peak);
                m.put("numpy_gemm_peak_gflops", numpy);
                m.put("repeats", repeats);
                f.writeJson("bench.json", m);
                f.writeManifest("bench", seed.seed, java.time.Instant.now(), java.time.Instant.now(), null);
                f.publish();
            }
        }
        return CommandLine.ExitCode.OK;
    }

    private static Double max(Double a, Double b) {
        if (a == null) return b;
        return b == null ? a : Math.max(a, b);
    }
}
