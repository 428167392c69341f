package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.saddlescope.io.FolderLock;

/**
 * Issue 11, items 1 and 3 for the commands that write a run folder and never resume (escape, reproduce example1,
 * bench-detector, flow): while one process makes the folder, a second writer of the same --out gets exit 2 naming the
 * first one's pid and writes nothing; a SIGKILL leaves no folder (they publish when done), and the same --out then
 * works, with no staging folder left. The first process is given far more work than it can do before it is killed,
 * so nothing here depends on the machine's speed.
 */
class OneWriterPerFolderTest {
    /** Work that lasts far longer than the test (ended by SIGKILL), and work of a second or two. */
    static String[][] args(String command) {
        return switch (command) {
            case "escape" -> new String[][] {
                    {"escape", "--data", "example1", "--depth", "2", "--width", "6", "--restarts", "1000000", "--threads", "1", "-q"},
                    {"escape", "--data", "example1", "--depth", "2", "--width", "6", "--restarts", "2", "--iterations", "100", "--threads", "1", "-q"}};
            case "example1" -> new String[][] {
                    {"reproduce", "example1", "--widths", "8", "--runs", "1000000", "--threads", "1", "-q"},
                    {"reproduce", "example1", "--widths", "4", "--runs", "2", "--steps", "50", "--curve-points", "4", "--compare-runs", "0", "--threads", "1", "-q"}};
            case "bench-detector" -> new String[][] {
                    {"bench-detector", "--depths", "3", "--seeds", "100000", "--threads", "1", "-q"},
                    {"bench-detector", "--depths", "3", "--seeds", "1", "--steps", "2000", "--no-sgd", "--threads", "1", "-q"}};
            case "flow" -> new String[][] {
                    {"flow", "--dataset", "modes:s=2,n=16,d=4,out=2", "--hidden", "4,4", "--epsilon", "1e-6", "--max-time", "1e300",
                            "--loss-drop", "0", "--rtol", "1e-13", "--max-evaluations", "2000000000", "--probes", "5", "--threads", "1", "-q"},
                    {"flow", "--dataset", "modes:s=2,n=16,d=4,out=2", "--hidden", "4,4", "--epsilon", "0.01", "--max-time", "1e4",
                            "--probes", "20", "--stop-at-escape", "--threads", "1", "-q"}};
            default -> throw new IllegalArgumentException(command);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"escape", "example1", "bench-detector", "flow"})
    void aSecondWriterIsRefusedWithThePidAndAKillLeavesNoFolder(String command, @TempDir Path tmp) throws Exception {
        String[][] a = args(command);
        Path out = tmp.resolve("out");
        Path log = tmp.resolve("first.log");
        Process first = ProcessSafetyTest.child(log, ProcessSafetyTest.with(a[0], "--out", out.toString()));
        try {
            ProcessSafetyTest.await(first, v -> liveStaging(tmp) != null);
            assertTrue(first.isAlive(), "the first writer ended:\n" + Files.readString(log));
            assertEquals(first.pid(), FolderLock.liveHolder(liveStaging(tmp)).pid());

            CommandLineTest.assertOneLineBadInput(CommandLineTest.run(ProcessSafetyTest.with(a[1], "--out", out.toString())), "pid " + first.pid());
            assertFalse(Files.exists(out), "the second writer made the folder");
            assertEquals(1, stagingFolders(tmp).size(), "the second writer made a staging folder");
        } finally {
            first.destroyForcibly().waitFor();
        }
        assertFalse(Files.exists(out), "a killed " + command + " left a folder");

        CommandLineTest.Run r = CommandLineTest.run(ProcessSafetyTest.with(a[1], "--out", out.toString()));
        assertEquals(0, r.code(), r.err());
        // the last file each writes before it publishes
        String last = command.equals("flow") ? "manifest.json" : "report.html";
        assertTrue(Files.isRegularFile(out.resolve(last)), command + " lacks " + last);
        assertEquals(List.of(), stagingFolders(tmp), "the killed writer's staging folder is still there");
    }

    private static Path liveStaging(Path dir) {
        // held, and its holder line written (a lock taken this instant counts as held, by an unknown holder)
        for (Path p : stagingFolders(dir)) {
            FolderLock.Holder h = FolderLock.liveHolder(p);
            if (h != null && h.pid() > 0) return p;
        }
        return null;
    }

    private static List<Path> stagingFolders(Path dir) {
        List<Path> l = new java.util.ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".out.staging-*")) {
            for (Path p : ds) l.add(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return l;
    }
}
