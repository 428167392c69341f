package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and one-line errors (docs/design.md): 0 success, 1 failure while running, 2 bad input. */
class CommandLineTest {

    record Run(int code, String err, String out) { }

    static Run run(String... args) {
        PrintStream oldErr = System.err, oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream(), out = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            picocli.CommandLine cl = Main.commandLine();
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int code = cl.execute(args);
            return new Run(code, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }

    static void assertOneLineBadInput(Run r, String mentions) {
        assertEquals(Main.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().contains(mentions), r.err());
        assertFalse(r.err().contains("\tat "), "stack trace printed:\n" + r.err());
    }

    @Test
    void badArgumentsExitTwo(@TempDir Path tmp) {
        assertOneLineBadInput(run("train", "--lr", "abc", "--out", tmp.resolve("x").toString()), "--lr");
        assertOneLineBadInput(run("train", "--preset", "nope", "--out", tmp.resolve("x").toString()), "unknown preset 'nope'");
        assertOneLineBadInput(run("train", "--activation", "cube", "--steps", "1", "--out", tmp.resolve("x").toString()), "unknown activation 'cube'");
        assertOneLineBadInput(run("train", "--steps", "0", "--out", tmp.resolve("x").toString()), "budget");
        assertOneLineBadInput(run("train", "--dataset", "mnist:" + tmp.resolve("nothing"), "--steps", "1", "--out", tmp.resolve("x").toString()), "nothing");
        assertOneLineBadInput(run("train", "--frobnicate"), "frobnicate");
    }

    @Test
    void badConfigFileExitsTwoAndNamesTheField(@TempDir Path tmp) throws Exception {
        Path yaml = tmp.resolve("c.yaml");
        Files.writeString(yaml, "steps: 10\nlearning_rate: 3\n");
        assertOneLineBadInput(run("train", "--config", yaml.toString(), "--out", tmp.resolve("x").toString()), "learning_rate");
        Files.writeString(yaml, "steps: ten\n");
        assertOneLineBadInput(run("train", "--config", yaml.toString(), "--out", tmp.resolve("x").toString()), "steps");
        assertOneLineBadInput(run("train", "--config", tmp.resolve("missing.yaml").toString()), "missing.yaml");
    }

    @Test
    void existingRunIsNotOverwritten(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        assertEquals(0, run("train", "--dataset", "teacher:n=32,d=4,out=2", "--hidden", "4", "--steps", "5", "--out", out.toString(), "--quiet").code());
        byte[] before = Files.readAllBytes(out.resolve("weights/final.npz"));
        assertOneLineBadInput(run("train", "--dataset", "teacher:n=32,d=4,out=2", "--hidden", "4", "--steps", "9", "--out", out.toString()), "already holds a run");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(out.resolve("weights/final.npz"))));
    }

    @Test
    void exitCodesArePicocliExitCodesByExceptionMapper() {
        // 0/1/2 are picocli's OK/SOFTWARE/USAGE; the mapper sends bad input (ours, data files, argument checks, YAML)
        // to USAGE and everything else to SOFTWARE.
        assertEquals(picocli.CommandLine.ExitCode.OK, Main.OK);
        assertEquals(picocli.CommandLine.ExitCode.SOFTWARE, Main.FAILED);
        assertEquals(picocli.CommandLine.ExitCode.USAGE, Main.BAD_INPUT);
        picocli.CommandLine.IExitCodeExceptionMapper m = Main.commandLine().getExitCodeExceptionMapper();
        assertEquals(Main.BAD_INPUT, m.getExitCode(new org.saddlescope.io.BadInputException("x")));
        assertEquals(Main.BAD_INPUT, m.getExitCode(new org.saddlescope.data.DataFileException("x")));
        assertEquals(Main.BAD_INPUT, m.getExitCode(new IllegalArgumentException("x")));
        assertEquals(Main.FAILED, m.getExitCode(new ArithmeticException("x")));
        assertEquals(Main.FAILED, m.getExitCode(new IllegalStateException("x")));
    }

    @Test
    void divergenceExitsOneAndNamesTheStep(@TempDir Path tmp) {
        Run r = run("train", "--dataset", "teacher:n=32,d=4,out=2", "--hidden", "8,8", "--activation", "identity", "--init", "he",
                "--lr", "50", "--steps", "200", "--out", tmp.resolve("d").toString(), "--quiet");
        assertEquals(Main.FAILED, r.code(), r.err());
    }
}
