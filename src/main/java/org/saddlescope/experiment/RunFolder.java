package org.saddlescope.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run folder (DESIGN.md, "Run folders and formats"): config.yaml, manifest.json, metrics.csv, spectra.csv,
 * checkpoints/, weights/*.npz, figures/*.png|svg, report.html. Every file is written atomically (temp file,
 * fsync, rename), so a killed run never leaves a half-written file behind.
 */
public final class RunFolder {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).registerModule(Configs.TYPES);
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)).registerModule(Configs.TYPES);

    private final Path root;

    private RunFolder(Path root) {
        this.root = root;
    }

    /** Creates (or reuses) the folder and its standard subfolders. */
    public static RunFolder create(Path root) {
        try {
            Files.createDirectories(root);
            Files.createDirectories(root.resolve("figures"));
            Files.createDirectories(root.resolve("weights"));
            return new RunFolder(root);
        } catch (IOException e) {
            throw new BadInputException("cannot create run folder " + root + ": " + e.getMessage());
        }
    }

    /** Opens an existing run folder (for --resume and report); bad input if it is not one. */
    public static RunFolder open(Path root) {
        if (!Files.isDirectory(root)) throw new BadInputException("no run folder at " + root);
        return new RunFolder(root);
    }

    public Path root() { return root; }
    public Path path(String relative) { return root.resolve(relative); }
    public Path figures() { return root.resolve("figures"); }
    public Path weights() { return root.resolve("weights"); }

    public Path checkpoints() {
        Path p = root.resolve("checkpoints");
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public void writeYaml(String relative, Object value) {
        try {
            writeAtomically(path(relative), YAML.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeJson(String relative, Object value) {
        try {
            writeAtomically(path(relative), JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeText(String relative, String text) {
        writeAtomically(path(relative), text.getBytes(StandardCharsets.UTF_8));
    }

    /** An .npz archive of named matrices (NumPy reads it: shape (rows, cols) per array), written atomically. */
    public void writeNpz(String relative, java.util.Map<String, org.saddlescope.linalg.Matrix> arrays) {
        writeAtomically(path(relative), org.saddlescope.data.Npz.encode(arrays));
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
        writeJson("manifest.json", m);
    }

    /** temp file in the same folder, fsync, atomic rename over the target. */
    public static void writeAtomically(Path target, byte[] bytes) {
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                // createTempFile makes the file owner-only (0600); run folders are meant to be shared and read
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep its defaults
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
