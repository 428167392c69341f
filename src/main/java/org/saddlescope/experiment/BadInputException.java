package org.saddlescope.experiment;

/** Bad configuration or arguments found above the numerical core. The command line prints it and exits 2. */
public final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(org.saddlescope.data.DataFileException.oneLine(message));
    }
}
