package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.saddlescope.io.BadInputException;
import org.saddlescope.config.Configs;
import org.saddlescope.experiments.EscapeSweep;
import org.saddlescope.config.SweepConfig;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.sweep.Collect;
import org.saddlescope.sweep.Kinds;
import org.saddlescope.sweep.SweepLaunch;
import org.saddlescope.sweep.SweepFolder;
import org.saddlescope.sweep.SweepKinds;
import org.saddlescope.sweep.SweepSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code saddlescope sweep}: a grid of runs of any kind (train, flow, escape, example1), each point an ordinary run
 * folder, on this machine's cores or on a Slurm cluster; stopped and started again it skips what is done and resumes
 * what was interrupted. Without a spec or --kind, the flags of the gradient-flow escape-time sweep (--depths,
 * --bottlenecks, --epsilons, --seeds) make a flow sweep whose collect step fits τ against ε.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {SweepSubcommands.Status.class, SweepSubcommands.Collect.class, SweepSubcommands.Retry.class,
                SweepSubcommands.Cancel.class, SweepSubcommands.Worker.class},
        description = {"Sweeps of any experiment: saddlescope sweep SPEC.yaml (or a sweep folder to continue it, or --kind with --axis).",
                "SPEC.yaml: kind (train|flow|escape|example1), axes (lists, {from,to,step|num,scale}, {zip: {...}}), base, seeds,",
                "executor (local|slurm), workers, threads, heap, slurm: {partition, time, cpus_per_task, mem, chunk, ...}.",
                "Each point is an ordinary run folder under DIR/points/ with its config.yaml; then sweep status|collect|retry DIR.",
                "Without SPEC or --kind: the escape-time sweep of gradient flow over --depths, --bottlenecks, --epsilons, --seeds."})
public final class SweepCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC|DIR", description = "Sweep spec (YAML), or a sweep folder to continue.")
    Path target;

    @Option(names = "--kind", paramLabel = "KIND", description = "Without a spec: the kind of every point (train, flow, escape, example1).")
    String kind;

    @Option(names = "--axis", paramLabel = "NAME=VALUES", description = "Without a spec: an axis (width=4,16; seed=0..99; or a YAML range). Repeatable.")
    List<String> axes = new ArrayList<>();

    @Option(names = "--set", paramLabel = "FIELD=VALUE", description = "Without a spec: a base field of every point (YAML value). Repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--preset", paramLabel = "NAME", description = "Without a spec: a train preset under the base fields.")
    String preset;

    @Option(names = "--executor", paramLabel = "local|slurm", description = "Where the points run (overrides the spec).")
    String executor;

    @Option(names = "--workers", paramLabel = "N", description = "Local worker processes (default: cores / threads).")
    Integer workers;

    @Option(names = "--heap", paramLabel = "SIZE", description = "Java heap of each worker process (2g; or 75%% of the memory it may use).")
    String heap;

    @Option(names = "--dry-run", description = "Check the spec and print the plan (and Slurm's batch script); write nothing.")
    boolean dryRun;

    @Option(names = "--wait", description = "slurm: wait for the job array to finish, then collect.")
    boolean waitForSlurm;

    @Option(names = "--config", paramLabel = "FILE", description = "Escape-time sweep only: YAML file of its fields (as its sweep.yaml's base).")
    Path config;

    @CommandLine.Spec
    CommandSpec spec;

    /** Escape-time sweep fields that the common options or the new flags already cover. */
    static final Set<String> COMMON = Set.of("threads");

    public static CommandSpec spec() {
        CommandSpec s = CommandSpec.forAnnotatedObject(new SweepCommand());
        ConfigOptions.add(s, SweepConfig.class, COMMON);
        return s;
    }

    @Override
    public Integer call() {
        Kinds kinds = SweepKinds.all();
        Map<String, Object> flagFields = ConfigOptions.matched(spec, SweepConfig.class, COMMON);
        boolean legacy = target == null && kind == null;
        Map<String, Object> m;
        Path dir;
        String where;
        String defaultName;
        if (legacy) {
            m = escapeTimeSpec(flagFields);
            dir = Path.of(".");
            defaultName = "sweep";
            where = config != null ? config.toString() : "arguments";
        } else {
            Object seed = flagFields.remove("seed"); // a spec's base seed
            for (String k : flagFields.keySet()) {
                if (!k.equals("seeds")) {
                    throw new BadInputException("--" + k.replace('_', '-') + " belongs to the escape-time sweep without a spec or --kind; use --set "
                            + k + "=VALUE");
                }
            }
            if (config != null) throw new BadInputException("--config is the escape-time sweep's; give a SPEC.yaml instead");
            if (target != null && SweepFolder.isSweep(target)) {
                if (common.out != null && !common.out.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
                    throw new BadInputException(target + " is a sweep folder: it continues in place (drop --out)");
                }
                refuseSpecFlags("continuing a sweep folder");
                m = Configs.readYaml(target.resolve(RunFiles.SWEEP));
                dir = target;
                defaultName = target.getFileName().toString();
                where = target.resolve(RunFiles.SWEEP).toString();
            } else if (target != null) {
                refuseSpecFlags("with a SPEC file");
                m = Configs.readYaml(target);
                dir = target.toAbsolutePath().getParent();
                defaultName = target.getFileName().toString().replaceFirst("\\.ya?ml$", "");
                where = target.toString();
            } else {
                m = SweepSpec.fromFlags(kind, sets, preset, axes);
                dir = Path.of(".");
                defaultName = kind;
                where = "arguments";
            }
            if (flagFields.containsKey("seeds")) m.put("seeds", flagFields.get("seeds"));
            if (seed != null) {
                if (target != null && SweepFolder.isSweep(target)) throw new BadInputException("--seed would change the points of " + target + "; give a new spec");
                @SuppressWarnings("unchecked")
                Map<String, Object> base = m.get("base") instanceof Map<?, ?> b ? new LinkedHashMap<>((Map<String, Object>) b) : new LinkedHashMap<>();
                base.put("seed", seed);
                m.put("base", base);
            }
        }
        if (executor != null) m.put("executor", executor);
        if (workers != null) m.put("workers", workers);
        if (common.threads() != null && !legacy) m.put("threads", common.threads()); // the escape-time sweep's --threads: workers
        if (heap != null) m.put("heap", heap);
        SweepSpec s = SweepSpec.parse(m, dir, defaultName, kinds, where);
        Path out = target != null && SweepFolder.isSweep(target) ? target
                : common.out != null ? common.out : legacy ? common.outOr("sweep") : Path.of("runs", "sweep-" + s.name);
        boolean ok = SweepLaunch.run(s, kinds.get(s.kind, where), out, where, dryRun, waitForSlurm, common.quiet(), legacy, SweepConsole.of(common.quiet()));
        return ok ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
    }

    private void refuseSpecFlags(String when) {
        if (kind != null || !axes.isEmpty() || !sets.isEmpty() || preset != null) {
            throw new BadInputException("--kind, --axis, --set and --preset make a spec on the command line; they cannot be combined " + when);
        }
    }

    /** The escape-time sweep's fields (--config, then flags) as a flow sweep spec ({@link EscapeSweep#asSweep}). */
    private Map<String, Object> escapeTimeSpec(Map<String, Object> flags) {
        List<Map<String, Object>> layers = new ArrayList<>();
        if (config != null) layers.add(Configs.readYaml(config));
        if (common.threads() != null) flags.put("threads", common.threads());
        layers.add(flags);
        return EscapeSweep.asSweep(Configs.merge(layers, SweepConfig.class, config != null ? config.toString() : "arguments"));
    }
}
