package org.saddlescope.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.progress.ProgressListener;

/**
 * Running a planned sweep with its executor: how many local workers and threads, the Slurm chunking and batch script,
 * waiting for a submitted job. The command line only parses, calls these and prints.
 */
public final class Sweeps {
    private Sweeps() {}

    /** Local workers, threads per point, heap per worker, and whether workers × threads exceeds the cores. */
    public record LocalPlan(int workers, int threads, String heap, boolean oversubscribed) {
        public String line(int cores) {
            return String.format(Locale.ROOT, "local: %d worker process(es) × %d thread(s) on %d cores, heap %s each%s", workers, threads, cores,
                    heap, oversubscribed ? " (oversubscribed: OpenBLAS threads spin, expect a large slowdown)" : "");
        }
    }

    /**
     * Threads per point: the spec's, else the cores shared out between the spec's workers, else 1 (small runs: one
     * process per core beats threads within a run). Workers: the spec's, else cores / threads; never more than the
     * points to run. Heap: the spec's, else this JVM's maximum shared out between the workers (at least 1 GiB).
     */
    public static LocalPlan local(SweepSpec spec, int toRun, int cores, long maxHeapBytes) {
        int threads = spec.threads > 0 ? spec.threads : spec.workers > 0 ? Launch.threadsPerWorker(cores, spec.workers) : 1;
        int workers = spec.workers > 0 ? spec.workers : Math.max(1, cores / threads);
        workers = Math.max(1, Math.min(workers, toRun));
        String heap = spec.heap != null ? spec.heap : Math.max(1024, (maxHeapBytes >> 20) / workers) + "m";
        return new LocalPlan(workers, threads, heap, workers * threads > cores);
    }

    /** How many points are not done, failed or running. */
    public static int toRun(List<SweepFolder.Entry> entries) {
        int n = 0;
        for (SweepFolder.Entry e : entries) if (e.status() == SweepFolder.Status.PENDING || e.status() == SweepFolder.Status.INTERRUPTED) n++;
        return n;
    }

    public static LocalExecutor.Result runLocal(SweepFolder f, LocalPlan plan, ProgressListener progress) {
        return LocalExecutor.run(f, plan.workers(), Launch.current(plan.heap(), plan.threads()), progress);
    }

    /** A Slurm submission ready to go: the batch script, its array and chunk size. */
    public record SlurmPlan(String script, String array, int chunk, int tasks, int threads) { }

    /** The batch script for the chunks that still hold points to run (entries: the points' current statuses). */
    public static SlurmPlan slurm(Path root, SweepSpec spec, List<SweepFolder.Entry> entries) {
        int threads = SlurmExecutor.cpus(spec);
        int chunk = SlurmExecutor.chunkSize(spec.slurm, entries.size());
        List<Integer> chunks = SlurmExecutor.chunksToRun(entries, chunk);
        // a heap share of the job's memory (the JVM reads the cgroup limit Slurm sets), unless the spec fixes it
        String heap = spec.heap != null ? spec.heap : "75%";
        Launch launch = Launch.current(heap, threads).withJava(spec.slurm.java()).withClasspath(spec.slurm.classpath());
        String array = SlurmExecutor.arraySpec(chunks, spec.slurm.maxParallel());
        String script = chunks.isEmpty() ? "" : SlurmExecutor.script(root, spec, launch, chunk, entries.size(), chunks);
        return new SlurmPlan(script, array, chunk, chunks.size(), threads);
    }

    /** Polls Slurm until none of the jobs has a task left in the queue, reporting the points' progress. */
    public static void waitFor(SweepFolder f, List<SlurmExecutor.Job> jobs, Map<String, String> env, long pollMillis, ProgressListener progress) {
        try {
            while (true) {
                boolean queued = SlurmExecutor.queued(jobs, env);
                LocalExecutor.Counts c = LocalExecutor.Counts.of(f.entries());
                progress.progress(c.done() + c.failed(), c.total(), c.line());
                if (!queued) return;
                Thread.sleep(pollMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Statuses for a dry run: the folder's where it exists and has a point of that name, else pending. */
    public static List<SweepFolder.Entry> entriesFor(Path root, List<Point> points) {
        java.util.Map<String, SweepFolder.Entry> existing = new java.util.HashMap<>();
        if (SweepFolder.isSweep(root)) for (SweepFolder.Entry e : SweepFolder.open(root).entries()) existing.put(e.point().name(), e);
        List<SweepFolder.Entry> out = new ArrayList<>();
        for (Point p : points) {
            SweepFolder.Entry e = existing.get(p.name());
            out.add(new SweepFolder.Entry(p, e == null ? SweepFolder.Status.PENDING : e.status(), e == null ? null : e.state()));
        }
        return out;
    }
}
