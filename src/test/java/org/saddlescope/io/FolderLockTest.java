package org.saddlescope.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.sweep.SweepFolder;

/**
 * Issue 22, item 2: one lock for every writer. The hazard it exists for is reproduced first (a second channel on a
 * held lock file, closed, drops the process's lock: another process then takes it), so the child-process probe
 * used below is known to see a dropped lock; then every probe this process makes of a lock it holds (the run folder's
 * liveHolder, a sweep's {@code locked}, a second acquire) is shown to keep it.
 */
class FolderLockTest {
    /** A child JVM that tries the OS lock of a file: "held" when another process has it, else "free". */
    public static final class Probe {
        public static void main(String[] args) throws IOException {
            try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock l = ch.tryLock();
                System.out.print(l == null ? "held" : "free");
            }
        }
    }

    static String probe(Path file) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Probe.class.getName(), file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void aSecondChannelClosedDropsTheLockButNoProbeOfOursOpensOne(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve(FolderLock.FILE);
        // the hazard, by hand: this process locks the file, opens it again, closes the second channel
        try (FileChannel held = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = held.tryLock();
            assertNotNull(lock);
            assertEquals("held", probe(file));
            try (FileChannel second = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                assertThrows(OverlappingFileLockException.class, second::tryLock);
            }
            assertTrue(lock.isValid(), "the JVM still believes it holds the lock");
            assertEquals("free", probe(file), "closing the second channel dropped the OS lock (the hazard this class avoids)");
        }
        // the same probes through FolderLock keep the lock
        try (FolderLock lock = FolderLock.acquire(tmp, "train", h -> new BadInputException("busy: " + h.describe()))) {
            for (int i = 0; i < 3; i++) {
                assertEquals(ProcessHandle.current().pid(), FolderLock.liveHolder(tmp).pid());
                assertNull(FolderLock.tryAcquireFile(file, "report"));
                BadInputException e = assertThrows(BadInputException.class, () -> FolderLock.acquire(tmp, "report", h -> new BadInputException("busy: " + h.describe())));
                assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid() + " (saddlescope train"), e.getMessage());
            }
            assertEquals("held", probe(file));
        }
        assertNull(FolderLock.liveHolder(tmp), "released on close");
        assertEquals("free", probe(file));
    }

    @Test
    void aSweepStatusProbeKeepsTheWorkersPointLock(@TempDir Path tmp) throws Exception {
        // the sweep's point lock: a worker holds it while status asks, repeatedly, whether the point is running
        Path dir = tmp.resolve("sweep");
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("sweep.yaml"), "kind: train\n");
        Files.writeString(dir.resolve("plan.json"), "[]");
        SweepFolder f = SweepFolder.open(dir);
        try (FolderLock worker = f.tryLock("x=1")) {
            assertNotNull(worker);
            for (int i = 0; i < 3; i++) {
                assertTrue(f.locked("x=1"));
                assertNull(f.tryLock("x=1"), "a second worker thread of this process does not take it");
            }
            assertEquals("held", probe(f.lockFile("x=1")));
        }
        assertTrue(!f.locked("x=1"));
        assertEquals("free", probe(f.lockFile("x=1")));
        try (FolderLock again = f.tryLock("x=1")) {
            assertNotNull(again, "free again once the worker let go");
        }
    }

    @Test
    void aLockWhoseHolderLineIsUnreadableStillCountsAsHeld(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve(FolderLock.FILE);
        Process child = null;
        try {
            // another process holds the OS lock but has written no holder line yet
            child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), Holder.class.getName(), file.toString()).start();
            assertEquals('L', child.getInputStream().read(), "child took the lock");
            FolderLock.Holder h = FolderLock.liveHolder(tmp);
            assertSame(FolderLock.Holder.UNKNOWN, h, "held, though nobody can say by whom yet");
            assertEquals("another process", h.describe());
        } finally {
            if (child != null) {
                child.getOutputStream().close();
                child.waitFor();
            }
        }
        assertNull(FolderLock.liveHolder(tmp));
    }

    /** Locks a file without writing a holder line, says 'L', and holds it until its standard input closes. */
    public static final class Holder {
        public static void main(String[] args) throws IOException {
            try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                if (ch.tryLock() == null) System.exit(3);
                System.out.print('L');
                System.out.flush();
                while (System.in.read() >= 0) { }
            }
        }
    }

}
