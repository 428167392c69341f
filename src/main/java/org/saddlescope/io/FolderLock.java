package org.saddlescope.io;

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
import java.util.function.Function;

/**
 * One writer at a time (docs/design.md, "Reliability"), for every writer of saddlescope: run folders, the data
 * folder, sweeps and their points, compare and report output. A lock file ({@link #FILE} in a folder, or a file of
 * its own such as a sweep point's) is held with an OS file lock ({@link FileChannel#tryLock}) for as long as a
 * command writes. The OS drops the lock when the process ends however it ends, so a lock file left by a crashed
 * process is stale by construction: the next writer gets the lock and overwrites the holder line. The file itself is
 * never deleted (deleting it would let a third process lock a fresh inode while a second still holds the old one); it
 * says who held it last.
 *
 * <p>POSIX record locks belong to the process, and closing any descriptor of the file drops them all (FileLock's
 * javadoc: "closing a channel releases all locks held by the Java virtual machine on the underlying file"); so this
 * process never opens a second channel on a lock file it holds: the locks held here are kept in {@link #HELD}, by the
 * file's inode (which a rename of the folder keeps), and every method that opens a lock file runs under this class's
 * monitor, so no thread probes a file while another takes it.
 */
public final class FolderLock implements AutoCloseable {
    /** The lock file of a folder. */
    public static final String FILE = ".lock";

    private static final Map<Object, Holder> HELD = new java.util.HashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Object key;

    private FolderLock(Path file, FileChannel channel, FileLock lock, Object key) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.key = key;
    }

    /** Who holds a lock: pid, command and start, as the lock file records them. */
    public record Holder(long pid, String command, String since) {
        /** A live holder whose line could not be read (it is being written this instant). */
        public static final Holder UNKNOWN = new Holder(-1, null, null);

        public String describe() {
            if (pid < 0) return "another process";
            return "pid " + pid + (command == null ? "" : " (saddlescope " + command + (since == null ? "" : ", since " + since) + ")");
        }
    }

    /**
     * Takes {@code folder}'s lock ({@code folder/.lock}; the folder must exist) for {@code command}, or throws what
     * {@code busy} makes of the live holder.
     */
    public static FolderLock acquire(Path folder, String command, Function<Holder, ? extends RuntimeException> busy) {
        return acquireFile(folder.resolve(FILE), command, busy);
    }

    /** Takes the lock file {@code file} (created if absent, its folder must exist), or throws what {@code busy} makes of its holder. */
    public static synchronized FolderLock acquireFile(Path file, String command, Function<Holder, ? extends RuntimeException> busy) {
        Holder mine = heldHere(file);
        if (mine != null) throw busy.apply(mine);
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
                throw busy.apply(recorded(file));
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
            return new FolderLock(file, ch, l, key);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new BadInputException("cannot lock " + file + ": " + e.getMessage());
        }
    }

    /** {@link #acquireFile}, or null when someone (this process included) holds the file. */
    public static synchronized FolderLock tryAcquireFile(Path file, String command) {
        if (heldHere(file) != null) return null;
        try {
            return acquireFile(file, command, h -> new Busy());
        } catch (Busy b) {
            return null;
        }
    }

    /** Thrown inside {@link #tryAcquireFile} only. */
    private static final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Busy() {
            super(null, null, false, false);
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

    /** The live holder of {@code folder}'s lock, or null when nobody holds it (no lock file, or a stale one). */
    public static Holder liveHolder(Path folder) {
        return liveHolderOfFile(folder.resolve(FILE));
    }

    /**
     * The live holder of a lock file ({@link Holder#UNKNOWN} when its line cannot be read), or null when nobody holds
     * it. A lock this process holds is answered from {@link #HELD}, without opening the file.
     */
    public static synchronized Holder liveHolderOfFile(Path file) {
        if (!Files.isRegularFile(file)) return null;
        Holder mine = heldHere(file);
        if (mine != null) return mine;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return recorded(file);
            }
            if (l == null) return recorded(file);
            l.release();
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The holder line of a lock file that someone holds. */
    private static Holder recorded(Path file) {
        try {
            JsonNode n = Json.JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (n == null || !n.has("pid")) return Holder.UNKNOWN;
            return new Holder(n.path("pid").asLong(), n.path("command").asText(null), n.path("since").asText(null));
        } catch (IOException | RuntimeException e) {
            return Holder.UNKNOWN; // being written by its holder this instant: no details
        }
    }

    public Path file() { return file; }

    @Override
    public void close() {
        synchronized (FolderLock.class) {
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
