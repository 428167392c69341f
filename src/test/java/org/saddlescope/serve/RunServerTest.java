package org.saddlescope.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.Json;

/**
 * The server as an attacker and a reader meet it: bound to loopback, read-only, no file outside the served folder
 * whatever the path says (../, percent-encoded dots and slashes, double encoding, absolute paths, backslashes, NUL,
 * hidden files, symbolic links out), no answer to a foreign Host; and the index and curves of a run folder.
 */
class RunServerTest {
    @TempDir static Path tmp;
    static Path root;
    static RunServer server;
    static final String SECRET = "top secret outside the runs";

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(tmp.resolve("runs"));
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Path run = Files.createDirectories(root.resolve("a/run1"));
        Files.writeString(run.resolve("manifest.json"), "{\"command\":\"train\",\"start\":\"2026-01-01T00:00:00Z\",\"end\":\"2026-01-01T00:01:00Z\","
                + "\"stop\":\"budget\",\"steps\":30,\"train_seconds\":60.0,\"dataset\":\"teacher\"}");
        Files.writeString(run.resolve("config.yaml"), "dataset: teacher\nhidden: [4, 4]\ndtype: mixed\nsteps: 30\nlr: 0.1\n");
        Files.writeString(run.resolve("metrics.csv"), "step,epoch,time_s,lr,loss,norm,w_norm_1,lost_updates_1,imbalance_gd_1\n"
                + "0,0,0.1,0.1,,1,1,,0\n10,1,0.2,0.1,2.5,1.1,1,0.25,0\n20,2,0.3,0.1,1.5,1.2,1,0,0\n30,3,0.4,0.1,0.5,1.3,1,,0\n");
        Files.writeString(run.resolve("escapes.csv"), "escape,middle_step\n1,15\n");
        Files.writeString(run.resolve(".lock"), "{\"pid\":1}");
        Files.createSymbolicLink(run.resolve("link-out.txt"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("linked-dir"), tmp);
        Files.writeString(run.resolve("inside.txt"), "inside");
        Files.createSymbolicLink(run.resolve("link-in.txt"), run.resolve("inside.txt"));
        server = RunServer.start(root, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    record Response(int status, String head, String body) {}

    /** One request as written (no client normalises the path), with the given Host header. */
    static Response raw(String method, String target, String host) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = s.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            return new Response(Integer.parseInt(head.split(" ")[1]), head, split < 0 ? "" : text.substring(split + 4));
        }
    }

    static Response get(String target) throws Exception {
        return raw("GET", target, "127.0.0.1:" + server.port());
    }

    @Test
    void bindsToLoopbackByDefault() {
        assertTrue(server.url().startsWith("http://127.0.0.1:"), server.url());
    }

    @Test
    void refusesEveryPathOutsideTheFolder() throws Exception {
        List<String> attacks = List.of("/files/../secret.txt", "/files/a/../../secret.txt", "/files/%2e%2e/secret.txt", "/files/%2E%2E%2Fsecret.txt",
                "/files/a/run1/..%2f..%2f..%2fsecret.txt", "/files/%2e%2e%5csecret.txt", "/files/..%5c..%5csecret.txt", "/files//etc/passwd",
                "/files/%2fetc%2fpasswd", "/files/a/run1/link-out.txt", "/files/linked-dir/secret.txt", "/files/linked-dir/",
                "/files/a/run1/.lock", "/files/a/run1/%00", "/files/a/run1/inside.txt%00.png", "/files/%252e%252e/secret.txt",
                "/api/run?run=../secret.txt", "/api/run?run=%2e%2e", "/api/metrics?run=linked-dir&cols=loss", "/files/..", "/../secret.txt");
        for (String a : attacks) {
            Response r = get(a);
            assertFalse(r.body().contains(SECRET) || r.body().contains("root:"), a + " leaked: " + r.body());
            assertTrue(r.status() == 403 || r.status() == 404 || r.status() == 400, a + " gave " + r.status());
        }
        assertEquals(403, get("/files/%2e%2e/secret.txt").status(), "encoded dots are dots, refused");
        assertEquals(403, get("/files/a/run1/link-out.txt").status(), "a link out is refused");
        assertEquals(404, get("/files/%252e%252e/secret.txt").status(), "double encoding is a literal name: not there");
        assertEquals(200, get("/files/a/run1/link-in.txt").status(), "a link that stays inside is followed");
        assertEquals("inside", get("/files/a/run1/inside.txt").body());
    }

    @Test
    void readOnlyAndOnlyForLoopbackHosts() throws Exception {
        for (String m : List.of("POST", "PUT", "DELETE", "PATCH")) assertEquals(405, raw(m, "/files/a/run1/inside.txt", "127.0.0.1").status(), m);
        assertEquals(403, raw("GET", "/api/runs", "attacker.example:" + server.port()).status(), "DNS rebinding: a foreign Host");
        assertEquals(200, raw("GET", "/api/runs", "localhost:" + server.port()).status());
        assertEquals(200, raw("HEAD", "/files/a/run1/metrics.csv", "127.0.0.1").status());
        assertTrue(Files.readString(root.resolve("a/run1/inside.txt")).equals("inside"));
    }

    @Test
    void indexAndCurvesOfARun() throws Exception {
        JsonNode runs = Json.JSON.readTree(get("/api/runs").body()).path("runs");
        assertEquals(1, runs.size(), runs.toString()); // the linked folder is not walked into
        JsonNode r = runs.get(0);
        assertEquals("a/run1", r.path("id").asText());
        assertEquals("finished", r.path("status").asText(), "a stale lock (pid 1 holds no lock on it) is not live");
        assertEquals(30, r.path("step").asLong());
        assertEquals(0.5, r.path("loss").asDouble());
        assertEquals(1, r.path("escapes").asInt());
        assertEquals("mixed", r.path("config").path("dtype").asText());
        JsonNode m = Json.JSON.readTree(get("/api/metrics?run=a/run1&x=step&cols=loss,lost_updates_1,imbalance_gd_1&points=100").body());
        assertEquals("[\"loss\",\"lost_updates_1\"]", m.path("columns").toString(), "only plotted columns are held");
        assertEquals("[[10,20,30],[2.5,1.5,0.5],[0.25,0,null]]", m.path("data").toString());
        JsonNode tail = Json.JSON.readTree(get("/api/metrics?run=a/run1&x=step&cols=loss&from=3").body());
        assertEquals("[[30],[0.5]]", tail.path("data").toString());
        assertEquals(4, tail.path("next").asInt());
        assertEquals(200, get("/").status());
        Response js = get("/vendor/uplot/uPlot.iife.min.js");
        assertEquals(200, js.status());
        assertTrue(js.body().contains("uPlot"));
        assertTrue(get("/vendor/uplot/LICENSE").body().contains("MIT"), "the vendored library's licence is served");
        assertEquals(301, get("/files/a/run1").status(), "a folder without its slash is redirected (relative links in report.html)");
        assertTrue(get("/files/a/run1/").body().contains("metrics.csv"));
    }

    @Test
    void badFolderOrBusyPortIsBadInput() {
        assertThrows(BadInputException.class, () -> RunServer.start(tmp.resolve("nothing"), "127.0.0.1", 0));
        BadInputException e = assertThrows(BadInputException.class, () -> RunServer.start(root, "127.0.0.1", server.port()));
        assertTrue(e.getMessage().contains("--port"), e.getMessage());
    }
}
