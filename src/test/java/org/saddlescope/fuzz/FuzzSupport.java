package org.saddlescope.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.saddlescope.data.DataFileException;
import org.saddlescope.io.BadInputException;

/**
 * What the fuzz tests accept from a reader given any bytes: a result, or our one-line bad-input error
 * ({@link BadInputException} or {@link DataFileException}) whose message names the file. Anything else — a
 * NullPointerException, an ArrayIndexOutOfBoundsException, an OutOfMemoryError, a message of several lines —
 * propagates or is rethrown, and fails the fuzz test. Regression inputs sit in src/test/resources/…/NAMEInputs/.
 */
final class FuzzSupport {
    private FuzzSupport() {}

    /** A scratch folder for the files the readers read (one per JVM). */
    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("saddlescope-fuzz");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(String name, byte[] bytes) {
        try {
            return Files.write(DIR.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code reader}; our bad-input errors pass when their message is one line naming {@code file}. */
    static void expectResultOrBadInput(Path file, Runnable reader) {
        try {
            reader.run();
        } catch (BadInputException | DataFileException e) {
            String m = e.getMessage();
            if (m == null || m.isBlank() || m.contains("\n")) throw new AssertionError("not a one-line message: " + m, e);
            if (!m.contains(file.getFileName().toString())) throw new AssertionError("message does not name " + file + ": " + m, e);
        }
    }
}
