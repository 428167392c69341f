package org.saddlescope.datasets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on the loopback address (the JDK's com.sun.net.httpserver) that serves files the way a mirror
 * does, or fails the way mirrors fail: an HTTP status, a body cut short of its Content-Length, a connection that
 * stalls after a few bytes (until the test ends). Paths without a rule get 404.
 */
final class LocalMirror implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Map<String, Rule> rules = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final CountDownLatch released = new CountDownLatch(1);

    private sealed interface Rule permits Serve, Status, Truncate, Stall { }
    private record Serve(byte[] body) implements Rule { }
    private record Status(int code) implements Rule { }
    private record Truncate(byte[] body, int sent) implements Rule { }
    private record Stall(byte[] body, int sent) implements Rule { }

    LocalMirror() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    /** Base URL of {@code dir} on this server, e.g. http://127.0.0.1:PORT/dir/. */
    String url(String dir) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + dir + "/";
    }

    LocalMirror serve(String path, byte[] body) { rules.put(path, new Serve(body)); return this; }
    LocalMirror status(String path, int code) { rules.put(path, new Status(code)); return this; }
    /** Announces body.length bytes, sends {@code sent}, then closes the connection. */
    LocalMirror truncate(String path, byte[] body, int sent) { rules.put(path, new Truncate(body, sent)); return this; }
    /** Announces body.length bytes, sends {@code sent}, then sends nothing more until the mirror is closed. */
    LocalMirror stall(String path, byte[] body, int sent) { rules.put(path, new Stall(body, sent)); return this; }

    int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
        Rule r = rules.get(path);
        try {
            if (r == null) {
                x.sendResponseHeaders(404, -1);
            } else if (r instanceof Status s) {
                x.sendResponseHeaders(s.code(), -1);
            } else if (r instanceof Serve s) {
                x.sendResponseHeaders(200, s.body().length);
                try (OutputStream out = x.getResponseBody()) {
                    out.write(s.body());
                }
            } else if (r instanceof Truncate t) {
                x.sendResponseHeaders(200, t.body().length);
                OutputStream out = x.getResponseBody();
                out.write(t.body(), 0, t.sent());
                out.flush();
                // closing short of Content-Length: the server drops the connection
            } else if (r instanceof Stall s) {
                x.sendResponseHeaders(200, s.body().length);
                OutputStream out = x.getResponseBody();
                out.write(s.body(), 0, s.sent());
                out.flush();
                try {
                    released.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } catch (IOException ignored) {
            // the client went away (a timeout on its side), or the short body was refused: what the rule wanted
        } finally {
            x.close();
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
