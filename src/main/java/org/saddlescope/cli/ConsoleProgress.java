package org.saddlescope.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressState;
import org.saddlescope.progress.ProgressListener;

/**
 * Shows a {@link ProgressListener}'s reports in one line that fits an 80-column terminal: a progress bar with ETA
 * on a terminal (progressbar library, our compact renderer), plain lines at most every {@code plainEverySeconds}
 * otherwise (logs, CI), nothing when quiet. Both read "task  73% 29286/40000 eta 2s  status"; the bar takes what
 * room is left, and a status too long for the line is cut with an ellipsis.
 */
public final class ConsoleProgress implements ProgressListener, AutoCloseable {
    /** Characters per line: one less than 80, so the cursor never wraps. */
    static final int WIDTH = 79;

    private final String task;
    private final boolean quiet;
    private final boolean terminal;
    private final PrintStream out;
    private ProgressBar bar;
    private long lastPlain;
    private final java.util.function.LongSupplier clock;
    private long firstAt = -1, firstDone;
    private final double plainEverySeconds;
    private String unit = "";
    private long unitSize = 1;

    /** Progress counted in bytes, shown in MB; a total below 0 means unknown. */
    public static ConsoleProgress bytes(String task, boolean quiet) {
        ConsoleProgress p = new ConsoleProgress(task, quiet);
        p.unit = " MB";
        p.unitSize = 1_000_000;
        return p;
    }

    public ConsoleProgress(String task, boolean quiet) {
        this(task, quiet, System.console() != null && System.getenv("CI") == null, System.err, 5.0);
    }

    ConsoleProgress(String task, boolean quiet, boolean terminal, PrintStream out, double plainEverySeconds) {
        this(task, quiet, terminal, out, plainEverySeconds, System::nanoTime);
    }

    ConsoleProgress(String task, boolean quiet, boolean terminal, PrintStream out, double plainEverySeconds, java.util.function.LongSupplier clock) {
        this.clock = clock;
        this.task = task;
        this.quiet = quiet;
        this.terminal = terminal;
        this.out = out;
        this.plainEverySeconds = plainEverySeconds;
    }

    @Override
    public void progress(long done, long total, String status) {
        if (quiet) return;
        if (terminal) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total < 0 ? -1 : Math.max(1, total))
                        .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(out, WIDTH + 1))
                        .setRenderer((state, max) -> render(state, Math.min(max - 1, WIDTH), unit, unitSize)).build();
            }
            if (bar.getMax() != total && total > 0) bar.maxHint(total);
            bar.stepTo(done);
            if (status != null) bar.setExtraMessage(status);
            return;
        }
        long now = clock.getAsLong();
        if (firstAt < 0) { firstAt = now; firstDone = done; }
        if ((total > 0 && done >= total) || (now - lastPlain) / 1e9 >= plainEverySeconds || lastPlain == 0) {
            lastPlain = now;
            if (unitSize > 1 && total > 0 && total < 5 * unitSize) return; // a small file: its line after it is enough
            out.println(line(task, done, total, eta((now - firstAt) / 1e9, done - firstDone, total - done), status, 0, WIDTH, unit, unitSize));
        }
    }

    private static String render(ProgressState s, int width, String unit, long unitSize) {
        long done = s.getCurrent(), total = s.getMax();
        double elapsed = s.getElapsedAfterStart().toMillis() / 1e3;
        return line(s.getTaskName(), done, total, eta(elapsed, done - s.getStart(), total - done), s.getExtraMessage(), 12, width, unit, unitSize);
    }

    /** An ETA needs a measured rate: this many seconds of progress first (a JIT warm-up or a first read is no rate). */
    static final double MEASURE_SECONDS = 3;

    /** Seconds left at the rate of the last {@code elapsed} seconds (which did {@code done} units); NaN until measured. */
    static double eta(double elapsed, long done, long left) {
        if (elapsed < MEASURE_SECONDS || done <= 0 || left <= 0) return Double.NaN;
        return elapsed * left / done;
    }

    static String line(String task, long done, long total, double etaSeconds, String status, int maxBar, int width) {
        return line(task, done, total, etaSeconds, status, maxBar, width, "", 1);
    }

    /**
     * "task  73% 29286/40000 eta 2s [bar] status", at most {@code width} characters: a bar of up to {@code maxBar}
     * characters where there is room for one of at least 6, the status cut with "…" where there is not room for it.
     */
    static String line(String task, long done, long total, double etaSeconds, String status, int maxBar, int width,
                       String unit, long unitSize) {
        int pct = total > 0 ? (int) Math.min(100, Math.floor(100.0 * done / total)) : 0;
        String counts = unitSize > 1
                ? String.format(Locale.ROOT, "%.1f", (double) done / unitSize)
                        + (total > 0 ? String.format(Locale.ROOT, "/%.1f", (double) total / unitSize) : "") + unit
                : done + "/" + total;
        String head = (total > 0 ? String.format(Locale.ROOT, "%s %3d%% ", task, pct) : task + " ") + counts
                + (Double.isFinite(etaSeconds) ? " eta " + duration(etaSeconds) : "");
        String st = status == null ? "" : status.strip().replaceAll("[\\r\\n\\t]+", " ");
        int room = width - head.length() - (st.isEmpty() ? 0 : 2);
        String barText = "";
        int barWidth = Math.min(maxBar, room - st.length() - 3);
        if (barWidth >= 6) {
            int fill = total > 0 ? (int) Math.round(barWidth * Math.min(1.0, (double) done / total)) : 0;
            barText = " [" + "=".repeat(fill) + " ".repeat(barWidth - fill) + "]";
            room -= barText.length();
        }
        if (st.length() > room) st = room <= 1 ? "" : st.substring(0, room - 1) + "…";
        String line = head + barText + (st.isEmpty() ? "" : "  " + st);
        return line.length() <= width ? line : line.substring(0, width);
    }

    static String duration(double s) {
        Duration d = Duration.ofSeconds(Math.round(s));
        if (s < 100) return d.toSeconds() + "s";
        if (s < 6000) return d.toMinutes() + "m" + String.format(Locale.ROOT, "%02d", d.toSecondsPart()) + "s";
        return d.toHours() + "h" + String.format(Locale.ROOT, "%02d", d.toMinutesPart()) + "m";
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
