package org.saddlescope.trainrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.report.Table;
import org.saddlescope.spectra.LossHistory;
import org.saddlescope.spectra.PlateauDetector;
import org.saddlescope.spectra.SaddleTracker;
import org.saddlescope.train.TrainingObserver;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.runs.RunFolder;

/**
 * A running run refreshes its analysis, figures and report.html from the data so far. Fed a loss curve with one
 * escape at step 300 (and its metrics.csv, as the trainer writes it), with a refresh due at every chance: once
 * the refresh in flight is done, the folder holds a live report whose figures and escape come from the data.
 */
class LiveReportTest {
    @Test
    void aRunInProgressHasAReportDrawnFromItsDataSoFar(@TempDir Path tmp) throws Exception {
        RunFolder folder = RunFolder.create(tmp.resolve("run"), "test");
        folder.publish();
        TrainConfig cfg = TrainConfig.merge(List.of(java.util.Map.of("steps", 100000)), "test"); // a config needs a budget
        SaddleTracker tracker = new SaddleTracker(new LossHistory(), null, new PlateauDetector());
        StringBuilder metrics = new StringBuilder("step,loss,norm\n");
        try (LiveReport live = new LiveReport(folder, tracker, new org.saddlescope.train.TimeAxis(), cfg, 0)) {
            for (long t = 1; t <= 4096; t++) {
                double w = 1 / (1 + Math.exp(-(Math.log(t) - Math.log(300)) / 0.05));
                double loss = 2.3 + (0.4 - 2.3) * w;
                if (t % 16 == 0) {
                    metrics.append(t).append(',').append(loss).append(",1.0\n");
                    Files.writeString(folder.path("metrics.csv"), metrics);
                }
                // the observer never touches the network when spectra are off
                live.afterStep(null, new TrainingObserver.StepInfo(t, 0, false, loss, 1.0, 0.1));
                // a refresh is skipped while the last is still drawing, which depends on the machine's speed: wait
                // before the last one is due, so that the refresh at step 4096 (all the data) always happens
                if (t == 4096 - 64) live.awaitRefresh();
            }
        }
        String html = Files.readString(folder.path("report.html"));
        assertTrue(html.contains("Live report of a run in progress: drawn at step"), "the page says it is live");
        assertTrue(html.contains(" of 100000 "), "and where the run is");
        assertTrue(Files.exists(folder.path("figures/loss_plateaus.png")));
        Table escapes = Table.read(folder.path("escapes.csv"));
        assertEquals(1, escapes.rows());
        assertEquals(Math.log(300), Math.log(escapes.column("middle_step")[0]), 0.1);
    }

    @Test
    void aRefreshThatFailsIsToldNotLost(@TempDir Path tmp) throws Exception {
        // figures/ replaced by a file after the first step: every refresh fails to draw; the run goes on, the progress
        // line says so at once, and the run's warnings (manifest, console, final report) say what it was
        TrainConfig c = ResumeTest.config(600);
        c.report_every = 1e-9; // a refresh due at every chance (every 64 steps)
        c.top_k = 0;
        Path run = tmp.resolve("run");
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        long[] brokenAt = {0};
        TrainRun.Hooks hooks = new TrainRun.Hooks(() -> {
            if (Files.isDirectory(run.resolve("figures")) && broken.compareAndSet(false, true)) {
                try {
                    Files.delete(run.resolve("figures"));
                    Files.writeString(run.resolve("figures"), "not a folder");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            } else if (broken.get() && told.stream().noneMatch(t -> t.contains("live report failed"))
                    && System.nanoTime() - brokenAt[0] < 60_000_000_000L) {
                // steps take microseconds and a refresh milliseconds: until the progress line has shown the failure,
                // each step waits a little, so a refresh is made and fails before the run's last progress line on any
                // machine (bounded at 60 s: a product that never tells fails the assertion below, it does not hang)
                try { Thread.sleep(2); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            }
            if (broken.get() && brokenAt[0] == 0) brokenAt[0] = System.nanoTime();
            return false;
        }, o -> { });
        org.saddlescope.progress.ProgressListener listener = new org.saddlescope.progress.ProgressListener() {
            @Override public void progress(long done, long total, String status) { if (status != null) told.add(status); }
            @Override public void warning(String line) { told.add(line); }
        };
        TrainRun.Outcome o = TrainRun.start(c, run, 1, listener, hooks, List.of(new SpectraAddon()));
        assertTrue(broken.get());
        assertTrue(o.warnings().stream().anyMatch(w -> w.startsWith("warning: the live report could not be drawn at step")), o.warnings().toString());
        assertTrue(Files.readString(run.resolve("manifest.json")).contains("the live report could not be drawn"));
        assertTrue(told.stream().anyMatch(t -> t.contains("live report failed")), "the progress line shows it while the run goes on");
        assertTrue(told.stream().anyMatch(t -> t.startsWith("warning: the live report")), "and the console gets the warning");
    }
}
