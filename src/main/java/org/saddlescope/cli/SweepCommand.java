package org.saddlescope.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.saddlescope.io.BadInputException;
import org.saddlescope.config.Configs;
import org.saddlescope.experiments.EscapeSweep;
import org.saddlescope.config.FlowConfig;
import org.saddlescope.config.SweepConfig;
import org.saddlescope.sweep.Axis;
import org.saddlescope.sweep.Collect;
import org.saddlescope.sweep.Grid;
import org.saddlescope.sweep.Kind;
import org.saddlescope.sweep.Kinds;
import org.saddlescope.sweep.LocalExecutor;
import org.saddlescope.sweep.SlurmExecutor;
import org.saddlescope.sweep.SweepFolder;
import org.saddlescope.sweep.SweepSpec;
import org.saddlescope.sweep.Sweeps;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import org.saddlescope.io.Json;

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
                m = Configs.readYaml(target.resolve("sweep.yaml"));
                dir = target;
                defaultName = target.getFileName().toString();
                where = target.resolve("sweep.yaml").toString();
            } else if (target != null) {
                refuseSpecFlags("with a SPEC file");
                m = Configs.readYaml(target);
                dir = target.toAbsolutePath().getParent();
                defaultName = target.getFileName().toString().replaceFirst("\\.ya?ml$", "");
                where = target.toString();
            } else {
                m = specFromFlags();
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
        if (common.threads != null && !legacy) m.put("threads", common.threads); // the escape-time sweep's --threads: workers
        if (heap != null) m.put("heap", heap);
        SweepSpec s = SweepSpec.parse(m, dir, defaultName, kinds, where);
        Path out = target != null && SweepFolder.isSweep(target) ? target
                : common.out != null ? common.out : legacy ? common.outOr("sweep") : Path.of("runs", "sweep-" + s.name);
        return run(s, kinds.get(s.kind, where), out, where, dryRun, waitForSlurm, common.quiet, legacy);
    }

    private void refuseSpecFlags(String when) {
        if (kind != null || !axes.isEmpty() || !sets.isEmpty() || preset != null) {
            throw new BadInputException("--kind, --axis, --set and --preset make a spec on the command line; they cannot be combined " + when);
        }
    }

    private Map<String, Object> specFromFlags() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        Map<String, Object> base = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new BadInputException("--set " + s + ": expected field=value");
            base.put(s.substring(0, eq).trim(), SweepSpec.yamlValue(s.substring(eq + 1).trim(), "--set " + s));
        }
        m.put("base", base);
        if (preset != null) m.put("preset", preset);
        Map<String, Object> ax = new LinkedHashMap<>();
        for (String a : axes) {
            Map.Entry<String, Object> e = Axis.parseFlag(a);
            if (ax.put(e.getKey(), e.getValue()) != null) throw new BadInputException("--axis " + e.getKey() + " is given twice");
        }
        m.put("axes", ax);
        return m;
    }

    /**
     * The escape-time sweep (EscapeSweep's grid: L, then r ≤ L, then ε, then seeds, He-normal with layers 1..r at ε) as a
     * flow spec, so it runs through the executors and fits exactly as EscapeSweep does.
     */
    private Map<String, Object> escapeTimeSpec(Map<String, Object> flags) {
        List<Map<String, Object>> layers = new ArrayList<>();
        if (config != null) layers.add(Configs.readYaml(config));
        if (common.threads != null) flags.put("threads", common.threads);
        layers.add(flags);
        SweepConfig cfg = Configs.merge(layers, SweepConfig.class, config != null ? config.toString() : "arguments");
        EscapeSweep.grid(cfg); // its checks: escape definition, positive ε, r ≤ L somewhere
        FlowConfig perRun = Json.YAML.copy().disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .convertValue(cfg, FlowConfig.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> base = Json.YAML.convertValue(perRun, LinkedHashMap.class);
        base.put("init", "he_scaled");
        base.put("small_layers", List.of());
        Map<String, Object> ax = new LinkedHashMap<>();
        if (!cfg.depths.isEmpty()) {
            ax.put("depth", new ArrayList<>(cfg.depths));
            base.put("width", cfg.width);
        }
        ax.put("bottleneck", new ArrayList<>(cfg.bottlenecks));
        ax.put("epsilon", new ArrayList<>(cfg.epsilons));
        ax.put("seed", Map.of("from", cfg.seed, "to", cfg.seed + cfg.seeds - 1));
        base.remove("bottleneck");
        base.remove("epsilon");
        base.remove("seed");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "flow");
        m.put("base", base);
        m.put("axes", ax);
        m.put("threads", 1);
        if (cfg.threads > 0) m.put("workers", cfg.threads);
        m.put("collect", Map.of("escape", cfg.escape, "confidence", cfg.confidence));
        return m;
    }

    /** Plans, then runs locally or submits; shared by {@code sweep} and {@code sweep retry}. */
    static int run(SweepSpec s, Kind k, Path out, String where, boolean dryRun, boolean waitForSlurm, boolean quiet, boolean printFits) {
        Grid.Expanded grid = Grid.expand(s, k, where);
        SweepFolder.checkCompatible(out, grid.points());
        PrintStream o = System.out;
        String skipped = grid.skipped() > 0 ? " (" + grid.skipped() + " left out: " + grid.skipReason() + ")" : "";
        List<SweepFolder.Entry> entries = Sweeps.entriesFor(out, grid.points());
        int toRun = Sweeps.toRun(entries);
        int cores = Runtime.getRuntime().availableProcessors();
        if (dryRun) {
            o.println("sweep " + s.name + ": " + grid.points().size() + " points of kind " + s.kind + skipped + ", " + toRun + " to run -> " + out);
            int shown = Math.min(5, grid.points().size());
            for (int i = 0; i < shown; i++) o.println("  " + grid.points().get(i).name() + ": " + grid.points().get(i).config());
            if (grid.points().size() > shown) o.println("  ...");
            if (s.executor.equals("slurm")) {
                Sweeps.SlurmPlan sp = Sweeps.slurm(out, s, entries);
                o.println("slurm: " + sp.tasks() + " array task(s) of " + sp.chunk() + " point(s), " + sp.threads() + " CPU(s) each; batch script:");
                o.print(sp.script());
            } else {
                o.println(Sweeps.local(s, toRun, cores, Runtime.getRuntime().maxMemory()).line(cores));
            }
            return CommandLine.ExitCode.OK;
        }
        if (s.executor.equals("slurm") && SweepFolder.isSweep(out)) {
            // a second array over the same chunks would only find their points taken; say so instead
            List<SlurmExecutor.Job> jobs = SlurmExecutor.jobs(SweepFolder.open(out));
            if (SlurmExecutor.queued(jobs, Map.of())) {
                throw new BadInputException(out + " still has Slurm tasks in the queue (saddlescope sweep status " + out
                        + "); wait for them or saddlescope sweep cancel " + out + ", then submit again");
            }
        }
        SweepFolder f = SweepFolder.create(out, s, grid.points());
        if (!quiet) o.println("sweep " + s.name + ": " + grid.points().size() + " points of kind " + s.kind + skipped + ", " + toRun + " to run -> " + out);
        if (s.executor.equals("slurm")) {
            Sweeps.SlurmPlan sp = Sweeps.slurm(out, s, f.entries());
            if (sp.tasks() == 0) {
                o.println("slurm: nothing to submit (every point is done, failed or running)");
            } else {
                SlurmExecutor.Job job = SlurmExecutor.submit(f, sp.script(), sp.array(), sp.chunk(), Map.of());
                o.println("slurm: submitted job " + job.id() + " (array " + sp.array() + ", " + sp.chunk() + " point(s) per task, "
                        + sp.threads() + " CPU(s) each); follow it with: saddlescope sweep status " + out);
                if (!waitForSlurm) return CommandLine.ExitCode.OK;
                try (ConsoleProgress p = new ConsoleProgress("sweep", quiet)) {
                    Sweeps.waitFor(f, List.of(job), Map.of(), 2000, p);
                }
            }
        } else if (toRun > 0) {
            Sweeps.LocalPlan lp = Sweeps.local(s, toRun, cores, Runtime.getRuntime().maxMemory());
            if (!quiet) o.println(lp.line(cores));
            LocalExecutor.Result r;
            try (ConsoleProgress p = new ConsoleProgress("sweep", quiet)) {
                r = Sweeps.runLocal(f, lp, p);
            }
            if (r.counts().done() + r.counts().failed() == 0 && r.workerExits().stream().allMatch(c -> c != 0)) {
                throw new IllegalStateException("the workers exited without running a point; see " + out.resolve("logs/worker-0.log"));
            }
        }
        return finish(f, s, k, printFits || !quiet);
    }

    /** Collects, prints the summary and the failed points; exit 1 if any point failed. */
    static int finish(SweepFolder f, SweepSpec s, Kind k, boolean print) {
        Collect.Summary c = Collect.run(f, s, k);
        if (print) System.out.print(c.markdown());
        List<SweepFolder.Entry> failed = f.entries().stream().filter(e -> e.status() == SweepFolder.Status.FAILED).toList();
        for (SweepFolder.Entry e : failed) System.err.println("failed: " + e.point().name() + ": " + e.state().error());
        System.out.println(String.format(Locale.ROOT, "sweep: %d/%d points done, %d failed -> %s", c.done(), c.total(), c.failed(), f.root()));
        if (!failed.isEmpty()) System.err.println("retry them with: saddlescope sweep retry " + f.root());
        int open = c.total() - c.done() - c.failed();
        if (open > 0) System.out.println(open + " point(s) not finished (running, interrupted or queued): saddlescope sweep status " + f.root());
        return failed.isEmpty() ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
    }

    /**
     * Runs {@code saddlescope ARGS} in this process with standard output and error going to {@code log} (a worker runs
     * one point at a time, so swapping the process's streams is safe).
     */
    static int runInProcess(List<String> args, PrintStream log) {
        PrintStream out = System.out, err = System.err;
        System.setOut(log);
        System.setErr(log);
        try {
            CommandLine cl = Main.commandLine();
            PrintWriter w = new PrintWriter(log, true);
            cl.setOut(w);
            cl.setErr(w);
            return cl.execute(args.toArray(new String[0]));
        } finally {
            log.flush();
            System.setOut(out);
            System.setErr(err);
        }
    }
}
