package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 5: a ReLU blow-up with a huge constant rate (it ended "done", exit 0, loss 1.2e111) stops with
 * exit 1, names the step, and names the last good state that is really on disk.
 */
class DivergenceCommandTest {
    static final String[] BLOW_UP = {"train", "--preset", "teacher-demo", "--lr", "1e6", "--lr-power", "0", "--steps", "3000", "--quiet"};

    @Test
    void reluBlowUpStopsNamingTheStepAndThetaZero(@TempDir Path tmp) {
        Path run = tmp.resolve("run");
        CommandLineTest.Run r = CommandLineTest.run(BadInputTest.concat(BLOW_UP, "--out", run.toString()));
        assertEquals(Main.FAILED, r.code(), r.err());
        assertTrue(r.err().contains("diverged at step") && r.err().contains("no checkpoint was written")
                && r.err().contains(run.resolve("weights/initial.npz").toString()), r.err());
        assertFalse(Files.exists(run.resolve("weights/final.npz")));
    }

    @Test
    void theNamedLastGoodCheckpointExistsAndPrecedesTheDivergence(@TempDir Path tmp) {
        Path run = tmp.resolve("run");
        // a rate that blows up after a few steps from a larger θ0, with a checkpoint every 2 steps
        CommandLineTest.Run r = CommandLineTest.run("train", "--preset", "teacher-demo", "--lr", "30", "--lr-power", "0", "--init-scale", "0.05",
                "--steps", "3000", "--checkpoint-every", "2", "--quiet", "--out", run.toString());
        assertEquals(Main.FAILED, r.code(), r.err());
        Matcher m = Pattern.compile("diverged at step (\\d+).*last good checkpoint (\\S+) \\(step (\\d+)\\)").matcher(r.err());
        assertTrue(m.find(), r.err());
        long divergedAt = Long.parseLong(m.group(1)), good = Long.parseLong(m.group(3));
        assertTrue(good < divergedAt, r.err());
        assertTrue(Files.exists(Path.of(m.group(2))), "named checkpoint is missing: " + r.err());
        assertTrue(m.group(2).endsWith(String.format("ckpt-%010d.npz", good)), r.err());
    }
}
