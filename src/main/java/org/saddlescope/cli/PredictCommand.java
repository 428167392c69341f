package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.saddlescope.theorycheck.Prediction;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.linalg.Blas;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code saddlescope predict}: the theory's first escape for a training setup, before (or without) training it.
 * The setup is a train config (preset, config file, a run folder's config.yaml, flags); see {@link Prediction}.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Predict the first escape of a training run before it trains: direction, speed, rank structure, the plateau's end.",
        description = {"Predict the first escape of a training run from its data, cost, architecture, theta0 and lr law: the best " +
                "escape direction found (padded exactly into the run's widths), its speed on the sqrt(L) and unit spheres, " +
                "the new-unit test, per-layer rank structure, Theorem 3.1 / Proposition 3.4 and the depths from which they " +
                "say anything, and the end of the origin plateau (Proposition 2.2 from an aligned start, and the flow from " +
                "the run's own theta0). Writes prediction.json, *.csv, weights/direction.npz, figures/, report.html."})
public final class PredictCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of train fields (a run's config.yaml predicts for that run); flags win over it, it wins over --preset.")
    Path config;

    @Mixin
    PredictOptions prediction;

    @CommandLine.Spec
    CommandSpec spec;

    /** The command with one option per TrainConfig field (the setup to predict for; --preset is one of them). */
    public static CommandSpec spec() {
        CommandSpec s = CommandSpec.forAnnotatedObject(new PredictCommand());
        ConfigOptions.add(s, TrainConfig.class, java.util.Set.of());
        return s;
    }

    @Override
    public Integer call() {
        // predict uses no budget: a placeholder below every other layer satisfies the config's rule, and is not written
        TrainConfig cfg = TrainConfig.merge(List.of(java.util.Map.of("steps", 1), ConfigOptions.values(spec, TrainConfig.class, java.util.Set.of())),
                config != null ? config.toString() : "arguments");
        Prediction.Settings s = prediction.settings();
        Blas.init(common.threadsOrDefault());
        Path out = common.outOr("predict");
        Prediction.Outcome o;
        try (ConsoleProgress progress = new ConsoleProgress("predict", common.quiet())) {
            o = Prediction.start(cfg, s, out, progress);
        }
        for (String l : Prediction.lines(o)) System.out.println(l);
        System.out.println("run folder: " + out);
        return CommandLine.ExitCode.OK;
    }
}
