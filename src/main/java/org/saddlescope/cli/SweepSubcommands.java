package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.saddlescope.config.Configs;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.sweep.Kinds;
import org.saddlescope.sweep.Point;
import org.saddlescope.sweep.SlurmExecutor;
import org.saddlescope.sweep.SweepFolder;
import org.saddlescope.sweep.SweepKinds;
import org.saddlescope.sweep.SweepLaunch;
import org.saddlescope.sweep.SweepSpec;
import org.saddlescope.sweep.SweepStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code sweep status | collect | retry | cancel | worker DIR}. */
final class SweepSubcommands {
    private SweepSubcommands() {}

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Points done, running, interrupted, failed (with their errors) and pending; Slurm's view of the jobs (squeue, sacct)."})
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        QuietOptions quietOptions;

        @Parameters(index = "0", paramLabel = "DIR", description = "Sweep folder.")
        Path dir;

        @Option(names = "--all", description = "List every point with its status.")
        boolean all;

        @Override
        public Integer call() {
            SweepFolder f = SweepFolder.open(dir);
            List<String> lines = SweepStatus.lines(dir, f, f.spec(SweepKinds.all()), all);
            // quiet: the first line (points done, running, failed...) is the result; the rest are details
            for (String line : quietOptions.quiet ? lines.subList(0, Math.min(1, lines.size())) : lines) System.out.println(line);
            return CommandLine.ExitCode.OK;
        }
    }

    @Command(name = "collect", mixinStandardHelpOptions = true,
            description = {"results.csv (one row per point: axes, status, results), aggregates.csv (over seeds, with intervals), summary.md, figures/."})
    static final class Collect implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        QuietOptions quietOptions;

        @Parameters(index = "0", paramLabel = "DIR", description = "Sweep folder.")
        Path dir;

        @Override
        public Integer call() {
            SweepFolder f = SweepFolder.open(dir);
            Kinds kinds = SweepKinds.all();
            SweepSpec s = f.spec(kinds);
            var c = org.saddlescope.sweep.Collect.run(f, s, kinds.get(s.kind, dir.toString()));
            if (!quietOptions.quiet) System.out.print(c.markdown());
            System.out.println(String.format(Locale.ROOT, "collect: %d/%d points done, %d failed -> %s", c.done(), c.total(), c.failed(),
                    dir.resolve(org.saddlescope.sweep.Collect.RESULTS)));
            return CommandLine.ExitCode.OK;
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = {"Runs failed points again (all of them, or those named), with the sweep's executor or --executor."})
    static final class Retry implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "Sweep folder.")
        Path dir;

        @Parameters(index = "1..*", paramLabel = "NAME", description = "Points to retry (default: every failed point).")
        List<String> names = new ArrayList<>();

        @Option(names = "--executor", paramLabel = "local|slurm", description = "Where they run (default: the spec's).")
        String executor;

        @Option(names = "--workers", paramLabel = "N", description = "Local worker processes.")
        Integer workers;

        @Option(names = "--wait", description = "slurm: wait for the job, then collect.")
        boolean waitForSlurm;

        @picocli.CommandLine.Mixin
        QuietOptions quietOptions;

        @Override
        public Integer call() {
            SweepFolder f = SweepFolder.open(dir);
            Kinds kinds = SweepKinds.all();
            int cleared = SweepStatus.retry(dir, f, names);
            if (!quietOptions.quiet) System.out.println("retry: " + cleared + " point(s) cleared");
            String where = dir.resolve(RunFiles.SWEEP).toString();
            Map<String, Object> m = Configs.readYaml(dir.resolve(RunFiles.SWEEP));
            if (executor != null) m.put("executor", executor);
            if (workers != null) m.put("workers", workers);
            SweepSpec s = SweepSpec.parse(m, dir, dir.getFileName().toString(), kinds, where);
            boolean ok = SweepLaunch.run(s, kinds.get(s.kind, dir.toString()), dir, where, false, waitForSlurm, quietOptions.quiet, false, SweepConsole.of(quietOptions.quiet));
            return ok ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = {"scancel the sweep's Slurm jobs (their points can be resumed later)."})
    static final class Cancel implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        QuietOptions quietOptions;

        @Parameters(index = "0", paramLabel = "DIR", description = "Sweep folder.")
        Path dir;

        @Override
        public Integer call() {
            List<SlurmExecutor.Job> jobs = SlurmExecutor.jobs(SweepFolder.open(dir));
            SlurmExecutor.cancel(jobs, Map.of());
            System.out.println("cancel: " + jobs.size() + " job(s)");
            return CommandLine.ExitCode.OK;
        }
    }

    @Command(name = "worker", hidden = true, description = {"(internal) Runs the sweep's points that need running, or those of one Slurm chunk."})
    static final class Worker implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        QuietOptions quietOptions;

        @Parameters(index = "0", paramLabel = "DIR")
        Path dir;

        @Option(names = "--threads", required = true)
        int threads;

        @Option(names = "--chunk")
        Integer chunk;

        @Option(names = "--chunk-size", defaultValue = "1")
        int chunkSize;

        @Override
        public Integer call() {
            long started = System.nanoTime();
            SweepFolder f = SweepFolder.open(dir);
            Kinds kinds = SweepKinds.all();
            SweepSpec s = f.spec(kinds);
            List<Point> points = f.points();
            if (chunk != null) points = SlurmExecutor.chunk(points, chunkSize, chunk);
            var who = org.saddlescope.sweep.Worker.Identity.current(System.getenv("SLURM_JOB_ID") != null ? "slurm" : "local");
            var o = org.saddlescope.sweep.Worker.run(f, kinds.get(s.kind, dir.toString()), points, threads, who, SweepConsole::runInProcess);
            // CPU time next to the wall time: on a shared machine the wall time says little about the work
            double cpu = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
            double wall = (System.nanoTime() - started) / 1e9;
            System.out.println(String.format(Locale.ROOT, "worker %d: ran %d point(s), %d failed, %d skipped in %.1f s (%.1f s CPU of this process)",
                    who.pid(), o.ran(), o.failed(), o.skipped(), wall, cpu));
            return o.failed() > 0 ? CommandLine.ExitCode.SOFTWARE : CommandLine.ExitCode.OK;
        }
    }
}
