package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.saddlescope.theorycheck.Prediction;
import org.saddlescope.theorycheck.TheoryCheck;
import org.saddlescope.linalg.Blas;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code saddlescope check-theory RUN}: the run's first escape against the theory (see {@link TheoryCheck}). The
 * prediction is read from {@code --prediction DIR} (a predict folder) or made now for the run's own config and kept
 * in RUN/prediction/.
 */
@Command(name = "check-theory", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Compare a training run's first escape with the theory's prediction: plateau end, speed, direction, ranks.",
        description = {"Compare a training run's first escape with the theory: plateau end (steps) against the flow from the " +
                "run's theta0 and Proposition 2.2, unit-sphere speed on the plateau against the flow and s*, direction " +
                "after the escape (W_1 input and W_L output singular vectors of W - W(0), outputs on the data) against the " +
                "predicted one, per-layer learned tail ratios with the initial weights' share, and flow-faithfulness. " +
                "Writes theory_check.csv, theory_check.md, theory_check.json and figures/theory_check.png into the run " +
                "folder and refreshes its report."})
public final class CheckTheoryCommand implements Callable<Integer> {
    @Mixin
    QuietOptions quiet;

    @Mixin
    ThreadsOption threads;

    @Parameters(index = "0", paramLabel = "RUN", description = "A train run folder.")
    Path run;

    @Option(names = "--prediction", paramLabel = "DIR", description = "A folder written by saddlescope predict for this run's setup (default: RUN/prediction, made now if absent).")
    Path prediction;

    @Mixin
    PredictOptions options;

    @Override
    public Integer call() {
        Prediction.Settings settings = options.settings();
        Blas.init(threads.orDefault());
        TheoryCheck.Outcome o;
        try (ConsoleProgress progress = new ConsoleProgress("check-theory", quiet.quiet)) {
            o = TheoryCheck.start(run, prediction, settings, progress);
        }
        for (TheoryCheck.Row r : o.rows()) {
            System.out.println(String.format(Locale.ROOT, "%-100s predicted %-11.4g observed %-11.4g %s", r.quantity(), r.predicted(), r.observed(), r.comparison()));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> ff = (Map<String, Object>) o.summary().get("flow_faithful");
        System.out.println("flow-faithfulness: " + ff.get("verdict"));
        System.out.println("written: " + run.resolve("theory_check.md"));
        return CommandLine.ExitCode.OK;
    }
}
