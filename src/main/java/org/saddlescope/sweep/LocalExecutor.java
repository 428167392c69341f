package org.saddlescope.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.saddlescope.progress.ProgressListener;

/**
 * The embedded executor: {@code workers} worker processes on this machine, each taking the next point nobody holds
 * (so long and short points balance themselves), each point running with {@code launch.threads()} threads. Stopping
 * the parent (Ctrl-C, SIGTERM) stops the workers the same way; started again, the sweep skips what is done and
 * resumes what was interrupted.
 */
public final class LocalExecutor {
    private LocalExecutor() {}

    public record Counts(int done, int failed, int running, int pending, int total) {
        static Counts of(List<SweepFolder.Entry> entries) {
            int d = 0, f = 0, r = 0;
            for (SweepFolder.Entry e : entries) {
                switch (e.status()) {
                    case DONE -> d++;
                    case FAILED -> f++;
                    case RUNNING -> r++;
                    default -> { }
                }
            }
            return new Counts(d, f, r, entries.size() - d - f - r, entries.size());
        }

        public String line() {
            return String.format(Locale.ROOT, "%d done, %d failed, %d running, %d pending of %d", done, failed, running, pending, total);
        }
    }

    /** The points' counts when the last worker exited, and the workers' exit codes (0: every point it ran succeeded). */
    public record Result(Counts counts, List<Integer> workerExits) { }

    /** How often the parent looks at the points' records for its progress line. */
    static final long POLL_MILLIS = 500;

    public static Result run(SweepFolder f, int workers, Launch launch, ProgressListener progress) {
        List<Process> procs = new ArrayList<>();
        Thread stopper = new Thread(() -> procs.forEach(Process::destroy)); // SIGTERM: workers leave resumable points
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            for (int i = 0; i < workers; i++) {
                Path log = f.root().resolve("logs").resolve("worker-" + i + ".log");
                Files.createDirectories(log.getParent());
                ProcessBuilder pb = new ProcessBuilder(launch.command(f.root(), List.of()));
                pb.environment().putAll(launch.environment());
                pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                procs.add(pb.start());
            }
            while (true) {
                boolean alive = procs.stream().anyMatch(Process::isAlive);
                Counts c = Counts.of(f.entries());
                progress.progress(c.done() + c.failed(), c.total(), c.line());
                if (!alive) return new Result(c, procs.stream().map(Process::exitValue).toList());
                Thread.sleep(POLL_MILLIS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a worker: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            procs.forEach(Process::destroy);
            throw new IllegalStateException("sweep interrupted");
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs
            }
        }
    }
}
