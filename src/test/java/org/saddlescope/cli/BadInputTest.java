package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, items 2, 8, 9, 10 and 11: every malformed input is refused with exit 2 and a one-line message that
 * names the flag, key or file, before anything is written — no run folder, no staging folder, nothing in the
 * working folder. Each case is one line of {@link #CASES}: what the issue reported, and more of the same kind.
 */
class BadInputTest {
    /** A valid small run (flag, value pairs after "train"); each case adds flags or replaces these. */
    static final String[] T = {"train", "--dataset", "teacher:n=32,d=4,out=2", "--hidden", "8", "--steps", "5", "--quiet"};

    record Case(String mentions, String[] args) { }

    static Case c(String mentions, String... args) {
        return new Case(mentions, args);
    }

    static final List<Case> CASES = List.of(
            // item 8: values that used to be checked only after the folder existed
            c("'lr'", "--lr", "Infinity"), c("'lr_power'", "--lr-power", "NaN"), c("'checkpoint_every'", "--checkpoint-every", "-1"),
            c("'eval_every'", "--eval-every", "-1"), c("sometimes", "--spectra-every", "sometimes"),
            c("'lr'", "--lr", "-Infinity"), c("'lr'", "--lr", "0"), c("'log_every'", "--log-every", "0"),
            c("'checkpoint_minutes'", "--checkpoint-minutes", "-2"), c("'checkpoint_minutes'", "--checkpoint-minutes", "NaN"),
            c("cadence", "--spectra-every", "steps:0"), c("cadence", "--spectra-every", "log:-3"), c("cadence", "--spectra-every", "epoch:x"),
            // item 9: crashes that were bad input
            c("'init_scale'", "--init-scale", "NaN"), c("memory", "--hidden", "100000000"), c("memory", "--hidden", "40000,40000"),
            // item 10: accepted with exit 0
            c("'epochs'", "--epochs", "-1"), c("'subset'", "--subset", "-5"), c("has only 32", "--subset", "99999"),
            c("'eval_samples'", "--eval-samples", "-3"), c("'top_k'", "--spectra-k", "-2"), c("--threads", "--threads", "0"),
            c("--threads", "--threads", "-4"), c("'init_scale'", "--init-scale", "-1"), c("--init-scale", "--init-scale", "1e-400x"),
            c("'batch'", "--batch", "-1"), c("'hidden'", "--hidden", "0"), c("'small_layers'", "--small-layers", "0"),
            c("small_layers names layer 5", "--init", "he_scaled", "--small-layers", "5"), c("'test_subset'", "--test-subset", "-2"),
            c("'loss_target'", "--loss-target", "NaN"), c("'init_norm'", "--init-norm", "-1"), c("'epsilon'", "--epsilon", "0"),
            c("init_file", "--init", "npz"), c("'init' (--init): unknown init 'zeros'", "--init", "zeros"),
            c("'standardize' (--standardize): unknown standardize 'sometimes'", "--standardize", "sometimes"),
            c("'activation' (--activation): unknown activation 'cube'", "--activation", "cube"), c("unknown cost", "--cost", "hinge"),
            c("'dtype' (--dtype): unknown dtype 'float16'", "--dtype", "float16"),
            c("'optimizer' (--optimizer): unknown optimizer 'rmsprop'", "--optimizer", "rmsprop"),
            c("--lr", "--lr", "fast"), c("--steps", "--steps", "1.5"), c("--steps", "--steps", "99999999999999999999"),
            c("unknown dataset", "--dataset", "imagenet"), c("dataset", "--dataset", "teacher:n=abc"), c("dataset", "--dataset", ""),
            c("--out is empty", "--out", ""), c("unknown key", "--dataset", "teacher:colour=red"),
            c("--frobnicate", "--frobnicate"), c("init_file", "--init", "aligned", "--init-norm", "1"),
            // issue 19: a law the fast-forward cannot speed up (momentum carries memory), tolerances out of range
            c("needs optimizer sgd", "--fast-forward", "--optimizer", "momentum:mu=0.9"),
            c("'fast_forward_tolerance'", "--fast-forward", "--fast-forward-tolerance", "0.7"),
            c("'fast_forward_tolerance'", "--fast-forward", "--fast-forward-tolerance", "0"),
            c("'fast_forward_handover'", "--fast-forward", "--fast-forward-handover", "-1"),
            c("'reduction' (--reduction): unknown reduction 'max'", "--reduction", "max"));

    @Test
    void everyMalformedFlagIsExitTwoOneLineAndWritesNothing(@TempDir Path tmp) throws IOException {
        int n = 0;
        for (Case k : CASES) {
            Path cwd = Files.createDirectories(tmp.resolve("case" + n++));
            List<String> given = List.of(k.args());
            List<String> args = new ArrayList<>(List.of("train", "--quiet"));
            // the rest of a valid small run, for the flags the case does not give (a flag given twice is another error)
            for (int i = 1; i < T.length - 1; i += 2) if (!given.contains(T[i])) args.addAll(List.of(T[i], T[i + 1]));
            if (!given.contains("--out")) args.addAll(List.of("--out", cwd.resolve("run").toString()));
            args.addAll(given);
            assertRefused(cwd, args.toArray(new String[0]), k.mentions());
        }
    }

    @Test
    void malformedConfigFilesAreExitTwoNamingFileAndKey(@TempDir Path tmp) throws IOException {
        String[][] yamls = {
                {"lr: 1e999\n", "'lr'"}, {"lr: .nan\n", "'lr'"}, {"lr: -.inf\n", "'lr'"}, {"hidden: [8, null]\n", "'hidden'"},
                {"batch: 2.5\n", "'batch'"}, {"lr: 0.1\nlr: 0.2\n", "lr"}, {"steps: ten\n", "steps"}, {"hidden: [8, -1]\n", "hidden"},
                {"subset: 1e3\n", "'subset'"}, {"epochs: -1\n", "'epochs'"}, {"dataset: \"\"\n", "dataset"}, {"- 1\n- 2\n", "mapping"},
                {"lr: [1, 2]\n", "'lr'"}, {"learning_rate: 3\n", "learning_rate"}, {"spectra_every: 0\n", "cadence"},
                {"steps: 5\nhidden: {a: 1}\n", "'hidden'"}, {"{{{\n", "c.yaml"}, {"init_scale: 0\n", "'init_scale'"},
                {"hidden: [8.5]\n", "'hidden'"}, {"seed: 1.5\n", "'seed'"}, {"eval_every: -1\n", "'eval_every'"}};
        int n = 0;
        for (String[] y : yamls) {
            Path cwd = Files.createDirectories(tmp.resolve("yaml" + n++));
            Path file = cwd.resolve("c.yaml");
            // the rest of a small run, unless the case sets it (flags would override the file)
            String rest = (y[0].contains("steps") ? "" : "steps: 5\n") + (y[0].contains("hidden") ? "" : "hidden: [8]\n")
                    + (y[0].contains("dataset") ? "" : "dataset: teacher:n=32,d=4,out=2\n");
            Files.writeString(file, y[0].startsWith("-") || y[0].startsWith("{") ? y[0] : y[0] + rest);
            List<String> args = new ArrayList<>(List.of("train", "--quiet"));
            args.addAll(List.of("--config", file.toString(), "--out", cwd.resolve("run").toString()));
            assertRefused(cwd, args.toArray(new String[0]), y[1], "c.yaml");
        }
    }

    @Test
    void outMustBeEmptyOrAbsent(@TempDir Path tmp) throws IOException {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("metrics.csv"), "my own numbers\n");
        Files.createDirectories(mine.resolve("weights"));
        Files.writeString(mine.resolve("weights/final.npz"), "my weights");
        String[] args = concat(T, "--out", mine.toString());
        CommandLineTest.Run r = CommandLineTest.run(args);
        CommandLineTest.assertOneLineBadInput(r, "not empty");
        assertEquals("my own numbers\n", Files.readString(mine.resolve("metrics.csv")));
        assertEquals("my weights", Files.readString(mine.resolve("weights/final.npz")));
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        CommandLineTest.assertOneLineBadInput(CommandLineTest.run(concat(T, "--out", file.toString())), "is a file");
        // An empty folder is fine: the run fills it.
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals(0, CommandLineTest.run(concat(T, "--out", empty.toString())).code());
        assertTrue(Files.exists(empty.resolve("weights/final.npz")));
    }

    @Test
    void resumeTakesOnlyALargerBudget(@TempDir Path tmp) throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(0, CommandLineTest.run(concat(T, "--out", run.toString(), "--checkpoint-every", "2")).code());
        byte[] fin = Files.readAllBytes(run.resolve("weights/final.npz"));
        for (String[] other : new String[][] {{"--lr", "3"}, {"--hidden", "4"}, {"--seed", "2"}, {"--preset", "teacher-demo"},
                {"--out", tmp.resolve("elsewhere").toString()}, {"--checkpoint-every", "1"}}) {
            CommandLineTest.Run r = CommandLineTest.run(concat(new String[] {"train", "--resume", run.toString()}, other));
            CommandLineTest.assertOneLineBadInput(r, "takes only --steps N or --epochs N");
            assertTrue(r.err().contains(other[0]), r.err());
        }
        CommandLineTest.assertOneLineBadInput(CommandLineTest.run("train", "--resume", run.toString(), "--steps", "3"), "must be larger");
        CommandLineTest.assertOneLineBadInput(CommandLineTest.run("train", "--resume", run.toString(), "--steps", "-3"), "'steps'");
        assertTrue(java.util.Arrays.equals(fin, Files.readAllBytes(run.resolve("weights/final.npz"))));
        // a larger budget extends the run (it said "finished 5 steps" and ignored the flag before); --threads is allowed
        CommandLineTest.Run r = CommandLineTest.run("train", "--resume", run.toString(), "--steps", "9", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resumed from the checkpoint at step 4") && r.out().contains("on 2 threads where the run used 1"), r.out());
        assertTrue(Files.readString(run.resolve("config.yaml")).contains("steps: 9"));
        assertTrue(Files.readString(run.resolve("manifest.json")).contains("finished 9 steps"));
    }

    @Test
    void testImagesOfAnotherSizeNameTheFile(@TempDir Path tmp) throws IOException {
        Path data = Files.createDirectories(tmp.resolve("mnist"));
        writeIdx(data, "train", 20, 6, 6);
        writeIdx(data, "t10k", 10, 5, 5);
        Path cwd = Files.createDirectories(tmp.resolve("cwd"));
        String[] args = {"train", "--dataset", "mnist:" + data, "--hidden", "4", "--steps", "2", "--out", cwd.resolve("run").toString(), "--quiet"};
        assertRefused(cwd, args, "t10k-images-idx3-ubyte");
    }

    @Test
    void flowAndReportRefuseBadInputToo(@TempDir Path tmp) throws IOException {
        Path cwd = Files.createDirectories(tmp.resolve("flow"));
        assertRefused(cwd, new String[] {"flow", "--small-layers", "1", "--epsilon", "NaN", "--out", cwd.resolve("run").toString()}, "'epsilon'");
        assertRefused(cwd, new String[] {"flow", "--epsilon", "-1", "--out", cwd.resolve("run").toString()}, "'epsilon'");
        assertRefused(cwd, new String[] {"flow", "--rtol", "0", "--out", cwd.resolve("run").toString()}, "'rtol'");
        assertRefused(cwd, new String[] {"flow", "--max-time", "Infinity", "--out", cwd.resolve("run").toString()}, "'max_time'");
        // report on a folder that is not a run: nothing written into it
        Path notRun = Files.createDirectories(tmp.resolve("notrun"));
        Files.writeString(notRun.resolve("notes.txt"), "mine");
        assertRefused(notRun, new String[] {"report", notRun.toString()}, "not a saddlescope run folder");
    }

    /** Exit 2, the first line names each of {@code mentions}, no stack trace, and {@code cwd} holds what it held before. */
    static void assertRefused(Path cwd, String[] args, String... mentions) throws IOException {
        List<String> before = listing(cwd);
        CommandLineTest.Run r = CommandLineTest.run(args);
        String what = String.join(" ", args);
        assertEquals(Main.BAD_INPUT, r.code(), what + "\n" + r.err());
        String first = r.err().lines().findFirst().orElse("");
        for (String m : mentions) assertTrue(first.contains(m), what + ": message does not name " + m + ":\n" + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), what + ": stack trace or exception name:\n" + r.err());
        assertEquals(before, listing(cwd), what + ": wrote into " + cwd);
    }

    static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** IDX images (n × rows × cols, magic 0x803) and labels (0x801) in {@code dir} with the standard names. */
    static void writeIdx(Path dir, String prefix, int n, int rows, int cols) throws IOException {
        ByteBuffer im = ByteBuffer.allocate(16 + n * rows * cols);
        im.putInt(0x803).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < n * rows * cols; i++) im.put((byte) (i * 37));
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), im.array());
        ByteBuffer lb = ByteBuffer.allocate(8 + n);
        lb.putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) lb.put((byte) (i % 10));
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), lb.array());
    }

    @Test
    void aCostThatDoesNotFitTheTargetsIsRefused(@TempDir Path tmp) {
        // a teacher's real-valued targets under softmax cross-entropy: refused in one line, nothing written
        for (String[] cmd : new String[][] {
                {"train", "--dataset", "teacher:n=32,d=4,out=2", "--hidden", "4", "--steps", "5", "--cost", "crossentropy"},
                {"flow", "--dataset", "teacher:n=32,d=4,out=2", "--hidden", "4", "--cost", "cross_entropy", "--max-time", "10"},
                {"escape", "--dataset", "teacher:n=32,d=4,out=2", "--hidden", "4", "--cost", "cross_entropy", "--restarts", "1"}}) {
            Path out = tmp.resolve(cmd[0]);
            CommandLineTest.Run r = CommandLineTest.run(concat(cmd, "--out", out.toString(), "--quiet"));
            CommandLineTest.assertOneLineBadInput(r, "--cost cross_entropy needs class labels");
            assertTrue(r.err().contains("use --cost mse"), r.err());
            assertTrue(!Files.exists(out), cmd[0] + " wrote " + out);
        }
    }
}
