package org.saddlescope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.saddlescope.experiment.BadInputException;
import org.saddlescope.experiment.Prediction;
import org.saddlescope.experiment.RunFolder;
import org.saddlescope.experiment.TheoryAddon;
import org.saddlescope.experiment.TheoryCheck;
import org.saddlescope.experiment.TrainConfig;
import org.saddlescope.linalg.Blas;
import org.saddlescope.report.HtmlReport;
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
        description = {"Compare a training run's first escape with the theory: plateau end (steps) against the flow from the",
                "run's theta0 and Proposition 2.2, unit-sphere speed on the plateau against the flow and s*, direction after the",
                "escape (W_1 input and W_L output singular vectors of W - W(0), outputs on the data) against the predicted one,",
                "per-layer learned tail ratios with the initial weights' share, and flow-faithfulness. Writes theory_check.csv,",
                "theory_check.md, theory_check.json and figures/theory_check.png into the run folder and refreshes its report."})
public final class CheckTheoryCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "RUN", description = "A train run folder.")
    Path run;

    @Option(names = "--prediction", paramLabel = "DIR", description = "A folder written by saddlescope predict for this run's setup (default: RUN/prediction, made now if absent).")
    Path prediction;

    @Mixin
    PredictOptions options;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(run.resolve("config.yaml")) || !Files.isRegularFile(run.resolve("metrics.csv"))
                || !Files.isRegularFile(run.resolve("weights/initial.npz"))) {
            throw new BadInputException(run + " is not a train run folder (config.yaml, metrics.csv, weights/initial.npz)");
        }
        if (prediction != null && !Files.isRegularFile(prediction.resolve("prediction.json"))) {
            throw new BadInputException(prediction + " is not a predict folder (no prediction.json)");
        }
        Prediction.Settings settings = options.settings();
        Blas.init(common.threadsOrDefault());
        if (prediction == null && Files.isRegularFile(run.resolve("prediction/prediction.json"))) prediction = run.resolve("prediction");
        if (prediction == null) RunFolder.checkNew(run.resolve("prediction"));
        TheoryCheck.Predicted pred;
        if (prediction != null) {
            pred = TheoryCheck.Predicted.load(prediction);
        } else {
            TrainConfig cfg = TrainConfig.merge(List.of(TrainConfig.readYaml(run.resolve("config.yaml"))), run.resolve("config.yaml").toString());
            ConsoleProgress progress = new ConsoleProgress("check-theory", common.quiet);
            Prediction.Outcome o;
            Instant start = Instant.now();
            try {
                o = Prediction.run(cfg, settings, progress);
            } finally {
                progress.close();
            }
            try (RunFolder pf = RunFolder.create(run.resolve("prediction"), "predict")) {
                pf.writeYaml("config.yaml", cfg.toMap());
                Prediction.write(pf, o);
                pf.writeManifest("predict", cfg.seed, start, Instant.now(), Map.of("settings", settings));
                pf.publish();
            }
            pred = TheoryCheck.Predicted.load(run.resolve("prediction"));
        }
        TheoryCheck.Outcome o;
        try (RunFolder folder = RunFolder.openForWriting(run, "check-theory")) {
            o = TheoryCheck.check(folder, pred);
            HtmlReport html = new HtmlReport(folder.root()).title("saddlescope run: " + folder.root().getFileName());
            for (String n : TheoryAddon.notes(folder.root())) html.note(n);
            html.note("check-theory: theory_check.md, theory_check.csv and figures/theory_check.png compare this run with " + pred.source());
            html.write();
        }
        for (TheoryCheck.Row r : o.rows()) {
            System.out.println(String.format(Locale.ROOT, "%-100s predicted %-11.4g observed %-11.4g %s", r.quantity(), r.predicted(), r.observed(), r.comparison()));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> ff = (Map<String, Object>) o.summary().get("flow_faithful");
        System.out.println("flow-faithfulness: " + ff.get("verdict"));
        System.out.println("written: " + run.resolve("theory_check.md"));
        return Main.OK;
    }
}
