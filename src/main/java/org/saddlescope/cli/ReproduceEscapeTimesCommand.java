package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.saddlescope.experiments.EscapeTimesExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code saddlescope reproduce escape-times}. */
@Command(name = "escape-times", mixinStandardHelpOptions = true,
        description = {"Escape times of the companion paper: τ = Θ(ε^−(r−2)) (log for r = 2), fitted for r = 2..6.",
                "Fitted exponents with t-intervals, Proposition 2.2 (corrected) on aligned starts, activation classes and D_ℓ",
                "drift, multi-mode plateaus.",
                "Writes summary.md, scaling/ (sweep), proposition_2_2.csv, activations.csv, multimode.csv, figures/, report.html."})
public final class ReproduceEscapeTimesCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    SeedOption seed;

    @Option(names = "--quick", description = "Smaller grid (L = 5 only, 2 seeds).")
    boolean quick;

    @Override
    public Integer call() {
        Path out = common.outOr("escape-times");
        String md;
        try (ConsoleProgress p = new ConsoleProgress("escape-times", common.quiet())) {
            md = EscapeTimesExperiment.run(out, common.threadsOrDefault(), quick, seed.seed, p);
        }
        if (!common.quiet()) System.out.print(md);
        System.out.println("escape-times -> " + out);
        return CommandLine.ExitCode.OK;
    }
}
