package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --dry-run on the command line: prints the config, memory and measured time; writes nothing; bad input exits 2. */
class DryRunCommandTest {

    @Test
    void printsAndWritesNothing(@TempDir Path tmp) throws Exception {
        DataCommandTest.Out r = DataCommandTest.run("train", "--dataset", "teacher:n=32,d=4,out=2", "--hidden", "8,8", "--steps", "40",
                "--dry-run", "--out", tmp.resolve("x").toString(), "--threads", "1");
        assertEquals(Main.OK, r.code(), r.err());
        for (String s : new String[] {"Resolved config", "hidden:", "step workspace", "weights", "training step", "estimated total", "MEASURED NOW"}) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(0, s.count());
        }
        CommandLineTest.assertOneLineBadInput(CommandLineTest.run("train", "--dry-run", "--resume", tmp.toString()), "--dry-run");
        CommandLineTest.assertOneLineBadInput(CommandLineTest.run("train", "--dry-run", "--steps", "0", "--out", tmp.resolve("y").toString()), "budget");
    }
}
