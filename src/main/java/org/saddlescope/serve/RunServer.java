package org.saddlescope.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.saddlescope.io.BadInputException;

/**
 * {@code saddlescope serve}: a read-only web page over a folder of runs, on the JDK's HTTP server. GET and HEAD only;
 * every file it sends lies under the folder ({@link SafePaths}); bound to 127.0.0.1 unless told otherwise, and then
 * it also refuses requests whose Host header is not a loopback name (a web page elsewhere cannot reach it through
 * DNS rebinding). The page and its script are resources of this package; uPlot (MIT licence, served beside it)
 * comes from the npm package through its WebJar on Maven Central.
 */
public final class RunServer implements AutoCloseable {
    private final HttpServer http;
    private final ExecutorService pool;
    private final SafePaths paths;
    private final Api api;
    private final boolean loopback;

    private RunServer(HttpServer http, ExecutorService pool, SafePaths paths, boolean loopback) {
        this.http = http;
        this.pool = pool;
        this.paths = paths;
        this.loopback = loopback;
        this.api = new Api(paths, new RunData(Math.max(256L << 20, Runtime.getRuntime().maxMemory() / 3)));
    }

    /** Serves {@code root} on {@code host}:{@code port} (0: a free port); bad input if the folder or address is unusable. */
    public static RunServer start(Path root, String host, int port) {
        if (!Files.isDirectory(root)) throw new BadInputException("no folder of runs at " + root + " (serve DIR: default runs/)");
        if (port < 0 || port > 65535) throw new BadInputException("--port must be 0..65535, got " + port);
        SafePaths paths;
        InetAddress address;
        try {
            paths = new SafePaths(root);
            address = InetAddress.getByName(host);
        } catch (IOException e) {
            throw new BadInputException("--host " + host + ": " + e.getMessage());
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(address, port), 64);
        } catch (BindException e) {
            throw new BadInputException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "); give another --port (0 picks a free one)");
        } catch (IOException e) {
            throw new BadInputException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "saddlescope-serve");
            t.setDaemon(true);
            return t;
        });
        RunServer s = new RunServer(http, pool, paths, address.isLoopbackAddress());
        http.createContext("/", s::handle);
        http.setExecutor(pool);
        http.start();
        return s;
    }

    /** http://host:port/ of the page. */
    public String url() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/";
    }

    public int port() { return http.getAddress().getPort(); }

    public Path root() { return paths.root(); }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                Replies.send(ex, 405, "text/plain", "read-only: GET and HEAD only\n");
                return;
            }
            if (loopback && !loopbackHost(ex.getRequestHeaders().getFirst("Host"))) {
                Replies.send(ex, 403, "text/plain", "this server answers only requests addressed to 127.0.0.1, localhost or [::1]\n");
                return;
            }
            route(ex, ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery());
        } catch (RuntimeException e) {
            Replies.send(ex, 500, "text/plain", "error: " + e.getMessage() + "\n");
        }
    }

    private void route(HttpExchange ex, String path, String query) throws IOException {
        if (path == null) path = "/";
        if (path.equals("/") || path.equals("/index.html")) {
            resource(ex, "index.html", "text/html; charset=utf-8");
        } else if (path.equals("/app.js") || path.equals("/app.css")) {
            resource(ex, path.substring(1), path.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
        } else if (path.equals("/favicon.ico")) {
            Replies.send(ex, 204, "image/x-icon", new byte[0]); // the served reports ask for one: no icon, no error
        } else if (path.startsWith("/vendor/uplot/")) {
            vendor(ex, path.substring("/vendor/uplot/".length()));
        } else if (path.startsWith("/api/")) {
            Api.Reply r = api.answer(path.substring(5), Query.parse(query));
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            Replies.send(ex, r.status(), "application/json; charset=utf-8", r.body());
        } else if (path.equals("/files") || path.startsWith("/files/")) {
            FileRoutes.serve(ex, paths, path.length() <= 7 ? "" : path.substring(7), path.endsWith("/"));
        } else {
            Replies.send(ex, 404, "text/plain", "not found\n");
        }
    }

    static boolean loopbackHost(String host) {
        if (host == null) return false;
        String h = host.toLowerCase(Locale.ROOT);
        int colon = h.startsWith("[") ? h.indexOf("]:") + 1 : h.lastIndexOf(':');
        String name = colon > 0 ? h.substring(0, colon) : h;
        return name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]");
    }

    private void resource(HttpExchange ex, String name, String type) throws IOException {
        try (InputStream in = RunServer.class.getResourceAsStream(name)) {
            if (in == null) {
                Replies.send(ex, 404, "text/plain", "missing resource " + name + "\n");
                return;
            }
            ex.getResponseHeaders().set("Content-Security-Policy",
                    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'");
            Replies.send(ex, 200, type, in.readAllBytes());
        }
    }

    /** uPlot's files as its WebJar holds them (the version is the one the build took from Maven Central). */
    static final String UPLOT = "META-INF/resources/webjars/uplot/" + Vendor.UPLOT_VERSION + "/";

    private void vendor(HttpExchange ex, String name) throws IOException {
        Map<String, String> files = Map.of("uPlot.iife.min.js", "dist/uPlot.iife.min.js", "uPlot.min.css", "dist/uPlot.min.css", "LICENSE", "LICENSE");
        String file = files.get(name);
        if (file == null) {
            Replies.send(ex, 404, "text/plain", "not found\n");
            return;
        }
        try (InputStream in = RunServer.class.getClassLoader().getResourceAsStream(UPLOT + file)) {
            if (in == null) {
                Replies.send(ex, 404, "text/plain", "uPlot " + Vendor.UPLOT_VERSION + " is not on the class path\n");
                return;
            }
            String type = name.endsWith(".js") ? "text/javascript; charset=utf-8" : name.endsWith(".css") ? "text/css; charset=utf-8" : "text/plain; charset=utf-8";
            Replies.send(ex, 200, type, in.readAllBytes());
        }
    }

    /** Stops listening (requests in flight get a second to finish). */
    @Override
    public void close() {
        http.stop(1);
        pool.shutdownNow();
    }
}
