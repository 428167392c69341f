package org.saddlescope.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.saddlescope.experiment.Prediction;
import org.saddlescope.experiment.RunFolder;
import org.saddlescope.experiment.TrainConfig;
import org.saddlescope.linalg.Blas;
import org.saddlescope.report.HtmlReport;
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
        description = {"Predict the first escape of a training run from its data, cost, architecture, theta0 and lr law:",
                "the best escape direction found (padded exactly into the run's widths), its speed on the sqrt(L) and unit",
                "spheres, the new-unit test, per-layer rank structure, Theorem 3.1 / Proposition 3.4 and the depths from which",
                "they say anything, and the end of the origin plateau (Proposition 2.2 from an aligned start, and the flow",
                "from the run's own theta0). Writes prediction.json, *.csv, weights/direction.npz, figures/, report.html."})
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
        TrainConfig cfg = TrainConfig.merge(List.of(ConfigOptions.values(spec, TrainConfig.class, java.util.Set.of())),
                config != null ? config.toString() : "arguments");
        Prediction.Settings s = prediction.settings();
        Blas.init(common.threadsOrDefault());
        Instant start = Instant.now();
        Path out = common.outOr("predict");
        org.saddlescope.experiment.RunFolder.checkNew(out); // before the minutes of work, as well as after
        ConsoleProgress progress = new ConsoleProgress("predict", common.quiet);
        Prediction.Outcome o;
        try {
            o = Prediction.run(cfg, s, progress); // validates everything; nothing is written before it returns
        } finally {
            progress.close();
        }
        List<String> lines = lines(o);
        try (RunFolder folder = RunFolder.create(out, "predict")) {
            folder.writeYaml("config.yaml", cfg.toMap());
            Prediction.write(folder, o);
            folder.writeManifest("predict", cfg.seed, start, Instant.now(), Map.of("settings", s));
            HtmlReport html = new HtmlReport(folder.root()).title("saddlescope predict: " + o.summary().get("dataset"));
            for (String l : lines) html.note(l);
            html.write();
            folder.publish();
        }
        for (String l : lines) System.out.println(l);
        System.out.println("run folder: " + out);
        return Main.OK;
    }
    @SuppressWarnings("unchecked")
    static List<String> lines(Prediction.Outcome o) {
        Map<String, Object> d = (Map<String, Object>) o.summary().get("direction");
        Map<String, Object> b = (Map<String, Object>) o.summary().get("bounds");
        Map<String, Object> p = (Map<String, Object>) o.summary().get("plateau");
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "escape direction (%s): s* = %.6g on the sqrt(L) sphere, s*_unit = %.6g on the unit sphere, residual %.2g",
                d.get("source"), (double) d.get("speed"), (double) d.get("speed_unit"), (double) d.get("residual")));
        out.add("new-unit test: " + d.get("new_unit_verdict"));
        out.add(String.format(Locale.ROOT, "Theorem 3.1: c = %.4g; %s; bound below 1 only from layer %s", (double) b.get("theorem31_c"),
                b.get("theorem31_verdict"), b.get("theorem31_first_layer_bound_below_1")));
        out.add("Proposition 3.4: " + b.get("proposition34_verdict"));
        for (Prediction.PlateauEnd e : o.plateau()) {
            out.add(String.format(Locale.ROOT, "plateau end (loss down %.3g): flow from theta0 q = %.4g, %.4g steps; aligned start (Prop 2.2 lower bound) q = %.4g, %.4g steps",
                    e.lossDrop(), e.flowQ(), e.flowSteps(), e.alignedQ(), e.alignedSteps()));
        }
        out.add("lr law: " + p.get("lr_law") + "; " + p.get("flow_faithful_forecast"));
        return out;
    }
}
