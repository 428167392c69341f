package org.saddlescope.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.data.Catalog;
import org.saddlescope.data.Cifar10;
import org.saddlescope.data.DataFileException;
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Idx;
import org.saddlescope.linalg.DType;

/**
 * data fetch against a real HTTP server on the loopback address ({@link LocalMirror}) serving the fixtures in the
 * official layouts: good files, a wrong checksum, a truncated body, a 404, a stalled connection, mirrors in order,
 * re-runs, and CIFAR-10's one archive. The stall tests use a 0.5 s timeout, so they end in about a second (fetches
 * meant to succeed get a patient one: under load a healthy transfer can pause for more than 0.5 s); the
 * JUnit timeout only guards against a hang.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DataFetchTest {
    private static final Duration SHORT = Duration.ofMillis(500);
    /** For transfers that should succeed: a 184 MB archive on a loaded 2-core machine can pause longer than SHORT. */
    private static final Duration PATIENT = Duration.ofSeconds(20);

    private static DataFetch.Result fetch(Path root, Catalog.Spec spec, Duration timeout, String... mirrors) {
        return DataFetch.run(new DataStore(root), spec, new DataFetch.Options(List.of(mirrors), timeout), DataStore.Reporter.NONE);
    }

    /** The tiny set's four .gz files under /DIR/ of the mirror. */
    private static void serveAll(LocalMirror m, String dir) {
        DataFixtures.tinyFiles().forEach((k, v) -> m.serve("/" + dir + "/" + k + ".gz", DataFixtures.gzip(v)));
    }

    @Test
    void goodMirrorGivesVerifiedFilesAndARerunKeepsThem(@TempDir Path tmp) throws IOException {
        Catalog.Spec spec = DataFixtures.tinySpec();
        try (LocalMirror m = new LocalMirror()) {
            serveAll(m, "m");
            DataFetch.Result r = fetch(tmp, spec, PATIENT, m.url("m"));
            assertEquals(4, r.fetched().size());
            for (DataStore.StoredFile f : r.fetched()) {
                assertTrue(f.verified());
                assertTrue(f.check().startsWith("MD5 of the .gz = published"), f.check());
                assertEquals(m.url("m") + f.file(), f.source());
            }
            Dataset d = Idx.loadSplit(tmp.resolve("tiny"), false, "tiny", DType.F64);
            assertEquals(DataFixtures.TEST, d.size());
            DataImportTest.assertLeftNoTempFiles(tmp);
            // run again: nothing is downloaded
            DataFetch.Result again = fetch(tmp, spec, PATIENT, m.url("m"));
            assertEquals(0, again.fetched().size());
            assertEquals(4, again.kept().size());
            assertEquals(1, m.hits("/m/train-images-idx3-ubyte.gz"));
        }
    }

    @Test
    void mirrorsAreTriedInOrderUntilOneGivesAVerifiedCopy(@TempDir Path tmp) throws IOException {
        Catalog.Spec spec = DataFixtures.tinySpec();
        try (LocalMirror m = new LocalMirror()) {
            serveAll(m, "good");
            // the first mirror: a 500 for one file, another file's bytes for another, nothing (404) for the rest
            m.status("/bad/train-labels-idx1-ubyte.gz", 500);
            m.serve("/bad/t10k-images-idx3-ubyte.gz", DataFixtures.gzip(DataFixtures.images(DataFixtures.TEST, 7)));
            DataFetch.Result r = fetch(tmp, spec, PATIENT, m.url("bad"), m.url("good"));
            assertEquals(4, r.fetched().size());
            assertTrue(r.fetched().stream().allMatch(f -> f.source().startsWith(m.url("good"))));
            assertEquals(1, m.hits("/bad/t10k-images-idx3-ubyte.gz"));
            assertEquals(1, m.hits("/bad/train-images-idx3-ubyte.gz"));
        }
    }

    @Test
    void wrongChecksumTruncationHttpErrorAndStallNameTheFileAndLeaveNothing(@TempDir Path tmp) throws IOException {
        Catalog.Spec spec = DataFixtures.tinySpec();
        byte[] gz = DataFixtures.gzip(DataFixtures.tinyFiles().get("train-images-idx3-ubyte"));
        String file = "/train-images-idx3-ubyte.gz";
        try (LocalMirror m = new LocalMirror()) {
            m.serve("/wrong" + file, DataFixtures.gzip(DataFixtures.images(DataFixtures.TRAIN, 9)));
            m.truncate("/cut" + file, gz, gz.length / 2);
            m.status("/gone" + file, 404);
            m.stall("/stall" + file, gz, 100);
            assertFetchFails(tmp, spec, PATIENT, m.url("wrong"), "matches no published checksum");
            assertFetchFails(tmp, spec, PATIENT, m.url("cut"), "of " + gz.length); // "truncated: n of N bytes" or "broken after n of N bytes"
            assertFetchFails(tmp, spec, PATIENT, m.url("gone"), "HTTP 404");
            assertFetchFails(tmp, spec, SHORT, m.url("stall"), "stalled: no data for 0.5 s");
            // all four in one run: one line that says what each mirror did (3 s: the healthy mirrors must not look stalled under load)
            DataFileException e = assertThrows(DataFileException.class,
                    () -> fetch(tmp.resolve("all"), spec, Duration.ofSeconds(3), m.url("wrong"), m.url("cut"), m.url("gone"), m.url("stall")));
            for (String s : new String[] {"matches no published checksum", "HTTP 404", "stalled"}) assertTrue(e.getMessage().contains(s), e.getMessage());
            DataImportTest.assertNoDataFiles(tmp.resolve("all/tiny"));
        }
    }

    @Test
    void noNetworkLeavesNoFolderAndSuggestsImport(@TempDir Path tmp) throws IOException {
        Catalog.Spec spec = DataFixtures.tinySpec();
        Path root = tmp.resolve("fresh-data-folder");
        String refused = "http://127.0.0.1:9/"; // the discard port: nothing listens there, the connection is refused
        DataFileException e = assertThrows(DataFileException.class, () -> fetch(root, spec, SHORT, refused));
        assertTrue(e.getMessage().contains("cannot connect") && e.getMessage().contains("saddlescope data import " + spec.name()), e.getMessage());
        assertFalse(java.nio.file.Files.exists(root), "a fetch that got nothing leaves no (empty) folder");
        // a data folder that was there stays, with what it held
        java.nio.file.Files.createDirectories(tmp.resolve("kept/other"));
        assertThrows(DataFileException.class, () -> fetch(tmp.resolve("kept"), spec, SHORT, refused));
        assertTrue(java.nio.file.Files.isDirectory(tmp.resolve("kept/other")) && !java.nio.file.Files.exists(tmp.resolve("kept/tiny")));
    }

    private static void assertFetchFails(Path root, Catalog.Spec spec, Duration timeout, String mirror, String mentions) {
        DataFileException e = assertThrows(DataFileException.class, () -> fetch(root, spec, timeout, mirror));
        String target = root.resolve("tiny/train-images-idx3-ubyte.gz").toString();
        assertTrue(e.getMessage().startsWith(target + ": no mirror gave a verified copy: " + mirror + "train-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains(mentions), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        DataImportTest.assertNoDataFiles(root.resolve("tiny"));
    }

    @Test
    void stalledResponseHeadersEndAtTheTimeoutToo(@TempDir Path tmp) throws IOException {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            // accepts (the kernel completes the handshake) and never answers
            DataFileException e = assertThrows(DataFileException.class,
                    () -> fetch(tmp, DataFixtures.tinySpec(), SHORT, "http://127.0.0.1:" + silent.getLocalPort() + "/"));
            assertTrue(e.getMessage().contains("stalled"), e.getMessage());
        }
    }

    @Test
    void aKilledRunsTempFileIsRemovedAndThePartialSetCompleted(@TempDir Path tmp) throws IOException {
        Catalog.Spec spec = DataFixtures.tinySpec();
        try (LocalMirror m = new LocalMirror()) {
            serveAll(m, "m");
            m.status("/m/t10k-labels-idx1-ubyte.gz", 503);
            assertThrows(DataFileException.class, () -> fetch(tmp, spec, PATIENT, m.url("m")));
            // the three files before it are in, verified; the failed one is not
            assertEquals(3, DataStore.byName(new DataStore(tmp).manifest(spec)).size());
            // what a kill -9 during a transfer leaves
            Files.write(tmp.resolve("tiny/.t10k-labels-idx1-ubyte.gz.part"), new byte[] {1, 2, 3});
            serveAll(m, "m");
            DataFetch.Result r = fetch(tmp, spec, PATIENT, m.url("m"));
            assertEquals(List.of("t10k-labels-idx1-ubyte.gz"), r.fetched().stream().map(DataStore.StoredFile::file).toList());
            assertEquals(3, r.kept().size());
            DataImportTest.assertLeftNoTempFiles(tmp);
            // a file changed behind our back is fetched again
            Files.write(tmp.resolve("tiny/train-labels-idx1-ubyte.gz"), new byte[] {0x1f, (byte) 0x8b});
            assertEquals(1, fetch(tmp, spec, PATIENT, m.url("m")).fetched().size());
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS) // 184 MB made, hashed, served, unpacked and read: ~10 s quiet, minutes under load
    void cifarArchiveIsFetchedCheckedAndReadInTheOfficialLayout(@TempDir Path tmp) throws IOException {
        byte[] archive = DataFixtures.cifarArchive();
        Catalog.Spec spec = DataFixtures.cifarSpec(DataFixtures.md5(archive));
        try (LocalMirror m = new LocalMirror()) {
            m.serve("/c/cifar-10-binary.tar.gz", archive);
            byte[] other = archive.clone();
            other[other.length / 3] ^= 1;
            m.serve("/x/cifar-10-binary.tar.gz", other);
            DataFileException e = assertThrows(DataFileException.class, () -> fetch(tmp.resolve("bad"), spec, PATIENT, m.url("x")));
            assertTrue(e.getMessage().contains("is not the published " + spec.archiveMd5()), e.getMessage());
            DataImportTest.assertNoDataFiles(tmp.resolve("bad/cifar10"));

            DataFetch.Result r = fetch(tmp, spec, PATIENT, m.url("x"), m.url("c"));
            assertEquals(6, r.fetched().size());
            assertTrue(r.fetched().stream().allMatch(DataStore.StoredFile::verified));
            DataImportTest.assertLeftNoTempFiles(tmp);
            assertFalse(Files.exists(tmp.resolve("cifar10/cifar-10-batches-bin/cifar-10-binary.tar.gz")), "the archive is not kept");
            assertEquals(6, fetch(tmp, spec, PATIENT, m.url("c")).kept().size());
            assertEquals(1, m.hits("/c/cifar-10-binary.tar.gz"), "the rerun downloads nothing");
        }
        // the reader on the fetched folder: test_batch is batch 5 of the generator
        DataSource.Loaded l = DataSource.load("cifar10:" + tmp.resolve("cifar10"),
                new DataSource.Options(0, 0, org.saddlescope.data.Subsets.Kind.FIRST, org.saddlescope.datasets.Standardization.parse("none"), DType.F64, 0));
        assertEquals(50000, l.train().size());
        assertEquals(10000, l.test().size());
        assertEquals(1024, l.train().inputDim());
        for (int j : new int[] {0, 1, 9999}) {
            assertEquals((j + 5) % 10, l.test().labels()[j]);
            for (int p : new int[] {0, 31, 1023}) {
                int r = (j + 3 * p + 5) & 0xff, g = (j + 3 * p + 85 + 5) & 0xff, b = (j + 3 * p + 170 + 5) & 0xff;
                assertEquals((0.299 * r + 0.587 * g + 0.114 * b) / 255.0, l.test().x().get(p, j), 1e-12, "record " + j + " pixel " + p);
            }
        }
        // training record 10000 is the first record of data_batch_2 (generator batch 1)
        assertEquals((0 + 1) % 10, l.train().labels()[10000]);
        Dataset rgb = Cifar10.loadSplit(tmp.resolve("cifar10"), false, true, DType.F64);
        assertEquals(((7 + 3 * 2 + 85 + 5) & 0xff) / 255.0, rgb.x().get(1024 + 2, 7), 0.0);
        assertArrayEquals(DataFixtures.cifarBatch(0), Files.readAllBytes(tmp.resolve("cifar10/cifar-10-batches-bin/data_batch_1.bin")));
    }
}
