package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.saddlescope.config.Configs;
import org.saddlescope.config.FlowConfig;
import org.saddlescope.experiments.FlowRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code saddlescope flow}: integrate the gradient flow of one network and probe it. */
@Command(name = "flow", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Integrate the gradient flow θ' = −∇L(θ) (adaptive Dormand-Prince 8(5,3), float64) in real or normalised time.",
                "Writes metrics.csv (t, q, loss, |θ|, |Y|, D_ℓ, dD_ℓ/dt), summary.json (escape times), figures/, config.yaml, manifest.json."})
public final class FlowCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of fields (as in a run's config.yaml).")
    Path config;

    @CommandLine.Spec
    CommandSpec spec;

    public static CommandSpec spec() {
        CommandSpec s = CommandSpec.forAnnotatedObject(new FlowCommand());
        ConfigOptions.add(s, FlowConfig.class, Set.of());
        return s;
    }

    @Override
    public Integer call() {
        FlowConfig cfg = Configs.merge(List.of(ConfigOptions.values(spec, FlowConfig.class, Set.of())), FlowConfig.class,
                config != null ? config.toString() : "arguments");
        Path out = common.outOr("flow");
        FlowRun.Outcome o;
        try (ConsoleProgress p = new ConsoleProgress("flow", common.quiet())) {
            o = FlowRun.start(cfg, out, common.threadsOrDefault(), p);
        }
        var s = o.summary();
        System.out.println(String.format(Locale.ROOT, "flow: %s at t=%.6g (q=%.6g); loss escape %s, output escape %s; %d evaluations -> %s",
                s.get("stop"), s.get("end_t"), s.get("end_q"), escape(s.get("loss_escape_t"), cfg.loss_drop > 0, "--loss-drop"),
                escape(s.get("output_escape_t"), cfg.escape_output > 0, "--escape-output"), s.get("evaluations"), out));
        return "NON_FINITE".equals(s.get("stop")) ? CommandLine.ExitCode.SOFTWARE : CommandLine.ExitCode.OK;
    }

    /** "t=12.3", "not reached", or "off (no --escape-output)": never "t=NaN". */
    static String escape(Object t, boolean asked, String flag) {
        if (!asked) return "off (no " + flag + ")";
        double v = t instanceof Number n ? n.doubleValue() : Double.NaN;
        return Double.isNaN(v) ? "not reached" : String.format(Locale.ROOT, "t=%.6g", v);
    }
}
