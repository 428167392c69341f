package org.saddlescope.io;

/** Bad configuration or arguments found above the numerical core. The command line prints it and exits 2. */
public final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(org.saddlescope.data.DataFileException.oneLine(message));
    }

    /** The first line of a library's message (Jackson's run over several lines, with the source quoted). */
    public static String firstLine(String s) {
        if (s == null) return "(no message)";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
