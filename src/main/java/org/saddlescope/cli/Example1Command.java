package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.saddlescope.config.Configs;
import org.saddlescope.config.Example1Config;
import org.saddlescope.experiments.Example1Run;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code saddlescope reproduce example1}: parse an {@link Example1Config}, run {@link Example1Run}, print its lines. */
@Command(name = "example1", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Example 1 of the paper (section 4, appendix D.1), end to end.",
                "The rank-one speed against the angle (equation 6, Figure 7), the rank-two construction of equation 2 (speed 1/2),",
                "the width sweep of Figures 2 and 8 with the paper's projected gradient descent followed by dead-unit pruning and",
                "the kink-aware polish, and a solver comparison. --bench: projected steps/s beside shared/bench/torch_sphere_pgd.py."})
public final class Example1Command implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of fields (as in a run's config.yaml); flags win over it.")
    Path config;

    @Option(names = "--bench", description = "Only measure projected steps/s (same widths, runs and steps as the PyTorch script).")
    boolean bench;

    @Option(names = "--bench-runs", defaultValue = "10", description = "Runs per width in --bench (default: ${DEFAULT-VALUE}, as the torch script's usage).")
    int benchRuns;

    @Option(names = "--torch-script", paramLabel = "FILE", description = "shared/bench/torch_sphere_pgd.py, run beside --bench.")
    Path torchScript;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch (default: ${DEFAULT-VALUE}).")
    String python;

    @CommandLine.Spec
    CommandSpec spec;

    /** The command's spec with one option per Example1Config field added. */
    public static CommandSpec spec() {
        CommandSpec s = CommandSpec.forAnnotatedObject(new Example1Command());
        ConfigOptions.add(s, Example1Config.class, Set.of());
        return s;
    }

    @Override
    public Integer call() {
        Example1Config cfg = Configs.merge(List.of(ConfigOptions.values(spec, Example1Config.class, Set.of())), Example1Config.class,
                config != null ? config.toString() : "arguments");
        int threads = common.threadsOrDefault();
        List<String> lines;
        if (bench) {
            lines = Example1Run.bench(cfg, benchRuns, torchScript, python, threads, common.out);
        } else {
            try (ConsoleProgress p = new ConsoleProgress("example1", common.quiet())) {
                lines = Example1Run.start(cfg, common.outOr("example1"), threads, p).lines();
            }
        }
        for (String l : lines) System.out.println(l);
        return CommandLine.ExitCode.OK;
    }
}
