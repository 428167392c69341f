package org.saddlescope.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.io.BadInputException;
import org.saddlescope.progress.ProgressListener;

/**
 * What {@code sweep} and {@code sweep retry} do once the spec is read: plan the points, run those that need running on
 * this machine's cores or submit them to Slurm, then collect and say what failed. It prints only through its
 * {@link Console}, which the command line gives it.
 */
public final class SweepLaunch {
    private SweepLaunch() {}

    /** Where a launch reports: lines on standard output and error, and a progress bar while points run. */
    public interface Console {
        void out(String line);

        void print(String text);

        void err(String line);

        /** A progress bar for the points as they finish, closed when the run or the wait is over. */
        Progress progress();
    }

    /** A progress bar that is closed when done. */
    public interface Progress extends ProgressListener, AutoCloseable {
        @Override
        void close();
    }

    /** Plans, then runs locally or submits; true unless a point failed. */
    public static boolean run(SweepSpec s, Kind k, Path out, String where, boolean dryRun, boolean waitForSlurm, boolean quiet,
                              boolean printFits, Console o) {
        Grid.Expanded grid = Grid.expand(s, k, where);
        SweepFolder.checkCompatible(out, grid.points());
        String skipped = grid.skipped() > 0 ? " (" + grid.skipped() + " left out: " + grid.skipReason() + ")" : "";
        List<SweepFolder.Entry> entries = Sweeps.entriesFor(out, grid.points());
        int toRun = Sweeps.toRun(entries);
        String planned = "sweep " + s.name + ": " + grid.points().size() + " points of kind " + s.kind + skipped + ", " + toRun + " to run -> " + out;
        if (dryRun) {
            dryRun(s, grid, entries, toRun, out, planned, o);
            return true;
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
        if (!quiet) o.out(planned);
        if (s.executor.equals("slurm")) {
            if (!submit(f, s, out, waitForSlurm, o)) return true;
        } else if (toRun > 0) {
            runHere(f, s, toRun, out, quiet, o);
        }
        return finish(f, s, k, printFits || !quiet, o);
    }

    private static void dryRun(SweepSpec s, Grid.Expanded grid, List<SweepFolder.Entry> entries, int toRun, Path out, String planned, Console o) {
        o.out(planned);
        int shown = Math.min(5, grid.points().size());
        for (int i = 0; i < shown; i++) o.out("  " + grid.points().get(i).name() + ": " + grid.points().get(i).config());
        if (grid.points().size() > shown) o.out("  ...");
        if (s.executor.equals("slurm")) {
            Sweeps.SlurmPlan sp = Sweeps.slurm(out, s, entries);
            o.out("slurm: " + sp.tasks() + " array task(s) of " + sp.chunk() + " point(s), " + sp.threads() + " CPU(s) each; batch script:");
            o.print(sp.script());
        } else {
            int cores = Runtime.getRuntime().availableProcessors();
            o.out(Sweeps.local(s, toRun, cores, Runtime.getRuntime().maxMemory()).line(cores));
        }
    }

    /** Submits the array; false when the command is done after submitting (nothing to submit, or not waiting for it). */
    private static boolean submit(SweepFolder f, SweepSpec s, Path out, boolean waitForSlurm, Console o) {
        Sweeps.SlurmPlan sp = Sweeps.slurm(out, s, f.entries());
        if (sp.tasks() == 0) {
            o.out("slurm: nothing to submit (every point is done, failed or running)");
            return true;
        }
        SlurmExecutor.Job job = SlurmExecutor.submit(f, sp.script(), sp.array(), sp.chunk(), Map.of());
        o.out("slurm: submitted job " + job.id() + " (array " + sp.array() + ", " + sp.chunk() + " point(s) per task, "
                + sp.threads() + " CPU(s) each); follow it with: saddlescope sweep status " + out);
        if (!waitForSlurm) return false;
        try (Progress p = o.progress()) {
            Sweeps.waitFor(f, List.of(job), Map.of(), 2000, p);
        }
        return true;
    }

    private static void runHere(SweepFolder f, SweepSpec s, int toRun, Path out, boolean quiet, Console o) {
        int cores = Runtime.getRuntime().availableProcessors();
        Sweeps.LocalPlan lp = Sweeps.local(s, toRun, cores, Runtime.getRuntime().maxMemory());
        if (!quiet) o.out(lp.line(cores));
        LocalExecutor.Result r;
        try (Progress p = o.progress()) {
            r = Sweeps.runLocal(f, lp, p);
        }
        if (r.counts().done() + r.counts().failed() == 0 && r.workerExits().stream().allMatch(c -> c != 0)) {
            throw new IllegalStateException("the workers exited without running a point; see " + out.resolve("logs/worker-0.log"));
        }
    }

    /** Collects, prints the summary and the failed points; true unless a point failed. */
    public static boolean finish(SweepFolder f, SweepSpec s, Kind k, boolean print, Console o) {
        Collect.Summary c = Collect.run(f, s, k);
        if (print) o.print(c.markdown());
        List<SweepFolder.Entry> failed = f.entries().stream().filter(e -> e.status() == SweepFolder.Status.FAILED).toList();
        for (SweepFolder.Entry e : failed) o.err("failed: " + e.point().name() + ": " + e.state().error());
        o.out(String.format(Locale.ROOT, "sweep: %d/%d points done, %d failed -> %s", c.done(), c.total(), c.failed(), f.root()));
        if (!failed.isEmpty()) o.err("retry them with: saddlescope sweep retry " + f.root());
        int open = c.total() - c.done() - c.failed();
        if (open > 0) o.out(open + " point(s) not finished (running, interrupted or queued): saddlescope sweep status " + f.root());
        return failed.isEmpty();
    }
}
