package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.saddlescope.config.Configs;
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
        EscapeConfig cfg = config(values, config != null ? config.toString() : "arguments");
        EscapeRun.Outcome o;
        try (ConsoleProgress p = new ConsoleProgress("escape", common.quiet)) {
            o = EscapeRun.start(cfg, common.outOr("escape"), common.threadsOrDefault(), p);
        }
        System.out.println(o.summary());
        return CommandLine.ExitCode.OK;
    }

    /** The config of a map of option values or YAML keys ('-' or '_'), with the old --depth/--width shorthand applied. */
    static EscapeConfig config(Map<String, Object> values, String where) {
        Map<String, Object> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k.replace('-', '_'), v));
        Object depth = m.remove("depth"), width = m.remove("width");
        if (depth != null || width != null) {
            int d = depth != null ? ((Number) depth).intValue() : 3, w = width != null ? ((Number) width).intValue() : 16;
            if (d < 1 || w < 1) throw new IllegalArgumentException(where + ": depth and width must be >= 1");
            m.put("hidden", new ArrayList<>(Collections.nCopies(d - 1, w)));
        }
        return Configs.merge(List.of(m), EscapeConfig.class, where);
    }
}
