package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.saddlescope.experiment.Presets;
import org.saddlescope.experiment.TrainConfig;
import org.saddlescope.experiment.TrainDryRun;
import org.saddlescope.experiment.TrainRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code saddlescope train}: one option per {@link TrainConfig} field, generated from the class so that flags,
 * config.yaml and presets always agree. Precedence: defaults &lt; --preset &lt; --config &lt; flags.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a bias-free network from small initialisation, tracking loss, norms, speed and layer spectra.",
                "Writes config.yaml, manifest.json, metrics.csv, spectra.csv, weights/*.npz, figures/ and report.html."})
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--preset", paramLabel = "NAME", description = "Start from a named configuration (listed below).")
    String preset;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of fields (as in a run's config.yaml).")
    Path config;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue a stopped run from its last checkpoint.")
    Path resume;

    @Option(names = "--dry-run", description = "Check everything, print the resolved config, the memory the run takes and its time on this"
            + " machine measured from a few real steps; write nothing.")
    boolean dryRun;

    @CommandLine.Spec
    CommandSpec spec;

    /** Fields already covered by the common options. */
    private static final java.util.Set<String> COMMON = java.util.Set.of("seed", "dtype", "preset");

    /** The command's spec with one option per TrainConfig field added. */
    public static CommandSpec spec() {
        CommandSpec s = CommandSpec.forAnnotatedObject(new TrainCommand());
        ConfigOptions.add(s, TrainConfig.class, TrainConfig.HELP, COMMON);
        StringBuilder presets = new StringBuilder();
        Presets.descriptions().forEach((k, v) -> presets.append(String.format("  %-18s %s%n", k, v)));
        s.usageMessage().footer(String.format("%nPresets:%n%s", presets));
        return s;
    }

    @Override
    public Integer call() {
        if (resume != null) {
            if (dryRun) throw new IllegalArgumentException("--dry-run estimates a new run; drop --resume");
            if (preset != null || config != null) throw new IllegalArgumentException("--resume takes its config from the run folder; drop --preset/--config");
            TrainRun.Outcome o = TrainRun.resume(resume, common.threads, progress());
            return report(o);
        }
        List<Map<String, Object>> layers = new ArrayList<>();
        if (preset != null) layers.add(Presets.get(preset));
        if (config != null) layers.add(TrainConfig.readYaml(config));
        Map<String, Object> flags = ConfigOptions.matched(spec, TrainConfig.class, COMMON);
        if (common.seed != null) flags.put("seed", common.seed);
        if (common.dtype != null) flags.put("dtype", common.dtype);
        layers.add(flags);
        TrainConfig cfg = TrainConfig.merge(layers, config != null ? config.toString() : "arguments");
        Path out = common.outOr(cfg.preset != null ? cfg.preset : "train");
        if (dryRun) {
            System.out.print(TrainDryRun.run(cfg, out, common.threads).text());
            return Main.OK;
        }
        TrainRun.Outcome o = TrainRun.start(cfg, out, common.threads, progress());
        return report(o);
    }

    private ConsoleProgress progress() {
        return new ConsoleProgress("train", common.quiet);
    }

    private int report(TrainRun.Outcome o) {
        org.saddlescope.report.TrainFigures.write(o.folder());
        org.saddlescope.report.SpectraFigures.write(o.folder());
        org.saddlescope.report.HtmlReport html = new org.saddlescope.report.HtmlReport(o.folder())
                .title("saddlescope train: " + o.folder().getFileName()).note(o.summary());
        for (String n : org.saddlescope.report.SpectraFigures.notes(o.folder())) html.note(n);
        html.write();
        if (o.diverged()) {
            System.err.println("saddlescope: " + o.summary());
            return Main.FAILED;
        }
        System.out.println(o.summary());
        return Main.OK;
    }
}
