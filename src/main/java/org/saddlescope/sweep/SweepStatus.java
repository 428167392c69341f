package org.saddlescope.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.saddlescope.io.BadInputException;

/** A sweep folder's state in words ({@code sweep status}), and clearing failed points to run again ({@code sweep retry}). */
public final class SweepStatus {
    private SweepStatus() {}

    /** Points done, running, interrupted, failed (with their errors) and pending; with {@code all}, every point; then Slurm's view. */
    public static List<String> lines(Path dir, SweepFolder f, SweepSpec s, boolean all) {
        List<String> out = new ArrayList<>();
        List<SweepFolder.Entry> entries = f.entries();
        Map<SweepFolder.Status, List<SweepFolder.Entry>> by = new EnumMap<>(SweepFolder.Status.class);
        for (SweepFolder.Status st : SweepFolder.Status.values()) by.put(st, new ArrayList<>());
        for (SweepFolder.Entry e : entries) by.get(e.status()).add(e);
        out.add(String.format(Locale.ROOT, "sweep %s (kind %s, %d points): %d done, %d running, %d interrupted, %d failed, %d pending",
                dir, s.kind, entries.size(), by.get(SweepFolder.Status.DONE).size(), by.get(SweepFolder.Status.RUNNING).size(),
                by.get(SweepFolder.Status.INTERRUPTED).size(), by.get(SweepFolder.Status.FAILED).size(), by.get(SweepFolder.Status.PENDING).size()));
        if (!by.get(SweepFolder.Status.RUNNING).isEmpty()) out.add("running:");
        for (SweepFolder.Entry e : by.get(SweepFolder.Status.RUNNING)) out.add("  " + e.point().name() + "  " + where(e));
        if (!by.get(SweepFolder.Status.INTERRUPTED).isEmpty()) out.add("interrupted (resumed when the sweep runs again):");
        for (SweepFolder.Entry e : by.get(SweepFolder.Status.INTERRUPTED)) out.add("  " + e.point().name() + "  " + where(e));
        if (!by.get(SweepFolder.Status.FAILED).isEmpty()) out.add("failed (saddlescope sweep retry " + dir + " [NAME ...]; log: logs/NAME.log):");
        for (SweepFolder.Entry e : by.get(SweepFolder.Status.FAILED)) {
            out.add("  " + e.point().name() + "  exit " + e.state().exitCode() + ": " + e.state().error());
        }
        if (all) for (SweepFolder.Entry e : entries) out.add(String.format(Locale.ROOT, "  %-12s %s", e.status().name().toLowerCase(Locale.ROOT), e.point().name()));
        slurm(f, entries, out);
        return out;
    }

    private static String where(SweepFolder.Entry e) {
        var st = e.state();
        return "attempt " + st.attempt() + " on " + st.host() + (st.slurmJob() != null ? " (Slurm job " + st.slurmJob() + ")" : " (pid " + st.pid() + ")")
                + " since " + st.started() + (st.resumedFromStep() != null ? ", resumed from step " + st.resumedFromStep() : "");
    }

    /** Slurm's view: the recorded jobs, their array tasks still queued (squeue) and their accounting (sacct). */
    private static void slurm(SweepFolder f, List<SweepFolder.Entry> entries, List<String> out) {
        List<SlurmExecutor.Job> jobs = SlurmExecutor.jobs(f);
        if (jobs.isEmpty()) return;
        Map<String, String> queue;
        try {
            queue = SlurmExecutor.queue(jobs, Map.of());
        } catch (IllegalStateException e) {
            out.add("slurm: " + e.getMessage());
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
            out.add("slurm job " + j.id() + " (array " + j.array() + ", " + j.chunk() + " point(s) per task, submitted " + j.submitted()
                    + "): " + (states.isEmpty() ? "no task left in the queue" : "squeue " + states + ", covering " + queuedPoints + " point(s)"));
        }
        for (String line : SlurmExecutor.accounting(jobs, Map.of())) out.add("  sacct: " + line);
    }

    /**
     * Makes points runnable again: every failed one when {@code names} is empty, else those named (any status but
     * running). Returns how many were cleared; bad input for a name the sweep has not, or a named point that is running.
     */
    public static int retry(Path dir, SweepFolder f, List<String> names) {
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
        return cleared;
    }
}
