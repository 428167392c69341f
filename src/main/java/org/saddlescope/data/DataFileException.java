package org.saddlescope.data;

import java.nio.file.Path;

/** A data file that cannot be used: missing, truncated, wrong magic, sizes that disagree. Exit code 2. */
public final class DataFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataFileException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public DataFileException(String message) {
        super(message);
    }
}
