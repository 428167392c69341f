package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.saddlescope.io.BadInputException;
import org.saddlescope.sweep.Kinds;
import org.saddlescope.sweep.Point;
import org.saddlescope.sweep.SlurmExecutor;
import org.saddlescope.sweep.SweepFolder;
import org.saddlescope.sweep.SweepSpec;
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
        @Parameters(index = "0", paramLabel = "DIR", description = "Sweep folder.")
        Path dir;

        @Option(names = "--all", description = "List every point with its status.")
        boolean all;

        @Override
        public Integer call() {
            SweepFolder f = SweepFolder.open(dir);
            SweepSpec s = f.spec(SweepKinds.all());
            List<SweepFolder.Entry> entries = f.entries();
            Map<SweepFolder.Status, List<SweepFolder.Entry>> by = new EnumMap<>(SweepFolder.Status.class);
            for (SweepFolder.Status st : SweepFolder.Status.values()) by.put(st, new ArrayList<>());
            for (SweepFolder.Entry e : entries) by.get(e.status()).add(e);
            System.out.println(String.format(Locale.ROOT, "sweep %s (kind %s, %d points): %d done, %d running, %d interrupted, %d failed, %d pending",
                    dir, s.kind, entries.size(), by.get(SweepFolder.Status.DONE).size(), by.get(SweepFolder.Status.RUNNING).size(),
                    by.get(SweepFolder.Status.INTERRUPTED).size(), by.get(SweepFolder.Status.FAILED).size(), by.get(SweepFolder.Status.PENDING).size()));
            if (!by.get(SweepFolder.Status.RUNNING).isEmpty()) System.out.println("running:");
            for (SweepFolder.Entry e : by.get(SweepFolder.Status.RUNNING)) System.out.println("  " + e.point().name() + "  " + where(e));
            if (!by.get(SweepFolder.Status.INTERRUPTED).isEmpty()) System.out.println("interrupted (resumed when the sweep runs again):");
            for (SweepFolder.Entry e : by.get(SweepFolder.Status.INTERRUPTED)) System.out.println("  " + e.point().name() + "  " + where(e));
            if (!by.get(SweepFolder.Status.FAILED).isEmpty()) {
                System.out.println("failed (saddlescope sweep retry " + dir + " [NAME ...]; log: logs/NAME.log):");
            }
            for (SweepFolder.Entry e : by.get(SweepFolder.Status.FAILED)) {
                System.out.println("  " + e.point().name() + "  exit " + e.state().exitCode() + ": " + e.state().error());
            }
            if (all) for (SweepFolder.Entry e : entries) System.out.println(String.format(Locale.ROOT, "  %-12s %s", e.status().name().toLowerCase(Locale.ROOT), e.point().name()));
            slurm(f, entries);
            return CommandLine.ExitCode.OK;
        }

        private static String where(SweepFolder.Entry e) {
            var st = e.state();
            return "attempt " + st.attempt() + " on " + st.host() + (st.slurmJob() != null ? " (Slurm job " + st.slurmJob() + ")" : " (pid " + st.pid() + ")")
                    + " since " + st.started() + (st.resumedFromStep() != null ? ", resumed from step " + st.resumedFromStep() : "");
        }

        /** Slurm's view: the recorded jobs, their array tasks still queued (squeue) and their accounting (sacct). */
        private static void slurm(SweepFolder f, List<SweepFolder.Entry> entries) {
            List<SlurmExecutor.Job> jobs = SlurmExecutor.jobs(f);
            if (jobs.isEmpty()) return;
            Map<String, String> queue;
            try {
                queue = SlurmExecutor.queue(jobs, Map.of());
            } catch (IllegalStateException e) {
                System.out.println("slurm: " + e.getMessage());
                return;
            }
            List<Point> points = new ArrayList<>();
            for (SweepFolder.Entry e : entries) points.add(e.point());
            for (SlurmExecutor.Job j : jobs) {
                Map<String, Integer> states = new TreeMap<>();
                int queuedPoints = 0;
                for (Map.Entry<String, String> q : queue.entrySet()) {
                    if (!q.getKey().startsWith(j.id() + "_")) continue;
                    states.merge(q.getValue(), 1, Integer::sum);
                    String task = q.getKey().substring(j.id().length() + 1);
                    if (task.matches("\\d+")) queuedPoints += SlurmExecutor.chunk(points, j.chunk(), Integer.parseInt(task)).size();
                }
                System.out.println("slurm job " + j.id() + " (array " + j.array() + ", " + j.chunk() + " point(s) per task, submitted " + j.submitted()
                        + "): " + (states.isEmpty() ? "no task left in the queue" : "squeue " + states + ", covering " + queuedPoints + " point(s)"));
            }
            for (String line : SlurmExecutor.accounting(jobs, Map.of())) System.out.println("  sacct: " + line);
        }
    }

    @Command(name = "collect", mixinStandardHelpOptions = true,
            description = {"results.csv (one row per point: axes, status, results), aggregates.csv (over seeds, with intervals), summary.md, figures/."})
    static final class Collect implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "Sweep folder.")
        Path dir;

        @Override
        public Integer call() {
            SweepFolder f = SweepFolder.open(dir);
            Kinds kinds = SweepKinds.all();
            SweepSpec s = f.spec(kinds);
            var c = org.saddlescope.sweep.Collect.run(f, s, kinds.get(s.kind, dir.toString()));
            System.out.print(c.markdown());
            System.out.println(String.format(Locale.ROOT, "collect: %d/%d points done, %d failed -> %s", c.done(), c.total(), c.failed(),
                    dir.resolve("results.csv")));
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

        @Option(names = {"-q", "--quiet"}, description = "Print only errors and the final summary line.")
        boolean quiet;

        @Override
        public Integer call() {
            SweepFolder f = SweepFolder.open(dir);
            Kinds kinds = SweepKinds.all();
            Map<String, SweepFolder.Entry> byName = new LinkedHashMap<>();
            for (SweepFolder.Entry e : f.entries()) byName.put(e.point().name(), e);
            for (String n : names) if (!byName.containsKey(n)) throw new BadInputException(dir + " has no point " + n);
            int cleared = 0;
            for (SweepFolder.Entry e : byName.values()) {
                boolean named = names.contains(e.point().name());
                if (e.status() == SweepFolder.Status.RUNNING && named) throw new BadInputException(e.point().name() + " is running");
                if ((names.isEmpty() && e.status() == SweepFolder.Status.FAILED) || (named && e.status() != SweepFolder.Status.RUNNING)) {
                    f.retry(e.point().name());
                    cleared++;
                }
            }
            if (!quiet) System.out.println("retry: " + cleared + " point(s) cleared");
            Map<String, Object> m = org.saddlescope.config.Configs.readYaml(dir.resolve("sweep.yaml"));
            if (executor != null) m.put("executor", executor);
            if (workers != null) m.put("workers", workers);
            SweepSpec s = SweepSpec.parse(m, dir, dir.getFileName().toString(), kinds, dir.resolve("sweep.yaml").toString());
            return SweepCommand.run(s, kinds.get(s.kind, dir.toString()), dir, dir.resolve("sweep.yaml").toString(), false, waitForSlurm, quiet, false);
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = {"scancel the sweep's Slurm jobs (their points can be resumed later)."})
    static final class Cancel implements Callable<Integer> {
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
            var o = org.saddlescope.sweep.Worker.run(f, kinds.get(s.kind, dir.toString()), points, threads, who, SweepCommand::runInProcess);
            // CPU time next to the wall time: on a shared machine the wall time says little about the work
            double cpu = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
            double wall = (System.nanoTime() - started) / 1e9;
            System.out.println(String.format(Locale.ROOT, "worker %d: ran %d point(s), %d failed, %d skipped in %.1f s (%.1f s CPU of this process)",
                    who.pid(), o.ran(), o.failed(), o.skipped(), wall, cpu));
            return o.failed() > 0 ? CommandLine.ExitCode.SOFTWARE : CommandLine.ExitCode.OK;
        }
    }
}
