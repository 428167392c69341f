package org.saddlescope.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.saddlescope.io.Json;
import org.saddlescope.io.FolderLock;

/**
 * Whether a run folder's lock is held, found without touching the lock: {@link FolderLock#liveHolder} takes the lock for
 * a moment to test it, and a dashboard that polled it could make a {@code train --resume} starting that instant fail
 * as "in use". On Linux /proc/locks names the process that holds a lock on the lock file's inode, and the lock file
 * is not even opened (a POSIX lock is dropped when its process closes any descriptor of the file: a probe in the same
 * process as the holder, as in tests, would release it by reading it). Elsewhere, the pid the lock file records, if
 * that process is alive.
 */
final class LockProbe {
    private LockProbe() {}

    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    /** The pid of the live holder (0 when a lock is held by a process the kernel does not name), or -1. */
    static long holder(Path folder) {
        Path file = folder.resolve(FolderLock.FILE);
        if (!Files.isRegularFile(file)) return -1;
        Long fromProc = perProc(file);
        if (fromProc != null) return fromProc;
        long pid = recordedPid(file);
        if (pid == ProcessHandle.current().pid()) return pid;
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : -1;
    }

    private static long recordedPid(Path file) {
        try {
            JsonNode n = Json.JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            return n == null ? -1 : n.path("pid").asLong(-1);
        } catch (IOException | RuntimeException e) {
            return -1; // being written by its holder this instant
        }
    }

    /** The holder per /proc/locks (-1: none); null where it cannot tell (not Linux, unreadable). */
    private static Long perProc(Path file) {
        if (!Files.isReadable(PROC_LOCKS)) return null;
        try {
            long ino = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
            long dev = ((Number) Files.getAttribute(file, "unix:dev")).longValue();
            // glibc's major()/minor() of st_dev, printed in hex as the kernel prints them
            long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
            long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
            String id = String.format("%02x:%02x:%d", major, minor, ino);
            for (String line : Files.readAllLines(PROC_LOCKS, StandardCharsets.US_ASCII)) {
                // "3: POSIX  ADVISORY  WRITE 18352 fe:00:5326852 0 EOF" (a waiter's line has "->" after the number)
                String[] f = line.trim().split("\\s+");
                if (f.length >= 6 && !f[1].equals("->") && f[5].equals(id)) {
                    long pid = Long.parseLong(f[4]);
                    return pid > 0 ? pid : 0;
                }
            }
            return -1L;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }
}
