package org.saddlescope.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PNG of a page as headless Chromium lays it out, for docs/ (not a test): {@code java ... PageScreenshot URL OUT.png
 * WIDTH HEIGHT [READY-JS]}; HEIGHT 0 takes the whole page; READY-JS (default: true) is polled until the page is ready.
 */
public final class PageScreenshot {
    private PageScreenshot() {}

    public static void main(String[] a) throws Exception {
        String ready = a.length > 4 ? a[4] : "true";
        try (HeadlessChromium b = new HeadlessChromium()) {
            b.navigate(a[0]);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!b.eval("!!(" + ready + ")").asBoolean()) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("not ready: " + ready);
                Thread.sleep(200);
            }
            Thread.sleep(1500); // a last poll's redraw
            Files.write(Path.of(a[1]), b.screenshot(Integer.parseInt(a[2]), Integer.parseInt(a[3])));
            System.out.println("errors: " + b.errors());
        }
    }
}
