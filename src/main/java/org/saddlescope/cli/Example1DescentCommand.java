package org.saddlescope.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.saddlescope.experiments.Example1Descent;
import org.saddlescope.experiments.Example1DescentReport;
import org.saddlescope.io.BadInputException;
import org.saddlescope.linalg.Blas;
import org.saddlescope.runs.RunFolder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code saddlescope reproduce example1-gd}: which optimum small-initialisation gradient descent escapes along on Example 1. */
@Command(name = "example1-gd", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Which optimum gradient descent from small initialisation escapes along on Example 1: rank two or rank one.",
        description = {"Which optimum gradient descent from small initialisation escapes along on Example 1: the rank-two 1/2 "
                + "or the rank-one sqrt(2)-1, over seeds, initial scales and widths (full-batch GD, lr = c/||theta||). Writes runs.csv, "
                + "summary.csv|md (fractions with Wilson intervals), figures/example1_gd and report.html."})
public final class Example1DescentCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--widths", split = ",", defaultValue = "8", description = "Hidden widths (default: ${DEFAULT-VALUE}).")
    int[] widths;

    @Option(names = "--init-scales", split = ",", defaultValue = "1e-4,1e-3,1e-2,1e-1", description = "Initial scales sigma0 (default: ${DEFAULT-VALUE}).")
    double[] scales;

    @Option(names = "--seeds", defaultValue = "50", description = "Seeds per width and scale (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--steps", defaultValue = "50000", description = "Largest number of steps before the escape (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--lr", defaultValue = "0.05", description = "c of lr = c/||theta|| (default: ${DEFAULT-VALUE}).")
    double lr;

    @Override
    public Integer call() throws InterruptedException {
        for (int w : widths) if (w < 1) throw new BadInputException("--widths must be positive");
        for (double s : scales) if (!(s > 0)) throw new BadInputException("--init-scales must be positive");
        if (seeds < 1 || steps < 1 || !(lr > 0)) throw new BadInputException("--seeds and --steps >= 1, --lr > 0");
        Blas.init(1);
        Example1Descent.Settings s = new Example1Descent.Settings(widths, scales, seeds, steps, lr, common.threadsOrDefault());
        try (RunFolder folder = RunFolder.create(common.outOr("example1-gd"), "reproduce example1-gd");
             ConsoleProgress progress = new ConsoleProgress("example1-gd", common.quiet())) {
            List<Example1Descent.Run> runs = Example1Descent.run(s, progress);
            for (String l : Example1DescentReport.write(folder, runs, s)) System.out.println(l);
            folder.publish();
            System.out.println("run folder: " + folder.root());
        }
        return CommandLine.ExitCode.OK;
    }
}
