package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** saddlescope data fetch|import|list on the command line: exit codes, one-line errors, what list prints. */
class DataCommandTest {

    record Out(int code, String out, String err) { }

    static Out run(String... args) {
        PrintStream oldErr = System.err, oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream(), out = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            picocli.CommandLine cl = Main.commandLine();
            cl.setErr(new java.io.PrintWriter(System.err, true));
            cl.setOut(new java.io.PrintWriter(System.out, true));
            int code = cl.execute(args);
            return new Out(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }

    @Test
    void badArchiveIsOneLineExitTwoAndNothingWritten(@TempDir Path tmp) throws Exception {
        Path junk = tmp.resolve("mnist.tgz");
        Files.writeString(junk, "not gzip");
        Path data = tmp.resolve("data");
        Out r = run("data", "import", "mnist", junk.toString(), "--data-dir", data.toString(), "--quiet");
        assertEquals(Main.BAD_INPUT, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(junk.toString()), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertOnlyLock(data);
        Out unknown = run("data", "import", "svhn", junk.toString(), "--data-dir", data.toString());
        assertEquals(Main.BAD_INPUT, unknown.code());
        assertTrue(unknown.err().contains("unknown data set 'svhn'"), unknown.err());
    }

    @Test
    void fetchWithoutNetworkNamesTheFileAndExitsTwo(@TempDir Path tmp) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Path data = tmp.resolve("data");
        Out r = run("data", "fetch", "mnist", "--mirror", "http://127.0.0.1:" + port + "/mnist/", "--data-dir", data.toString(),
                "--timeout", "2", "--quiet");
        assertEquals(Main.BAD_INPUT, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(data.resolve("mnist/train-images-idx3-ubyte.gz") + ": no mirror gave a verified copy"), r.err());
        assertTrue(r.err().contains("cannot connect"), r.err());
        assertOnlyLock(data);
        Out bad = run("data", "fetch", "mnist", "--mirror", "ftp://example.org/", "--data-dir", data.toString());
        assertEquals(Main.BAD_INPUT, bad.code());
        assertTrue(bad.err().contains("not an http(s) URL"), bad.err());
    }

    @Test
    void listSaysWhatIsWhereAndWhatDatasetReads(@TempDir Path tmp) {
        Out r = run("data", "list", "--data-dir", tmp.resolve("empty").toString());
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().contains("data folder: " + tmp.resolve("empty") + " (--data-dir)"), r.out());
        assertTrue(r.out().contains("--dataset mnist reads nothing yet"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("mnist ") && l.contains("missing")), r.out());
        assertFalse(Files.exists(tmp.resolve("empty")), "list writes nothing");
    }

    static void assertOnlyLock(Path data) throws Exception {
        if (!Files.exists(data)) return;
        try (Stream<Path> s = Files.walk(data)) {
            assertEquals(0, s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals(".lock")).count());
        }
    }
}
