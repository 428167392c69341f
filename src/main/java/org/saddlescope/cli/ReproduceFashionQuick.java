package org.saddlescope.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.saddlescope.data.Catalog;
import org.saddlescope.datasets.DataStore;
import org.saddlescope.config.Presets;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.trainrun.TrainRun;
import org.saddlescope.report.RunReport;
import org.saddlescope.report.SpectraFigures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code saddlescope reproduce fashion-quick}: the first saddle escape on real data, small and close to gradient flow
 * (preset {@code fashion-quick}: Fashion-MNIST subset, depth 4, small initialization, lr 0.1/‖θ‖², batch 32), end to
 * end: spectra.csv, the plateaus and escapes with the rank of every layer, the low-rank tables (of W_ℓ and of what
 * training learned), the flow-faithfulness check, the figures and report.html. (It was "mnist-quick", though it never
 * ran MNIST, and its depth-6 lr 140/‖θ‖⁴ was far from the flow: that setting is preset fashion-d6-fast.)
 */
@Command(name = "fashion-quick", mixinStandardHelpOptions = true,
        description = {"First saddle escape on real data, close to gradient flow: Fashion-MNIST subset, depth 4, lr 0.1/|theta|^2.",
                "Writes spectra.csv, plateaus.csv, escapes.csv, low_rank_by_depth.md, low_rank_learned.md, flow_faithful.json,",
                "figures/ and report.html. One BLAS thread unless --threads is given (its products are too small to split)."})
public final class ReproduceFashionQuick implements Callable<Integer> {
    public static final String PRESET = "fashion-quick";

    @Mixin
    CommonOptions common;

    @Mixin
    SeedOption seed;

    @Option(names = "--dtype", paramLabel = "TYPE", description = "float32, mixed or float64 (default: the preset's mixed).")
    String dtype;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML of train fields over the preset (as in a run's config.yaml).")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX folder (default: the data folder, else Debian's /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps (default: the preset's 60000).")
    Long steps;

    @Option(names = "--subset", paramLabel = "N", description = "Training images (default: the preset's 2000).")
    Integer subset;

    @Override
    public Integer call() {
        List<Map<String, Object>> layers = new ArrayList<>();
        layers.add(Presets.get(PRESET));
        if (config != null) layers.add(TrainConfig.readYaml(config));
        Map<String, Object> flags = new LinkedHashMap<>();
        if (data != null) flags.put("dataset", "fashion-mnist:" + data);
        if (steps != null) flags.put("steps", steps);
        if (subset != null) flags.put("subset", subset);
        flags.put("seed", seed.seed);
        if (dtype != null) flags.put("dtype", dtype);
        layers.add(flags);
        TrainConfig cfg = TrainConfig.merge(layers, config != null ? config.toString() : "arguments");
        if (cfg.dataset.startsWith("fashion-mnist:")) {
            String dir = cfg.dataset.substring("fashion-mnist:".length());
            if (!Files.isDirectory(Path.of(dir))) throw new IllegalArgumentException("Fashion-MNIST not found at " + dir + " (give --data DIR)");
        } else if (cfg.dataset.equals("fashion-mnist")) {
            DataStore.standard().require(Catalog.FASHION_MNIST); // the data folder, else Debian's; else how to get it
        }
        Path out = common.outOr("fashion-quick");
        ConsoleProgress progress = new ConsoleProgress("fashion-quick", common.quiet());
        TrainRun.Outcome o;
        try {
            // One BLAS thread unless asked: this net's products (100×100 by 32 columns) are too small to split, and
            // on a busy 2-core machine OpenBLAS threads made it 14× slower (100 vs 1450 steps/s, measured).
            o = TrainRun.start(cfg, out, common.threads() != null ? common.threads() : 1, progress, TrainCommand.addons());
        } finally {
            progress.close();
        }
        RunReport.write(o.folder(), o.folder(), "saddlescope reproduce fashion-quick: " + o.folder().getFileName(), null, List.of(
                "The first saddle escape on a Fashion-MNIST subset from small initialization, close to gradient flow (paper "
                        + "section 3.3 and appendix B, scaled down to depth 4: preset " + PRESET + ").", o.summary()));
        List<String> notes = SpectraFigures.notes(o.folder());
        if (!common.quiet()) {
            for (String n : notes) System.out.println(n);
            System.out.println(readText(o.folder().resolve("low_rank_by_depth.md")));
            System.out.println(readText(o.folder().resolve("low_rank_learned.md")));
        }
        System.out.println(o.summary());
        return o.diverged() ? CommandLine.ExitCode.SOFTWARE : CommandLine.ExitCode.OK;
    }

    private static String readText(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
