package org.saddlescope.trainrun;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.saddlescope.io.BadInputException;
import org.saddlescope.net.Network;
import org.saddlescope.report.RunReport;
import org.saddlescope.spectra.LossHistory;
import org.saddlescope.spectra.SaddleTracker;
import org.saddlescope.spectra.SpectrumSnapshot;
import org.saddlescope.train.TimeAxis;
import org.saddlescope.train.TrainingObserver;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.runs.RunFolder;

/**
 * A running run shows where it is: every {@code everySeconds} the saddle analysis files, every figure and
 * report.html are rewritten from the data so far. The training thread only copies the loss history and the
 * spectral snapshots (microseconds); detection, figures and the page are drawn on one background thread, and a
 * refresh still drawing when the next is due is skipped, so training never waits for a figure. Every file goes
 * through temp-file-and-rename, so a reader (a browser, {@code saddlescope report}) never sees half of one.
 * {@link #close} waits for a refresh in flight, so the final analysis written after it is the one that stays.
 */
final class LiveReport implements TrainingObserver, AutoCloseable {
    private final RunFolder folder;
    private final SaddleTracker tracker;
    private final TrainConfig cfg;
    private final long everyNanos;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "saddlescope-live-report");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    private final TimeAxis axis;
    private long last = System.nanoTime();
    private Future<?> inFlight;
    private volatile String failure;

    /** The words that mark a live report (a resumed finished run draws its final report over one). */
    static final String LIVE = "Live report of a run in progress";

    LiveReport(RunFolder folder, SaddleTracker tracker, TimeAxis axis, TrainConfig cfg, double everySeconds) {
        this.folder = folder;
        this.tracker = tracker;
        this.axis = axis;
        this.cfg = cfg;
        this.everyNanos = (long) (everySeconds * 1e9);
    }

    @Override
    public void onStart(Network net, long step, long stepsPerEpoch) { tracker.onStart(net, step, stepsPerEpoch); }

    @Override
    public void afterStep(Network net, StepInfo info) {
        tracker.afterStep(net, info);
        if ((info.step() >> 6) == (info.previousStep() >> 6)) return; // checked when the step passes a multiple of 64
        long now = System.nanoTime();
        if (now - last < everyNanos) return;
        last = now;
        if (inFlight != null && !inFlight.isDone()) return;
        LossHistory.Series loss = tracker.history().logBinned();
        List<SpectrumSnapshot> snaps = tracker.spectra() == null ? List.of() : List.copyOf(tracker.spectra().snapshots());
        double spectraSeconds = tracker.spectra() == null ? 0 : tracker.spectra().seconds();
        int k = tracker.spectra() == null ? 0 : tracker.spectra().k();
        long step = info.step();
        TimeAxis time = axis.snapshot();
        inFlight = worker.submit(() -> refresh(loss, snaps, spectraSeconds, k, step, time));
    }

    private void refresh(LossHistory.Series loss, List<SpectrumSnapshot> snaps, double spectraSeconds, int k, long step, TimeAxis time) {
        try {
            SaddleFiles.write(folder, tracker.detector(), loss, snaps, spectraSeconds, Double.NaN, k, time);
            String budget = cfg.steps > 0 ? String.format(Locale.ROOT, " of %d", cfg.steps) : "";
            String at = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(Instant.now());
            RunReport.write(folder.root(), folder.root(), "saddlescope train: " + folder.root().toAbsolutePath().normalize().getFileName(),
                    String.format(Locale.ROOT, LIVE + ": drawn at step %d%s (%s) from the data so far; "
                            + "refreshed every %.0f s.", step, budget, at, everyNanos / 1e9), List.of());
        } catch (RuntimeException e) {
            // a figure that cannot be drawn must not stop training: the progress line shows it at once, and the run's
            // warnings (manifest, console, final report) say what it was
            failure = String.format(Locale.ROOT, "warning: the live report could not be drawn at step %d (%s); the run went on, "
                    + "and its report is drawn again at the end", step, BadInputException.firstLine(String.valueOf(e)));
        }
    }

    /** Waits for the refresh in flight, if any (tests: which refreshes happen must not depend on the machine's speed). */
    void awaitRefresh() throws Exception {
        if (inFlight != null) inFlight.get();
    }

    /** Why the last refresh failed (a warning line), or null. */
    String failure() { return failure; }

    @Override
    public String status() {
        String s = tracker.status();
        return failure == null ? s : (s == null || s.isEmpty() ? "" : s + "  ") + "live report failed";
    }

    @Override
    public void onEnd(Network net, long step) { tracker.onEnd(net, step); }

    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
