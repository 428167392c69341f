package org.saddlescope.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.saddlescope.train.ProgressListener;

/**
 * Shows a {@link ProgressListener}'s reports: a progress bar with ETA on a terminal (progressbar library), plain
 * lines at most every {@code plainEverySeconds} otherwise (logs, CI), nothing when quiet.
 */
public final class ConsoleProgress implements ProgressListener, AutoCloseable {
    private final String task;
    private final boolean quiet;
    private final boolean terminal;
    private final PrintStream out;
    private ProgressBar bar;
    private long lastPlain;
    private final long started = System.nanoTime();
    private final double plainEverySeconds;
    private String unit = "";
    private long unitSize = 1;

    public ConsoleProgress(String task, boolean quiet) {
        this(task, quiet, System.console() != null && System.getenv("CI") == null, System.err, 5.0);
    }

    ConsoleProgress(String task, boolean quiet, boolean terminal, PrintStream out, double plainEverySeconds) {
        this.task = task;
        this.quiet = quiet;
        this.terminal = terminal;
        this.out = out;
        this.plainEverySeconds = plainEverySeconds;
    }

    /** Progress counted in bytes, shown in MB; a total below 0 means unknown. */
    public static ConsoleProgress bytes(String task, boolean quiet) {
        ConsoleProgress p = new ConsoleProgress(task, quiet);
        p.unit = " MB";
        p.unitSize = 1_000_000;
        return p;
    }

    @Override
    public void progress(long done, long total, String status) {
        if (quiet) return;
        if (terminal) {
            if (bar == null) {
                ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(unitSize > 1 && total < 0 ? -1 : Math.max(1, total))
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).showSpeed();
                if (unitSize > 1) b.setUnit(unit, unitSize);
                bar = b.build();
            }
            if (bar.getMax() != total && total > 0) bar.maxHint(total);
            bar.stepTo(done);
            if (status != null) bar.setExtraMessage(" " + status);
            return;
        }
        long now = System.nanoTime();
        if ((total > 0 && done >= total) || (now - lastPlain) / 1e9 >= plainEverySeconds || lastPlain == 0) {
            lastPlain = now;
            double elapsed = (now - started) / 1e9;
            String eta = done > 0 && total > done ? String.format(java.util.Locale.ROOT, ", eta %.0fs", elapsed * (total - done) / done) : "";
            if (unitSize > 1) {
                if (total > 0 && total < 5 * unitSize) return; // a small file: its line after it is enough
                out.printf(java.util.Locale.ROOT, "%s %.1f%s%s%s%n", task, (double) done / unitSize,
                        total > 0 ? String.format(java.util.Locale.ROOT, "/%.1f", (double) total / unitSize) : "", unit,
                        total > 0 ? String.format(java.util.Locale.ROOT, " (%.0f%%)", 100.0 * done / total) : "");
                return;
            }
            out.printf(java.util.Locale.ROOT, "%s %d/%d (%.0f%%%s)%s%n", task, done, total,
                    total > 0 ? 100.0 * done / total : 0.0, eta, status == null ? "" : "  " + status);
        }
    }

    /** A one-off line (skipped when quiet). */
    public void info(String line) {
        if (!quiet) out.println(line);
    }

    /** Warnings show even when quiet: they say the results may be wrong, not how far the run got. */
    @Override
    public void warning(String line) {
        out.println(line);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
        bar = null;
    }
}
