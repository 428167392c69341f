package org.saddlescope.data;

import java.nio.file.Path;

/** A data file that cannot be used: missing, truncated, wrong magic, sizes that disagree. Exit code 2. */
public final class DataFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataFileException(Path file, String problem) {
        super(oneLine(file + ": " + problem));
    }

    public DataFileException(String message) {
        super(oneLine(message));
    }

    /**
     * The message as one printable line: control characters (a newline inside a file's entry name or header)
     * become escapes, and quoted file contents are cut at 1000 characters.
     */
    public static String oneLine(String s) {
        if (s == null) return null;
        StringBuilder b = new StringBuilder(Math.min(s.length(), 1020));
        for (int i = 0; i < s.length() && b.length() < 1000; i++) {
            char c = s.charAt(i);
            if (c == '\n') b.append("\\n");
            else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) b.append(String.format("\\x%02x", (int) c));
            else b.append(c);
        }
        if (b.length() >= 1000) b.append("...");
        return b.toString();
    }
}
