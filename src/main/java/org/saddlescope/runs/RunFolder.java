package org.saddlescope.runs;

import java.io.IOException;
import org.saddlescope.io.Json;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.Version;
import org.saddlescope.io.AtomicFiles;
import org.saddlescope.io.FolderLock;

/**
 * A run folder (docs/design.md, "Run folders and formats"): config.yaml, manifest.json, metrics.csv, spectra.csv,
 * checkpoints/, weights/*.npz, figures/*.png|svg, report.html. Every file is written atomically (temp file,
 * fsync, rename), so a killed run never leaves a half-written file behind.
 */
public final class RunFolder implements AutoCloseable {
    /** Files whose presence makes a folder a run folder (a sweep's folder has sweep.yaml). */
    static final List<String> MARKERS = List.of(RunFiles.MANIFEST, RunFiles.CONFIG, RunFiles.SWEEP);

    private Path root;
    private final Path target;
    private final FolderLock lock;
    private boolean published;

    private RunFolder(Path root, Path target, FolderLock lock, boolean published) {
        this.root = root;
        this.target = target;
        this.lock = lock;
        this.published = published;
    }

    /**
     * A new run folder at {@code out} for {@code command}. {@code out} must be absent or an empty folder (a folder
     * that holds anything else is not ours to write into). Files go into a locked hidden sibling
     * {@code .NAME.staging-PID-N} until {@link #publish} renames it to {@code out}, so {@code out} is either a whole
     * started run or absent; {@link #close} removes a staging folder that was never published. Staging folders of
     * the same name left by killed processes (their lock is gone) are removed first. Commands that resume publish
     * once the run can be resumed (train: config, manifest, initial weights); the others publish when they are done,
     * so a killed escape, example1, bench-detector or sweep leaves no folder at all.
     */
    public static RunFolder create(Path out, String command) {
        checkNew(out);
        Path abs = out.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        String name = abs.getFileName().toString();
        Path staging = null;
        FolderLock lock = null;
        try {
            Files.createDirectories(parent);
            removeStaleStaging(parent, name);
            staging = Files.createTempDirectory(parent, "." + name + ".staging-" + ProcessHandle.current().pid() + "-");
            Path made = staging;
            lock = FolderLock.acquire(made, command, h -> busy(made, h));
            Files.createDirectories(staging.resolve(RunFiles.FIGURES));
            Files.createDirectories(staging.resolve(RunFiles.WEIGHTS));
            return new RunFolder(staging, abs, lock, false);
        } catch (IOException | RuntimeException e) {
            if (lock != null) lock.close();
            if (staging != null) AtomicFiles.deleteTree(staging);
            if (e instanceof BadInputException b) throw b;
            throw new BadInputException("cannot create run folder " + out + ": " + e.getMessage());
        }
    }

    /**
     * Bad input unless {@code out} can become a new run folder: a non-empty path that is absent or an empty folder,
     * and no live process is making a run folder of that name (its staging folder is locked): then the message
     * names the holder's pid.
     */
    public static void checkNew(Path out) {
        if (out == null || out.toString().isBlank()) throw new BadInputException("--out is empty: give a folder for the run");
        FolderLock.Holder starting = liveStaging(out);
        if (starting != null) throw busy(out, starting);
        if (!Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        if (!Files.isDirectory(out)) throw new BadInputException("--out " + out + " is a file, not a folder");
        FolderLock.Holder h = FolderLock.liveHolder(out);
        if (isRun(out) || h != null) {
            throw new BadInputException("run folder " + out + " already holds a run"
                    + (h == null ? "; use --resume " + out + " or another --out" : ", in use by " + h.describe() + "; give another --out"));
        }
        try (java.util.stream.Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isPresent()) {
                throw new BadInputException("--out " + out + " is not empty and is not a saddlescope run folder; give a new or empty folder");
            }
        } catch (IOException e) {
            throw new BadInputException("cannot read --out " + out + ": " + e.getMessage());
        }
    }

    /** A run folder that another writer holds, as bad input naming the holder. */
    static BadInputException busy(Path folder, FolderLock.Holder h) {
        return new BadInputException("run folder " + folder + " is in use by " + h.describe()
                + "; wait for it to finish or stop it" + ("train".equals(h.command()) ? " (a stopped run resumes with --resume)" : ""));
    }

    /** The live writer of a run folder, or null. */
    public static FolderLock.Holder liveHolder(Path dir) {
        return FolderLock.liveHolder(dir);
    }

    /** Whether a folder holds a run (its config.yaml or manifest.json). */
    public static boolean isRun(Path dir) {
        for (String m : MARKERS) if (Files.isRegularFile(dir.resolve(m))) return true;
        return false;
    }

