package org.saddlescope.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.data.Catalog;

/**
 * Issue 22, item 2: the data folder has one writer at a time across processes, through the same lock as run folders
 * (io.FolderLock): while this process imports into a set's folder, a second process's import is refused with exit 2,
 * naming this process, and installs nothing.
 */
class DataStoreLockTest {
    @Test
    void aSecondProcessWritingTheDataFolderIsRefusedNamingTheHolder(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("data");
        Path source = Files.createDirectories(tmp.resolve("source"));
        DataStore store = new DataStore(root);
        try (DataStore.Lock held = store.lock(Catalog.MNIST, "data import")) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), "org.saddlescope.cli.Main", "data", "import", "mnist", source.toString(),
                    "--data-dir", root.toString(), "--quiet").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, p.waitFor(), out);
            assertTrue(out.contains("another saddlescope data command is writing here (pid " + ProcessHandle.current().pid()
                    + " (saddlescope data import"), out);
            assertEquals(1, out.strip().lines().count(), out);
        }
        try (var files = Files.list(store.folder(Catalog.MNIST))) {
            assertEquals(List.of(".lock"), files.map(f -> f.getFileName().toString()).toList(), "nothing installed");
        }
        assertFalse(Files.exists(store.folder(Catalog.MNIST).resolve("saddlescope-data.json")));
    }
}
