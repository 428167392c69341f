package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html as a reader opens it: in Debian's headless Chromium (installed by .ci/run), the page of a real
 * training run loads with no console error and every figure shows, the summary comes first; the same for a report
 * written with {@code report RUN --out DIR}; and a page with a missing figure is caught.
 */
class ReportInBrowserTest {
    @TempDir static Path tmp;
    static Path run;

    @BeforeAll
    static void trainASmallRun() {
        if (!HeadlessChromium.available()) {
            if (System.getenv("CI") != null) fail("CI must have Debian's chromium at " + HeadlessChromium.BINARY + " (.ci/run installs it)");
            assumeTrue(false, "no chromium on this machine");
        }
        run = tmp.resolve("run");
        // the preset's three-mode teacher, cut to 6000 steps: two escapes, every figure of a training run
        assertEquals(Main.OK, Main.execute("train", "--preset", "teacher-saddles", "--steps", "6000", "--out", run.toString(), "--quiet"));
    }

    static long pngs(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("figures"))) {
            return s.filter(p -> p.toString().endsWith(".png")).count();
        }
    }

    static void assertShowsEveryFigure(HeadlessChromium.PageCheck page, long figures) {
        assertEquals(List.of(), page.errors(), "console errors");
        assertEquals(figures, page.images().size(), "one <img> per figure: " + page.images());
        for (int i = 0; i < page.images().size(); i++) {
            assertTrue(page.loaded().get(i) && page.widths().get(i) > 0, "figure shows: " + page.images().get(i));
        }
        assertEquals("Summary", page.headings().get(0), "summary first: " + page.headings());
    }

    @Test
    void theReportOfATrainingRunLoadsCleanAndShowsEveryFigure() throws Exception {
        Path html = run.resolve("report.html");
        assertTrue(pngs(run) >= 7, "loss, norms, plateaus, snapshots, spectra, log spectra, layer spectra");
        try (HeadlessChromium browser = new HeadlessChromium()) {
            assertShowsEveryFigure(browser.check(html), pngs(run));
        }
        String text = Files.readString(html);
        assertTrue(text.indexOf("id=\"summary\"") < text.indexOf("id=\"figures\"") && text.indexOf("id=\"figures\"") < text.indexOf("id=\"provenance\""));
        assertTrue(text.indexOf("fig-loss_plateaus") < text.indexOf("fig-spectra\""), "figures in the paper's order");
    }

    @Test
    void aReportWrittenElsewhereLinksBackToTheRun() throws Exception {
        Path out = tmp.resolve("elsewhere");
        assertEquals(Main.OK, Main.execute("report", run.toString(), "--out", out.toString(), "--quiet"));
        try (HeadlessChromium browser = new HeadlessChromium()) {
            assertShowsEveryFigure(browser.check(out.resolve("report.html")), pngs(out));
        }
        assertTrue(Files.readString(out.resolve("report.html")).contains("href=\"../run/metrics.csv\""));
    }

    @Test
    void aMissingFigureIsCaught() throws Exception {
        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken.resolve("figures"));
        Files.copy(run.resolve("report.html"), broken.resolve("report.html"));
        try (Stream<Path> s = Files.list(run.resolve("figures"))) {
            for (Path f : s.filter(p -> !p.getFileName().toString().startsWith("spectra_log")).toList()) {
                Files.copy(f, broken.resolve("figures").resolve(f.getFileName()));
            }
        }
        try (HeadlessChromium browser = new HeadlessChromium()) {
            HeadlessChromium.PageCheck page = browser.check(broken.resolve("report.html"));
            assertFalse(page.errors().isEmpty(), "the missing spectra_log.png is a failed load");
            int i = page.images().indexOf("figures/spectra_log.png");
            assertTrue(i >= 0 && page.widths().get(i) == 0, page.images().toString());
        }
    }
}
