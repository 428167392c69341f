package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.saddlescope.config.EscapeConfig;
import org.saddlescope.experiments.EscapeRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code saddlescope escape}: parse an {@link EscapeConfig}, run {@link EscapeRun}, print its summary. One option per
 * config field (the data, architecture, cost and seed fields are the spec's, as in train and flow).
 */
@Command(name = "escape", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Optimal escape direction of the saddle at the origin, its speed and the rank of every layer.",
                "Minimises L0(θ) = Tr[GᵀY_θ] on the sphere ‖θ‖² = L from many random starts; reports speeds (√L sphere and unit",
                "sphere), stationarity residuals, the rank structure of every layer against Theorem 3.1 / Proposition 3.4, and",
                "(--extend-to) the best speed against depth. Writes restarts.csv, layers.csv, diagnostics.json, weights/best.npz,",
                "figures/ and report.html."})
public final class EscapeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of fields (as in a run's config.yaml); flags win over it.")
    Path config;

    // Shorthand of earlier versions (and their config.yaml files): --depth D --width W is --hidden W,...,W (D−1 times).
    @Option(names = "--depth", hidden = true)
    Integer depth;

    @Option(names = "--width", hidden = true)
    Integer width;

    @CommandLine.Spec
    CommandSpec spec;

    /** The command's spec with one option per EscapeConfig field added. */
    public static CommandSpec spec() {
        CommandSpec s = CommandSpec.forAnnotatedObject(new EscapeCommand());
        ConfigOptions.add(s, EscapeConfig.class, Set.of());
        return s;
    }

    @Override
    public Integer call() {
        Map<String, Object> values = ConfigOptions.values(spec, EscapeConfig.class, Set.of());
        if (depth != null) values.put("depth", depth);
        if (width != null) values.put("width", width);
        EscapeConfig cfg = EscapeConfig.of(values, config != null ? config.toString() : "arguments");
        EscapeRun.Outcome o;
        try (ConsoleProgress p = new ConsoleProgress("escape", common.quiet())) {
            o = EscapeRun.start(cfg, common.outOr("escape"), common.threadsOrDefault(), p);
        }
        System.out.println(o.summary());
        return CommandLine.ExitCode.OK;
    }
}
