package org.saddlescope.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.saddlescope.serve.RunServer;

/**
 * How long the serve page takes to show a long run, and what it holds (a measurement, not a test: numbers go to the
 * notes). {@code java ... ServeLoadBench RUNS_DIR RUN_ID}: a fresh server; the run's curves fetched once as the page
 * fetches them (cold: metrics.csv parsed whole) and again (warm: only appended bytes read); then the page itself in
 * headless Chromium, cold server and warm, timed from navigation until every chart is drawn, with the page's JS heap.
 */
public final class ServeLoadBench {
    private ServeLoadBench() {}

    public static void main(String[] args) throws Exception {
        Path runs = Path.of(args[0]);
        String id = args[1];
        System.out.printf("load average %s%n", String.join(" ", java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")).trim());
        Runtime rt = Runtime.getRuntime();
        try (RunServer server = RunServer.start(runs, "127.0.0.1", 0)) {
            HttpClient http = HttpClient.newHttpClient();
            String cols = "loss,train_loss,test_loss,norm,w_norm_1,w_norm_2,w_norm_3,speed_unit,lost_updates_1,lost_updates_2,lost_updates_3";
            String url = server.url() + "api/metrics?run=" + id + "&x=step&points=1400&cols=" + cols;
            System.gc();
            long heap0 = rt.totalMemory() - rt.freeMemory();
            for (String label : new String[] {"cold", "warm", "warm"}) {
                long t0 = System.nanoTime();
                String body = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
                System.out.printf("api/metrics %s: %.0f ms, %d bytes of JSON%n", label, (System.nanoTime() - t0) / 1e6, body.length());
            }
            System.gc();
            System.out.printf("server heap held for the run's columns: %.0f MB%n", (rt.totalMemory() - rt.freeMemory() - heap0) / 1e6);
        }
        for (String label : new String[] {"cold server", "warm server"}) {
            try (RunServer server = RunServer.start(runs, "127.0.0.1", 0); HeadlessChromium browser = new HeadlessChromium()) {
                if (label.startsWith("warm")) browser.navigate(server.url() + "#/runs/" + id); // fills the server's columns
                if (label.startsWith("warm")) waitDrawn(browser);
                browser.navigate("about:blank");
                long t0 = System.nanoTime();
                browser.navigate(server.url() + "#/runs/" + id);
                waitDrawn(browser);
                double ms = (System.nanoTime() - t0) / 1e6;
                double heap = browser.eval("performance.memory ? performance.memory.usedJSHeapSize : -1").asDouble();
                System.out.printf("page, %s: every chart drawn %.0f ms after navigation; JS heap %.1f MB; %d charts; errors %s%n",
                        label, ms, heap / 1e6, browser.eval("saddlescope.chartCount()").asInt(), browser.errors());
            }
        }
    }

    private static void waitDrawn(HeadlessChromium b) throws Exception {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (b.eval("!!(window.saddlescope && saddlescope.chartCount && saddlescope.chartCount() >= 5 && saddlescope.loaded > 0)").asBoolean()) return;
            Thread.sleep(20);
        }
        throw new IllegalStateException("not drawn in 10 minutes");
    }
}
