package org.saddlescope.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.saddlescope.experiments.DetectorBenchmark;
import org.saddlescope.experiments.DetectorBenchmarkReport;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.linalg.Blas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code saddlescope bench-detector}: the saddle detector's precision, recall and timing error on labelled runs. */
@Command(name = "bench-detector", mixinStandardHelpOptions = true,
        description = {"Score the saddle detector on labelled saddle-to-saddle runs: multi-mode linear and ReLU teachers "
                + "(strengths 3, 1, 1/3), full batch and SGD, depths 3..6, several seeds; the true escape k is where the net "
                + "has learned half of mode k. Writes cases.csv, score.json, figures and report.html."})
public final class BenchDetectorCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(names = "--depths", split = ",", paramLabel = "L,L,...", description = "Depths, 3..6 (default: ${DEFAULT-VALUE}).")
    int[] depths = {3, 4, 5, 6};

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per case (default: ${DEFAULT-VALUE}).")
    int seeds = 3;

    @Option(names = "--steps", paramLabel = "N", description = "Steps per run (default: ${DEFAULT-VALUE}).")
    long steps = 40000;

    @Option(names = "--no-sgd", description = "Full-batch runs only.")
    boolean noSgd;

    @Option(names = "--runs", arity = "1..*", paramLabel = "RUN", description = "Score on these real train run folders instead "
            + "(labels from their outputs.csv; the detector rerun on their step logs); group = folder name without -sN.")
    List<java.nio.file.Path> runs;

    @Option(names = "--tune-seeds", split = ",", paramLabel = "S,S,...", description = "With --runs: seeds the rules were tuned on (the others are reported as held out; default: ${DEFAULT-VALUE}).")
    List<Long> tuneSeeds = List.of(0L, 1L, 2L);

    @Option(names = "--detector", split = ",", paramLabel = "NAME=VALUE", description = "With --runs: detector thresholds to override (e.g. enter=0.5).")
    java.util.Map<String, Double> detector = new java.util.LinkedHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        if (runs != null) return real();
        for (int d : depths) if (d < 3 || d > 6) throw new IllegalArgumentException("--depths must lie in 3..6, got " + d);
        if (seeds < 1 || steps < 100) throw new IllegalArgumentException("--seeds must be ≥ 1 and --steps ≥ 100");
        List<DetectorBenchmark.Case> cases = DetectorBenchmark.grid(depths, seeds, !noSgd, steps);
        long t0 = System.nanoTime();
        // staging, published when whole: a killed benchmark leaves no folder
        try (RunFolder folder = RunFolder.create(common.outOr("bench-detector"), "bench-detector")) {
            List<DetectorBenchmark.CaseResult> results = run(cases);
            DetectorBenchmarkReport.write(folder, results, (System.nanoTime() - t0) / 1e9);
            folder.publish();
            System.out.println(DetectorBenchmark.score(results).line());
            System.out.println("run folder: " + folder.root());
        }
        return CommandLine.ExitCode.OK;
    }

    /** bench-detector --runs: the real-run benchmark (no training). */
    private Integer real() {
        for (java.nio.file.Path r : runs) {
            if (!java.nio.file.Files.isRegularFile(r.resolve("config.yaml"))) throw new org.saddlescope.io.BadInputException(r + " is not a train run folder");
        }
        org.saddlescope.spectra.PlateauDetector.Settings settings;
        try {
            settings = org.saddlescope.spectra.PlateauDetector.Settings.defaults().with(detector);
        } catch (IllegalArgumentException e) {
            throw new org.saddlescope.io.BadInputException("--detector: " + e.getMessage());
        }
        List<org.saddlescope.experiments.RealRunBenchmark.Result> results = new ArrayList<>();
        try (RunFolder folder = RunFolder.create(common.outOr("bench-detector"), "bench-detector");
             ConsoleProgress progress = new ConsoleProgress("bench-detector", common.quiet())) {
            List<org.saddlescope.experiments.RealRunBenchmark.Case> cases = org.saddlescope.experiments.RealRunBenchmark.cases(runs,
                    new java.util.HashSet<>(tuneSeeds), true);
            for (org.saddlescope.experiments.RealRunBenchmark.Case c : cases) {
                progress.progress(results.size(), cases.size(), c.name());
                results.add(org.saddlescope.experiments.RealRunBenchmark.score(c, settings));
            }
            org.saddlescope.experiments.RealRunBenchmarkReport.write(folder, results, settings);
            folder.publish();
            System.out.print(java.nio.file.Files.readString(folder.root().resolve("real_score.md")));
            System.out.println("run folder: " + folder.root());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return CommandLine.ExitCode.OK;
    }

    private List<DetectorBenchmark.CaseResult> run(List<DetectorBenchmark.Case> cases) throws InterruptedException {
        Blas.init(1); // tiny networks: one run per core, one BLAS thread each
        ExecutorService pool = Executors.newFixedThreadPool(common.threadsOrDefault());
        List<DetectorBenchmark.CaseResult> results = new ArrayList<>();
        try (ConsoleProgress progress = new ConsoleProgress("bench-detector", common.quiet())) {
            List<Future<DetectorBenchmark.CaseResult>> futures = new ArrayList<>();
            for (DetectorBenchmark.Case c : cases) futures.add(pool.submit(() -> DetectorBenchmark.run(c)));
            for (Future<DetectorBenchmark.CaseResult> f : futures) {
                results.add(f.get());
                DetectorBenchmark.Score s = DetectorBenchmark.score(results);
                progress.progress(results.size(), cases.size(), String.format(java.util.Locale.ROOT, "precision %.2f recall %.2f",
                        s.precision(), s.recall()));
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a benchmark run failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return results;
    }
}
