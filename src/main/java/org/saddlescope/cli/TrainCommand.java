package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.saddlescope.experiment.Presets;
import org.saddlescope.experiment.SpectraAddon;
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

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of fields (as in a run's config.yaml); flags win over it, it wins over --preset.")
    Path config;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue a stopped run from its last checkpoint.")
    Path resume;

    @Option(names = "--dry-run", description = "Check everything, print the resolved config, the memory the run takes and its time on this"
            + " machine measured from a few real steps; write nothing.")
    boolean dryRun;

    @CommandLine.Spec
    CommandSpec spec;

    /** The command's spec with one option per TrainConfig field added (--preset is the preset field). */
    public static CommandSpec spec() {
        CommandSpec s = CommandSpec.forAnnotatedObject(new TrainCommand());
        ConfigOptions.add(s, TrainConfig.class, java.util.Set.of());
        StringBuilder presets = new StringBuilder();
        Presets.descriptions().forEach((k, v) -> presets.append(String.format("  %-18s %s%n", k, wrap(v, 58, 21))));
        s.usageMessage().footer(String.format("%nPresets:%n%s", presets));
        return s;
    }

    @Override
    public Integer call() {
        if (resume != null) {
            if (dryRun) throw new IllegalArgumentException("--dry-run estimates a new run; drop --resume");
            if (!ConfigOptions.matched(spec, TrainConfig.class, java.util.Set.of()).isEmpty() || config != null) {
                throw new IllegalArgumentException("--resume takes its config from the run folder; drop --config and the field flags");
            }
            TrainRun.Outcome o = TrainRun.resume(resume, common.threads, progress(), List.of(new SpectraAddon()));
            return report(o);
        }
        TrainConfig cfg = TrainConfig.merge(List.of(ConfigOptions.values(spec, TrainConfig.class, java.util.Set.of())),
                config != null ? config.toString() : "arguments");
        Path out = common.outOr(cfg.preset != null ? cfg.preset : "train");
        if (dryRun) {
            System.out.print(TrainDryRun.run(cfg, out, common.threads).text());
            return Main.OK;
        }
        TrainRun.Outcome o = TrainRun.start(cfg, out, common.threads, progress(), List.of(new SpectraAddon()));
        return report(o);
    }

    /** Word-wraps text at width, later lines indented (picocli leaves footers unwrapped). */
    static String wrap(String text, int width, int indent) {
        StringBuilder out = new StringBuilder();
        int col = 0;
        for (String w : text.split(" ")) {
            if (col > 0 && col + 1 + w.length() > width) {
                out.append(System.lineSeparator()).append(" ".repeat(indent));
                col = 0;
            } else if (col > 0) {
                out.append(' ');
                col++;
            }
            out.append(w);
            col += w.length();
        }
        return out.toString();
    }

    private ConsoleProgress progress() {
        ConsoleProgress p = new ConsoleProgress("train", common.quiet);
        String hint = org.saddlescope.linalg.Blas.kernelHint();
        if (hint != null) p.info(hint);
        return p;
    }

    private int report(TrainRun.Outcome o) {
        List<String> notes = new java.util.ArrayList<>(List.of(o.summary()));
        notes.addAll(o.warnings());
        org.saddlescope.report.RunReport.write(o.folder(), o.folder(), "saddlescope train: " + o.folder().getFileName(), null, notes);
        if (o.diverged()) {
            System.err.println("saddlescope: " + o.summary());
            return Main.FAILED;
        }
        System.out.println(o.summary());
        return Main.OK;
    }
}
