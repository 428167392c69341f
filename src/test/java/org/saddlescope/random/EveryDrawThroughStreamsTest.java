package org.saddlescope.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every random draw of the program goes through {@link RandomStreams}: no other class of src/main starts a
 * generator of its own (a second {@code new SplittableRandom(seed)} is how θ0 became a copy of the data).
 */
class EveryDrawThroughStreamsTest {
    private static final Pattern OWN_GENERATOR =
            Pattern.compile("new\\s+(java\\.util\\.)?(SplittableRandom|Random|SecureRandom)\\s*\\(|Math\\.random\\s*\\(|ThreadLocalRandom");

    @Test
    void onlyRandomStreamsStartsGenerators() throws IOException {
        Path main = Path.of("src/main/java");
        assertTrue(Files.isDirectory(main), "run from the project root (Maven's basedir)");
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                scanned++;
                if (f.endsWith(Path.of("org/saddlescope/random/RandomStreams.java"))) continue;
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (OWN_GENERATOR.matcher(lines.get(i)).find()) offenders.add(main.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).trim());
                }
            }
        }
        assertTrue(scanned > 50, "scanned only " + scanned + " files");
        assertEquals(List.of(), offenders, "generators started outside RandomStreams");
    }
}
