package org.saddlescope.runs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.Json;

/**
 * One writer per run folder (DESIGN.md, "Reliability"): the file {@code .lock} in the folder, held with an OS
 * file lock ({@link FileChannel#tryLock}) for as long as a command writes there. The OS drops the lock when the
 * process ends however it ends, so a lock file left by a crashed run is stale by construction: the next writer
 * gets the lock and overwrites the holder line. The file itself is never deleted (deleting it would let a third
 * process lock a fresh inode while a second still holds the old one); it says who held the folder last.
 *
 * <p>POSIX record locks belong to the process, and closing any descriptor of the file drops them all; so a
 * process never opens a second channel on a lock file it holds: locks held here are kept in {@link #HELD}, by
 * the file's inode (which a rename of the folder keeps).
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = ".lock";

    private static final Map<Object, Holder> HELD = new java.util.HashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Object key;

    private RunLock(Path file, FileChannel channel, FileLock lock, Object key) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.key = key;
    }

    /** Who holds a folder: pid, command and start, as the lock file records them. */
    public record Holder(long pid, String command, String since) {
        String describe() {
            return "pid " + pid + (command == null ? "" : " (saddlescope " + command + (since == null ? "" : ", since " + since) + ")");
        }
    }

    /**
     * Takes the folder's lock for {@code command}, or throws bad input naming the holder's pid. The folder must
     * exist.
     */
    public static synchronized RunLock acquire(Path folder, String command) {
        Path file = folder.resolve(FILE);
        Holder mine = heldHere(file);
        if (mine != null) throw busy(folder, mine);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                throw busy(folder, holder(file));
            }
            Holder me = new Holder(ProcessHandle.current().pid(), command, Instant.now().toString());
            Map<String, Object> who = new LinkedHashMap<>();
            who.put("pid", me.pid());
            who.put("command", me.command());
            who.put("since", me.since());
            byte[] bytes = (Json.JSON.writeValueAsString(who) + "\n").getBytes(StandardCharsets.UTF_8);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(bytes), 0);
            ch.force(false);
            Object key = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            HELD.put(key, me);
            return new RunLock(file, ch, l, key);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new BadInputException("cannot lock run folder " + folder + ": " + e.getMessage());
        }
    }

    /** The holder when this process holds the lock file, else null. */
    private static Holder heldHere(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return HELD.get(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        } catch (IOException e) {
            return null;
        }
    }

    /** The live holder of a folder's lock, or null when nobody holds it (no lock file, or a stale one). */
    public static synchronized Holder liveHolder(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) return null;
        Holder mine = heldHere(file);
        if (mine != null) return mine;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return holder(file);
            }
            if (l == null) return holder(file);
            l.release();
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    static BadInputException busy(Path folder, Holder h) {
        return new BadInputException("run folder " + folder + " is in use by " + (h == null ? "another process" : h.describe())
                + "; wait for it to finish or stop it" + (h != null && "train".equals(h.command()) ? " (a stopped run resumes with --resume)" : ""));
    }

    private static Holder holder(Path file) {
        try {
            JsonNode n = Json.JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (n == null || !n.has("pid")) return null;
            return new Holder(n.path("pid").asLong(), n.path("command").asText(null), n.path("since").asText(null));
        } catch (IOException | RuntimeException e) {
            return null; // being written by its holder this instant: no details
        }
    }

    public Path file() { return file; }

    @Override
    public void close() {
        synchronized (RunLock.class) {
            try {
                if (lock.isValid()) lock.release();
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                HELD.remove(key);
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing after a failure: the first error is the one to report
        }
    }
}
