package org.saddlescope.sweep;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.saddlescope.io.AtomicFiles;
import org.saddlescope.io.FolderLock;

/**
 * A worker process's loop: for each point it is given, in order, skip it if it is done or failed or another worker
 * holds it; otherwise lock it, resume its folder if the kind can (a checkpointed run) or start it afresh, run the
 * kind's ordinary command on the point's config with the output going to logs/NAME.log, and record the outcome.
 * A worker that is killed leaves the point "running" in its record with the lock released: status shows it as
 * interrupted, and the next worker resumes it.
 */
public final class Worker {
    private Worker() {}

    /** Runs {@code saddlescope ARGS} (in this process) with its output going to {@code log}; returns the exit code. */
    @FunctionalInterface
    public interface Runner {
        int run(List<String> args, PrintStream log);
    }

    /** Who runs the points, for their records. */
    public record Identity(String executor, String host, long pid, String slurmJob) {
        public static Identity current(String executor) {
            String job = System.getenv("SLURM_ARRAY_JOB_ID") != null
                    ? System.getenv("SLURM_ARRAY_JOB_ID") + "_" + System.getenv("SLURM_ARRAY_TASK_ID") : System.getenv("SLURM_JOB_ID");
            return new Identity(executor, Worker.host(), ProcessHandle.current().pid(), job);
        }
    }

    public record Outcome(int ran, int failed, int skipped) { }

    /** Runs the points of {@code points} that need running; {@code threads} is each point's thread count. */
    public static Outcome run(SweepFolder f, Kind kind, List<Point> points, int threads, Identity who, Runner runner) {
        int ran = 0, failed = 0, skipped = 0;
        for (Point p : points) {
            FolderLock lock = f.tryLock(p.name());
            if (lock == null) {
                skipped++;
                continue;
            }
            try (lock) {
                PointState before = f.state(p.name());
                if (before != null && (PointState.DONE.equals(before.status()) || PointState.FAILED.equals(before.status()))) {
                    skipped++;
                    continue;
                }
                ran++;
                int exit = runOne(f, kind, p, before, threads, who, runner);
                if (PointState.interrupted(exit)) break; // a signal stops the worker too: its JVM is shutting down
                if (exit != 0) failed++;
            }
        }
        return new Outcome(ran, failed, skipped);
    }

    private static int runOne(SweepFolder f, Kind kind, Point p, PointState before, int threads, Identity who, Runner runner) {
        Path folder = f.pointFolder(p.name());
        boolean resume = Files.isDirectory(folder) && kind.resumable(folder);
        Long from = resume ? kind.resumeStep(folder) : null;
        if (!resume) AtomicFiles.deleteTree(folder); // a half-written folder that cannot be continued is started over, not mixed
        int attempt = before == null ? 1 : before.attempt() + 1;
        Instant start = Instant.now();
        PointState running = new PointState(PointState.RUNNING, attempt, null, null, from, threads, who.host(), who.pid(),
                who.executor(), who.slurmJob(), start.toString(), null, null);
        f.writeState(p.name(), running);
        List<String> args = kind.arguments(f.configFile(p.name()), folder, threads, resume);
        Path logFile = f.logFile(p.name());
        int exit;
        long offset;
        try {
            Files.createDirectories(logFile.getParent());
            offset = Files.exists(logFile) ? Files.size(logFile) : 0;
            try (PrintStream log = new PrintStream(new FileOutputStream(logFile.toFile(), true), true, StandardCharsets.UTF_8)) {
                log.println("=== attempt " + attempt + (resume ? " (resuming from step " + from + ")" : "") + " on " + who.host()
                        + (who.slurmJob() != null ? " (Slurm job " + who.slurmJob() + ")" : "") + " at " + start + ": saddlescope "
                        + String.join(" ", args));
                try {
                    exit = runner.run(args, log);
                } catch (Throwable t) { // an Error escaping the command (out of memory): record it, go on with the next point
                    t.printStackTrace(log);
                    log.println("saddlescope: failed: " + t);
                    exit = 1;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant end = Instant.now();
        String error = exit == 0 ? null : lastError(logFile, offset, exit);
        f.writeState(p.name(), running.finished(exit, error, end.toString(), Duration.between(start, end).toNanos() / 1e9));
        return exit;
    }

    /** The command's one-line message ("saddlescope: ...") from this attempt's part of the log. */
    static String lastError(Path log, long offset, int exit) {
        try {
            byte[] all = Files.readAllBytes(log);
            String text = new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset), StandardCharsets.UTF_8);
            String found = null, last = null;
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("===")) continue;
                last = line.strip();
                if (line.startsWith("saddlescope:")) found = line.strip();
            }
            return found != null ? found : last != null ? last : "exit code " + exit;
        } catch (IOException e) {
            return "exit code " + exit;
        }
    }

    static String host() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) return h;
        try {
            return Files.readString(Path.of("/etc/hostname")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
