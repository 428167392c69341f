package org.saddlescope.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Request paths turned into files under the served folder, refusing everything that would leave it: {@code ..}
 * segments (decoded once, so {@code %2e%2e} is {@code ..}; a double-encoded {@code %252e} stays a literal name),
 * absolute paths, backslashes and control characters, hidden entries ({@code .lock}, staging folders), and symbolic
 * links whose target lies outside (the real path must stay under the real root).
 */
final class SafePaths {
    private final Path root;
    private final Path realRoot;

    SafePaths(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.realRoot = this.root.toRealPath();
    }

    Path root() { return root; }

    /** What a request path names: a file or folder under the root, a refused name, or nothing. */
    record Found(Path path, boolean refused) {
        static final Found REFUSED = new Found(null, true);
        static final Found MISSING = new Found(null, false);

        boolean ok() { return path != null; }
    }

    /**
     * The file or folder named by {@code relative} (already percent-decoded, '/'-separated, may be empty for the
     * root). Never a path outside the root.
     */
    Found resolve(String relative) {
        if (relative == null || relative.startsWith("/")) return Found.REFUSED;
        for (int i = 0; i < relative.length(); i++) {
            char c = relative.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') return Found.REFUSED;
        }
        Path p = root;
        for (String seg : relative.split("/", -1)) {
            if (seg.isEmpty()) continue; // "a//b" and a trailing slash
            if (seg.startsWith(".")) return Found.REFUSED; // "..", ".", hidden files
            p = p.resolve(seg);
        }
        p = p.normalize();
        if (!p.startsWith(root)) return Found.REFUSED;
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return Found.MISSING;
        try {
            Path real = p.toRealPath();
            return real.startsWith(realRoot) ? new Found(p, false) : Found.REFUSED;
        } catch (IOException e) {
            return Found.MISSING; // a dangling link
        }
    }

    /** The '/'-separated name of {@code file} relative to the root (a run's id in the API). */
    String name(Path file) {
        Path rel = root.relativize(file.toAbsolutePath().normalize());
        return rel.toString().replace(java.io.File.separatorChar, '/');
    }
}
