package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.saddlescope.io.BadInputException;
import org.saddlescope.config.Presets;
import org.saddlescope.trainrun.SpectraAddon;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.trainrun.TrainDryRun;
import org.saddlescope.trainrun.TrainRun;
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

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue a stopped run from its last checkpoint, or extend a finished"
            + " one with a larger --steps/--epochs (bit-identical to the longer run); takes --threads N too.")
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

    /** What --resume takes besides its folder: the budget, the thread count, and how much to print. */
    static final java.util.Set<String> RESUME_FLAGS = java.util.Set.of("--resume", "--steps", "--epochs", "--threads", "--quiet", "--verbose");

    @Override
    public Integer call() {
        if (dryRun) {
            if (resume != null) throw new IllegalArgumentException("--dry-run estimates a new run; drop --resume");
            TrainConfig cfg = config();
            System.out.print(TrainDryRun.run(cfg, out(cfg), common.threads()).text());
            return CommandLine.ExitCode.OK;
        }
        try (Interrupts signals = Interrupts.install()) {
            TrainRun.Hooks hooks = new TrainRun.Hooks(signals, this::figuresAndReport);
            TrainRun.Outcome o = resume != null ? resume(hooks) : start(hooks);
            int code = report(o);
            signals.done();
            return code;
        }
    }

    private TrainRun.Outcome resume(TrainRun.Hooks hooks) {
        List<String> other = new ArrayList<>();
        for (CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (!RESUME_FLAGS.contains(o.longestName())) other.add(o.longestName());
        }
        if (!other.isEmpty()) {
            throw new BadInputException("--resume continues the run as its config.yaml says; it takes only --steps N or --epochs N "
                    + "(a larger budget), --threads N, --quiet and --verbose, not " + String.join(", ", other));
        }
        Map<String, Object> flags = ConfigOptions.matched(spec, TrainConfig.class, java.util.Set.of());
        Long steps = flags.containsKey("steps") ? ((Number) flags.get("steps")).longValue() : null;
        Long epochs = flags.containsKey("epochs") ? ((Number) flags.get("epochs")).longValue() : null;
        return TrainRun.resume(resume, steps, epochs, common.threads(), progress(), hooks, addons());
    }

    private TrainRun.Outcome start(TrainRun.Hooks hooks) {
        TrainConfig cfg = config();
        Path out = out(cfg);
        return TrainRun.start(cfg, out, common.threads(), progress(), hooks, addons());
    }

    private Path out(TrainConfig cfg) {
        return common.outOr(cfg.preset != null ? cfg.preset : "train");
    }

    /** defaults &lt; --preset &lt; --config &lt; flags (picocli's default provider), checked. */
    private TrainConfig config() {
        return TrainConfig.merge(List.of(ConfigOptions.values(spec, TrainConfig.class, java.util.Set.of())),
                config != null ? config.toString() : "arguments");
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
        ConsoleProgress p = new ConsoleProgress("train", common.quiet());
        String hint = org.saddlescope.linalg.Blas.kernelHint();
        if (hint != null) p.info(hint);
        return p;
    }

    /** Figures and report.html, written while the run still holds its folder's lock. */
    private void figuresAndReport(TrainRun.Outcome o) {
        List<String> notes = new java.util.ArrayList<>(List.of(o.summary()));
        notes.addAll(o.warnings());
        List<String> theory = org.saddlescope.theorycheck.TheoryAddon.notes(o.folder());
        notes.addAll(theory);
        org.saddlescope.report.RunReport.write(o.folder(), o.folder(), "saddlescope train: " + o.folder().getFileName(), null, notes);
        for (String n : theory) System.err.println("saddlescope: " + n);
    }

    private int report(TrainRun.Outcome o) {
        if (o.diverged() || o.interrupted()) {
            System.err.println("saddlescope: " + o.summary());
            return o.diverged() ? CommandLine.ExitCode.SOFTWARE : Interrupts.EXIT_CODE;
        }
        System.out.println(o.summary());
        return CommandLine.ExitCode.OK;
    }

    /** What every train run records besides its metrics: the spectra and saddle analysis, and the theory's snapshots. */
    static List<org.saddlescope.trainrun.RunAddon> addons() {
        return List.of(new SpectraAddon(), new org.saddlescope.theorycheck.TheoryAddon());
    }
}
