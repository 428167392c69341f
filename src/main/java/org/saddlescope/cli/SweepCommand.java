package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.saddlescope.experiment.Configs;
import org.saddlescope.experiment.EscapeSweep;
import org.saddlescope.experiment.SweepConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code saddlescope sweep}: escape times over a grid of (L, r, ε, seed), in parallel, with exponent fits. */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Escape-time scaling sweep: He-normal nets with r layers scaled by ε, gradient flow to the escape time,",
                "one run per (L, r, ε, seed) in parallel over the cores. Writes escape_times.csv, fits.csv/json/md",
                "(exponent of τ against ε with t-intervals beside −(r−2)), figures/tau_vs_epsilon.png|svg, runs/*/."})
public final class SweepCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of fields (as in a sweep's config.yaml).")
    Path config;

    @CommandLine.Spec
    CommandSpec spec;

    static final Set<String> COMMON = Set.of("seed", "threads");

    public static CommandSpec spec() {
        CommandSpec s = CommandSpec.forAnnotatedObject(new SweepCommand());
        ConfigOptions.add(s, SweepConfig.class, SweepConfig.HELP, COMMON);
        return s;
    }

    @Override
    public Integer call() {
        List<Map<String, Object>> layers = new ArrayList<>();
        if (config != null) layers.add(Configs.readYaml(config));
        Map<String, Object> flags = ConfigOptions.matched(spec, SweepConfig.class, COMMON);
        if (common.seed != null) flags.put("seed", common.seed);
        if (common.threads != null) flags.put("threads", common.threads);
        layers.add(flags);
        SweepConfig cfg = Configs.merge(layers, SweepConfig.class, config != null ? config.toString() : "arguments");
        Path out = common.outOr("sweep");
        EscapeSweep.Outcome o;
        try (ConsoleProgress p = new ConsoleProgress("sweep", common.quiet)) {
            o = EscapeSweep.run(cfg, out, p);
        }
        System.out.print(EscapeSweep.table(o.fits(), cfg.confidence, cfg.escape));
        System.out.println("sweep: " + o.points().size() + " runs -> " + out);
        return Main.OK;
    }
}
