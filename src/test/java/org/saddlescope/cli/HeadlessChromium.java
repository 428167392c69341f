package org.saddlescope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a page in Debian's headless Chromium and reports what a reader would see go wrong: console errors,
 * uncaught exceptions, failed loads, and images that did not render. Talks the DevTools protocol over a
 * loopback WebSocket (the JDK's own client); the browser runs with a fresh profile and no network services.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What loading a page gave: error messages, and per image its src, whether it loaded, its natural width. */
    record PageCheck(List<String> errors, List<String> images, List<Boolean> loaded, List<Integer> widths, List<String> headings) {}

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    HeadlessChromium() throws Exception {
        profile = Files.createTempDirectory("saddlescope-chromium-");
        process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "--window-size=1280,900", "about:blank")
                .redirectErrorStream(true).start();
        String browserUrl = null;
        BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Pattern p = Pattern.compile("DevTools listening on (ws://127\\.0\\.0\\.1:(\\d+)/\\S+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (browserUrl == null && System.nanoTime() < deadline && (line = r.readLine()) != null) {
            Matcher m = p.matcher(line);
            if (m.find()) browserUrl = m.group(1);
        }
        if (browserUrl == null) throw new IOException("chromium did not open its DevTools port");
        Thread drain = new Thread(() -> {
            try {
                while (r.readLine() != null) { /* keep the pipe from filling */ }
            } catch (IOException ignored) {
                // the browser has gone
            }
        }, "chromium-output");
        drain.setDaemon(true);
        drain.start();
        int port = Integer.parseInt(browserUrl.replaceAll("ws://127\\.0\\.0\\.1:(\\d+)/.*", "$1"));
        HttpClient http = HttpClient.newHttpClient();
        String pageUrl = null;
        for (int attempt = 0; attempt < 50 && pageUrl == null; attempt++) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (JsonNode t : JSON.readTree(body)) if (t.path("type").asText().equals("page")) pageUrl = t.path("webSocketDebuggerUrl").asText();
            if (pageUrl == null) Thread.sleep(100);
        }
        if (pageUrl == null) throw new IOException("no page target in chromium");
        socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30)).buildAsync(URI.create(pageUrl), new Listener())
                .get(30, TimeUnit.SECONDS);
        call("Runtime.enable", null);
        call("Log.enable", null);
        call("Page.enable", null);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder buf = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            buf.append(data);
            if (last) {
                String text = buf.toString();
                buf.setLength(0);
                try {
                    handle(JSON.readTree(text));
                } catch (IOException e) {
                    errors.add("unreadable DevTools message: " + e.getMessage());
                }
            }
            ws.request(1);
            return null;
        }
    }

    private void handle(JsonNode msg) {
        if (msg.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
            if (f != null) f.complete(msg);
            return;
        }
        String method = msg.path("method").asText();
        JsonNode params = msg.path("params");
        switch (method) {
            case "Runtime.consoleAPICalled":
                if (params.path("type").asText().equals("error")) errors.add("console.error: " + params.path("args").toString());
                break;
            case "Runtime.exceptionThrown":
                errors.add("exception: " + params.path("exceptionDetails").toString());
                break;
            case "Log.entryAdded":
                if (params.path("entry").path("level").asText().equals("error")) {
                    errors.add("log: " + params.path("entry").path("text").asText() + " " + params.path("entry").path("url").asText());
                }
                break;
            case "Page.loadEventFired":
                loaded.complete(null);
                break;
            default:
        }
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        if (params != null) msg.set("params", params);
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        socket.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
        JsonNode reply = f.get(60, TimeUnit.SECONDS);
        if (reply.has("error")) throw new IOException(method + ": " + reply.get("error"));
        return reply.path("result");
    }

    /** Opens {@code url} and waits for its load event. */
    void navigate(String url) throws Exception {
        loaded = new CompletableFuture<>();
        call("Page.navigate", JSON.createObjectNode().put("url", url));
        loaded.get(60, TimeUnit.SECONDS);
    }

    /** The value of a JavaScript expression in the page (JSON-serialisable values only). */
    JsonNode eval(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
        if (r.has("exceptionDetails")) throw new IOException("page threw: " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    /** Console errors, uncaught exceptions and failed loads so far. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    /** A PNG of the page as laid out at {@code width} × {@code height} CSS pixels (the full page when height is 0). */
    byte[] screenshot(int width, int height) throws Exception {
        int h = height > 0 ? height : eval("Math.ceil(document.documentElement.scrollHeight)").asInt();
        call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width).put("height", h).put("deviceScaleFactor", 1).put("mobile", false));
        Thread.sleep(300); // a resize redraws the charts
        JsonNode r = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        return java.util.Base64.getDecoder().decode(r.path("data").asText());
    }

    /** Opens {@code file}, waits for its load event and a moment for late errors, and checks every image. */
    PageCheck check(Path file) throws Exception {
        navigate(file.toUri().toString());
        Thread.sleep(500);
        String js = "JSON.stringify({imgs: Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth]),"
                + " h2: Array.from(document.querySelectorAll('h2')).map(h => h.textContent)})";
        JsonNode v = call("Runtime.evaluate", JSON.createObjectNode().put("expression", js).put("returnByValue", true));
        JsonNode page = JSON.readTree(v.path("result").path("value").asText());
        List<String> src = new ArrayList<>(), heads = new ArrayList<>();
        List<Boolean> ok = new ArrayList<>();
        List<Integer> w = new ArrayList<>();
        for (JsonNode i : page.path("imgs")) {
            src.add(i.get(0).asText());
            ok.add(i.get(1).asBoolean());
            w.add(i.get(2).asInt());
        }
        for (JsonNode h : page.path("h2")) heads.add(h.asText());
        return new PageCheck(List.copyOf(errors), src, ok, w, heads);
    }

    @Override
    public void close() throws Exception {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the browser is stopped below either way
        }
        // Chromium's helpers (zygote, renderers, crashpad) write into the profile too, and outlive the main process for
        // a moment: take the whole family now (once the parent is gone they are no longer its descendants), stop it,
        // and wait for every member to exit before the profile is deleted.
        List<ProcessHandle> family = new ArrayList<>();
        family.add(process.toHandle());
        process.toHandle().descendants().forEach(family::add);
        for (ProcessHandle h : family) h.destroy();
        for (ProcessHandle h : family) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                h.destroyForcibly();
                h.onExit().get(10, TimeUnit.SECONDS);
            }
        }
        deleteTree(profile);
    }

    /**
     * Deletes a folder tree, tolerating entries that vanish while it walks (a file deleted by the process that made
     * it); a few passes, since a folder emptied late is deleted on the next.
     */
    static void deleteTree(Path root) throws IOException {
        for (int pass = 0; pass < 5 && Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS); pass++) {
            Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) throws IOException {
                    Files.deleteIfExists(f);
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    if (e instanceof java.nio.file.NoSuchFileException) return java.nio.file.FileVisitResult.CONTINUE;
                    throw e;
                }

                @Override
                public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) {
                    try {
                        Files.deleteIfExists(d);
                    } catch (IOException notEmptyYet) {
                        // a file appeared in it after the walk listed it: the next pass takes it
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        }
        if (Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) throw new IOException("could not delete " + root);
    }
}