    /** Renames the staging folder to its name: from now on the run folder exists, whole. */
    public void publish() {
        if (published) return;
        try {
            Files.move(root, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            throw new BadInputException("run folder " + target + " was created by another process meanwhile; give another --out");
        } catch (IOException e) {
            throw new BadInputException("cannot create run folder " + target + ": " + e.getMessage());
        }
        root = target;
        published = true;
    }

    /**
     * An existing run folder opened to write (resume, report): bad input if it is not a run or another process
     * holds it; takes its lock and removes temp files that killed writers left.
     */
    public static RunFolder openForWriting(Path dir, String command) {
        Path abs = requireRun(dir);
        FolderLock lock = FolderLock.acquire(abs, command, h -> busy(abs, h));
        try {
            removeTempFiles(abs);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        return new RunFolder(abs, abs, lock, true);
    }

    /** Opens an existing run folder to read; bad input if it is not one. */
    public static RunFolder open(Path root) {
        return new RunFolder(requireRun(root), root, null, true);
    }

    private static Path requireRun(Path dir) {
        if (dir == null || dir.toString().isBlank()) throw new BadInputException("no run folder given");
        if (!Files.isDirectory(dir)) throw new BadInputException("no run folder at " + dir);
        if (!isRun(dir)) throw new BadInputException(dir + " is not a saddlescope run folder (no manifest.json or config.yaml)");
        return dir.toAbsolutePath().normalize();
    }

    /** A subfolder that belongs to this run (a sweep's member runs): created as it is, under this folder's lock. */
    public RunFolder child(String relative) {
        Path p = root.resolve(relative);
        try {
            Files.createDirectories(p.resolve(RunFiles.FIGURES));
            Files.createDirectories(p.resolve(RunFiles.WEIGHTS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RunFolder(p, p, null, true);
    }

    /** Releases the lock; a staging folder that was never published is removed with everything in it. */
    @Override
    public void close() {
        try {
            if (!published) AtomicFiles.deleteTree(root);
        } finally {
            if (lock != null) lock.close();
        }
    }

    /**
     * The holder of a live staging folder of {@code out} (another process making that run folder), or null. Two
     * processes that start within the same instant may both pass this check; {@link #publish} then refuses the
     * second.
     */
    private static FolderLock.Holder liveStaging(Path out) {
        Path abs = out.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null || abs.getFileName() == null || !Files.isDirectory(parent)) return null;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, "." + abs.getFileName() + ".staging-*")) {
            for (Path p : ds) {
                FolderLock.Holder h = Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? FolderLock.liveHolder(p) : null;
                if (h != null) return h;
            }
        } catch (IOException e) {
            throw new BadInputException("cannot read the folder of --out " + out + ": " + e.getMessage());
        }
        return null;
    }

    private static void removeStaleStaging(Path parent, String name) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, "." + name + ".staging-*")) {
            for (Path p : ds) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && FolderLock.liveHolder(p) == null) AtomicFiles.deleteTree(p);
            }
        }
    }

    /** Temp files of {@link #writeAtomically} ({@code .NAME*.tmp}) that a killed writer left. */
    private static void removeTempFiles(Path dir) {
        try (java.util.stream.Stream<Path> all = Files.walk(dir, 2)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") && n.endsWith(".tmp") && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean temp files in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path root() { return root; }
    public Path path(String relative) { return root.resolve(relative); }
    public Path figures() { return root.resolve(RunFiles.FIGURES); }
    public Path weights() { return root.resolve(RunFiles.WEIGHTS); }

    /** The folder the run has (or will have once published). */
    public Path target() { return target; }

    public Path checkpoints() {
        Path p = root.resolve(RunFiles.CHECKPOINTS);
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public void writeYaml(String relative, Object value) {
        try {
            AtomicFiles.writeAtomically(path(relative), Json.YAML.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeJson(String relative, Object value) {
        try {
            AtomicFiles.writeAtomically(path(relative), Json.JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeText(String relative, String text) {
        AtomicFiles.writeAtomically(path(relative), text.getBytes(StandardCharsets.UTF_8));
    }

    /** An .npz archive of named matrices (NumPy reads it: shape (rows, cols) per array), written atomically. */
    public void writeNpz(String relative, java.util.Map<String, org.saddlescope.linalg.Matrix> arrays) {
        AtomicFiles.writeAtomically(path(relative), org.saddlescope.data.Npz.encode(arrays));
    }

    /** manifest.json: version, seed, start and end, machine, plus anything the caller adds. */
    public void writeManifest(String command, long seed, Instant start, Instant end, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("saddlescope_version", Version.VERSION);
        m.put("command", command);
        m.put("seed", seed);
        m.put("start", start.toString());
        m.put("end", end == null ? null : end.toString());
        m.put("machine", Machine.describe());
        if (extra != null) m.putAll(extra);
        writeJson(RunFiles.MANIFEST, m);
    }
}
