package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.serve.RunServer;
import org.saddlescope.trainrun.SpectraAddon;
import org.saddlescope.trainrun.TrainRun;

/**
 * {@code serve} as a reader meets it, in Debian's headless Chromium: a run is started, its page opened; the run is
 * let go on by a gate (its steps wait on permits, so the test never depends on the machine's speed), and the loss
 * curve grows in the page without a reload; the run finishes, the page says so; the index lists it; no console error.
 */
class ServeInBrowserTest {
    /** Waits for a condition that a busy machine may take long to reach; the bound only catches a hang. */
    static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("waited 180 s for " + what);
            Thread.sleep(100);
        }
    }

    static int rows(Path csv) {
        try {
            return Files.exists(csv) ? (int) Files.lines(csv).count() - 1 : 0;
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    static TrainConfig config() {
        TrainConfig c = new TrainConfig();
        c.dataset = "relu-modes:s=4/2/1,d=10,n=64,out=5";
        c.hidden = new ArrayList<>(List.of(16, 16, 16));
        c.init_scale = 0.01;
        c.lr = 0.2;
        c.lr_power = 2;
        c.steps = 3000;
        c.log_every = 10;
        c.eval_every = 500;
        c.top_k = 3;
        c.spectra_every = org.saddlescope.config.CadenceSpec.parse("steps:50");
        c.report_every = 0;
        c.checkpoint_minutes = 0;
        return c;
    }

    @Test
    void aLiveRunGrowsInThePageWithoutAReload(@TempDir Path tmp) throws Exception {
        if (!HeadlessChromium.available()) {
            if (System.getenv("CI") != null) fail("CI must have Debian's chromium at " + HeadlessChromium.BINARY);
            assumeTrue(false, "no chromium on this machine");
        }
        Path runs = tmp.resolve("runs"), out = runs.resolve("live");
        Semaphore gate = new Semaphore(501); // the trainer polls once before its first step, then after each
        TrainRun.Hooks hooks = new TrainRun.Hooks(() -> { gate.acquireUninterruptibly(); return false; }, o -> { });
        Files.createDirectories(runs);
        Thread run = new Thread(() -> TrainRun.start(config(), out, 1, ProgressListener.NONE, hooks, List.of(new SpectraAddon())), "gated-run");
        run.start();
        try (RunServer server = RunServer.start(runs, "127.0.0.1", 0); HeadlessChromium browser = new HeadlessChromium()) {
            await("500 steps logged", () -> rows(out.resolve("metrics.csv")) >= 50);
            browser.navigate(server.url() + "#/runs/live");
            await("the loss curve drawn", () -> points(browser) >= 49);
            int first = points(browser);
            assertEquals("live", browser.eval("saddlescope.status('live')").asText());
            browser.eval("window.sameDocument = 'yes'");
            gate.release(1000);
            await("the curve grows", () -> points(browser) >= first + 90);
            assertEquals("yes", browser.eval("window.sameDocument").asText(), "the page was not reloaded");
            assertTrue(browser.eval("saddlescope.chartCount()").asInt() >= 7, "loss, norms, speed, lost updates, a spectrum per layer");
            gate.release(Integer.MAX_VALUE / 2);
            run.join(TimeUnit.MINUTES.toMillis(5));
            await("the page to see the run finished", () -> "finished".equals(text(browser, "saddlescope.status('live')")));
            assertEquals(300, points(browser), "every logged step (3000 / 10) but step 0, which a log axis cannot show");
            // a second run (the same files) to overlay: tick both in the index, press the button
            copy(out, runs.resolve("copy"));
            browser.navigate(server.url());
            await("the index lists both", () -> "1".equals(text(browser, "document.querySelectorAll('tr[data-id=\"live\"] .status.finished').length"))
                    && "1".equals(text(browser, "document.querySelectorAll('tr[data-id=\"copy\"]').length")));
            browser.eval("document.querySelectorAll('tr[data-id] input[type=checkbox]').forEach(b => b.click());"
                    + "document.getElementById('overlay').click()");
            await("the overlay", () -> "copy,live".equals(text(browser, "saddlescope.curves('loss')")));
            assertEquals("#/runs/copy,live", browser.eval("location.hash").asText());
            assertEquals(List.of(), browser.errors(), "console errors");
        } finally {
            gate.release(Integer.MAX_VALUE / 2);
            run.join();
        }
    }

    private static void copy(Path from, Path to) throws java.io.IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                if (p.getFileName().toString().equals(".lock")) continue;
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t); else Files.copy(p, t);
            }
        }
    }

    private static int points(HeadlessChromium b) {
        String v = text(b, "saddlescope.points ? saddlescope.points('live', 'loss') : 0");
        return v == null ? 0 : Integer.parseInt(v);
    }

    private static String text(HeadlessChromium b, String js) {
        try {
            return b.eval("String(" + js + ")").asText();
        } catch (Exception e) {
            return null;
        }
    }
}
