package org.saddlescope.trainrun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.train.Trainer;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.io.BadInputException;
import org.saddlescope.runs.Checkpoints;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.io.FolderLock;
import org.saddlescope.io.Json;

/**
 * Issue 11, items 4, 6 and 7: a run stopped (as by SIGTERM/SIGINT) and resumed, once or several times, or
 * extended with a larger budget, writes the same bytes as one that never stopped — metrics (but for time_s),
 * spectra, plateaus, escapes, saddles.json, low_rank_by_depth — whatever the wall-time checkpoints did.
 */
public class ResumeIdentityTest {
    static final List<RunAddon> ADDONS = List.of(new SpectraAddon());


    /**
     * SGD (batch 16) on a three-mode ReLU teacher, widths 48 so that the spectral tracker sketches W2 and W3
     * (warm-started subspace iteration: its state must survive the resume), spectra dense early and every 100
     * steps later.
     */
    static TrainConfig sgd(long steps) {
        TrainConfig c = ResumeTest.config(steps);
        c.dataset = "relu-modes:s=4/2/1,d=10,n=64,out=5";
        c.hidden = new ArrayList<>(List.of(48, 48, 48));
        c.init_scale = 0.01;
        c.lr = 0.1;
        c.log_every = 10;
        c.eval_every = 200;
        c.checkpoint_every = 0;
        c.top_k = 3;
        c.spectra_every = org.saddlescope.config.CadenceSpec.parse("log+steps:100");
        c.checkpoint_minutes = 0;
        c.seed = 5;
        return c;
    }

    /** Stops after {@code steps} steps (the trainer polls once before its first step, then after every step). */
    static BooleanSupplier stopAfter(long steps) {
        return new BooleanSupplier() {
            long polls;
            @Override public boolean getAsBoolean() { return polls++ >= steps; }
        };
    }

    static TrainRun.Hooks hooks(BooleanSupplier stop) {
        return new TrainRun.Hooks(stop, o -> { });
    }

    @Test
    void stoppedAndResumedRunsWriteTheSameAnalysis(@TempDir Path tmp) throws Exception {
        long steps = 1500;
        Path straight = tmp.resolve("straight");
        TrainRun.start(sgd(steps), straight, 1, ProgressListener.NONE, ADDONS);

        // Stopped three times at steps that fall between logs, spectra and epochs; the last segment finishes.
        Path stopped = tmp.resolve("stopped");
        TrainRun.Outcome o = TrainRun.start(sgd(steps), stopped, 1, ProgressListener.NONE, hooks(stopAfter(37)), ADDONS);
        assertEquals(Trainer.Stop.INTERRUPTED, o.stop());
        assertEquals(37, o.state().step());
        assertTrue(o.message().contains("ckpt-0000000037.npz") && o.message().contains("--resume " + stopped), o.message());
        o = TrainRun.resume(stopped, null, null, null, ProgressListener.NONE, hooks(stopAfter(456)), ADDONS);
        assertEquals(37 + 456, o.state().step());
        o = TrainRun.resume(stopped, null, null, null, ProgressListener.NONE, hooks(stopAfter(3)), ADDONS);
        assertEquals(37 + 456 + 3, o.state().step());
        o = TrainRun.resume(stopped, null, null, null, ProgressListener.NONE, TrainRun.Hooks.NONE, ADDONS);
        assertEquals(steps, o.state().step());
        assertSameRun(straight, stopped);
    }

    /**
     * Issue 19: a fast-forwarded run stopped inside the fast-forward and again after its hand-over, and resumed each
     * time, writes the same bytes as one that never stopped (the controller's state, q and the nominal step are in
     * the checkpoint; steps.bin replays the fast-forward's spans).
     */
    @Test
    void aFastForwardedRunResumesBitForBit(@TempDir Path tmp) throws Exception {
        long steps = 3000;
        TrainConfig c = sgd(steps);
        c.lr = 0.01;
        c.fast_forward = true;
        c.fast_forward_tolerance = 0.1;
        Path straight = tmp.resolve("straight");
        TrainRun.start(c, straight, 1, ProgressListener.NONE, ADDONS);
        com.fasterxml.jackson.databind.JsonNode ff = Json.JSON.readTree(straight.resolve("manifest.json").toFile()).get("fast_forward");
        long ffSteps = ff.get("steps").asLong();
        assertTrue(ffSteps >= 4 && ff.get("handover_nominal_step").asLong() < steps, ff.toString());

        Path stopped = tmp.resolve("stopped");
        TrainRun.Outcome o = TrainRun.start(c, stopped, 1, ProgressListener.NONE, hooks(stopAfter(2)), ADDONS);
        assertEquals(Trainer.Stop.INTERRUPTED, o.stop());
        assertTrue(o.state().fastForward().active() && o.state().nominalStep() > 2, "stopped inside the fast-forward");
        o = TrainRun.resume(stopped, null, null, null, ProgressListener.NONE, hooks(stopAfter(ffSteps + 50)), ADDONS);
        assertTrue(!o.state().fastForward().active(), "stopped after the hand-over");
        o = TrainRun.resume(stopped, null, null, null, ProgressListener.NONE, TrainRun.Hooks.NONE, ADDONS);
        assertEquals(steps, o.state().nominalStep());
        assertSameRun(straight, stopped);
    }

    @Test
    void wallTimeCheckpointsDoNotChangeTheBits(@TempDir Path tmp) throws Exception {
        TrainConfig often = sgd(300);
        often.checkpoint_minutes = 1e-6; // a checkpoint after every step
        TrainRun.start(sgd(300), tmp.resolve("never"), 1, ProgressListener.NONE, ADDONS);
        TrainRun.start(often, tmp.resolve("often"), 1, ProgressListener.NONE, ADDONS);
        Checkpoints.Saved last = Checkpoints.latest(RunFolder.open(tmp.resolve("often")));
        assertEquals(299, last.state().step(), "a checkpoint after every step but the last");
        assertSameRun(tmp.resolve("never"), tmp.resolve("often"), "config.yaml");
        // checkpoints are on by default, every few minutes of wall time
        assertTrue(new TrainConfig().checkpoint_minutes > 0 && new TrainConfig().checkpoint_minutes <= 10);
    }

    @Test
    void extendingAFinishedRunEqualsRunningTheLargerBudget(@TempDir Path tmp) throws Exception {
        // no checkpoint cadence at all, and a budget off the log and eval cadences (10, 200): the finished run's last
        // row logs and evaluates only because it was the last, the longer run's row at that step does not exist
        TrainConfig c = sgd(905);
        TrainRun.start(c, tmp.resolve("short"), 1, ProgressListener.NONE, ADDONS);
        assertEquals(904, Checkpoints.latest(RunFolder.open(tmp.resolve("short"))).state().step(), "a checkpoint one step before the end");
        TrainRun.start(sgd(1300), tmp.resolve("long"), 1, ProgressListener.NONE, ADDONS);
        TrainRun.Outcome o = TrainRun.resume(tmp.resolve("short"), 1300L, null, null, ProgressListener.NONE, TrainRun.Hooks.NONE, ADDONS);
        assertEquals(1300, o.state().step());
        assertTrue(o.message().contains("resumed from the checkpoint at step 904"), o.message());
        assertSameRun(tmp.resolve("long"), tmp.resolve("short"));
        // a finished run resumed without a larger budget: nothing to do, nothing written
        byte[] fin = Files.readAllBytes(tmp.resolve("short/weights/final.npz"));
        o = TrainRun.resume(tmp.resolve("short"), null, null, null, ProgressListener.NONE, TrainRun.Hooks.NONE, ADDONS);
        assertTrue(o.message().contains("already finished 1300 steps"), o.message());
        assertArrayEquals(fin, Files.readAllBytes(tmp.resolve("short/weights/final.npz")));
    }

    @Test
    void aFailedResumeLeavesTheFolderByteIdentical(@TempDir Path tmp) throws Exception {
        TrainConfig c = sgd(300);
        c.checkpoint_every = 100;
        Path run = tmp.resolve("run");
        TrainRun.start(c, run, 1, ProgressListener.NONE, ADDONS);
        Checkpoints.Saved last = Checkpoints.latest(RunFolder.open(run));
        // a corrupt checkpoint (its weights cut short), then a step log shorter than the checkpoint says
        byte[] weights = Files.readAllBytes(last.weights());
        Files.write(last.weights(), java.util.Arrays.copyOf(weights, weights.length / 2));
        Map<String, byte[]> before = contents(run);
        RuntimeException bad = assertThrows(RuntimeException.class,
                () -> TrainRun.resume(run, 600L, null, null, ProgressListener.NONE, TrainRun.Hooks.NONE, ADDONS));
        assertTrue(bad instanceof org.saddlescope.data.DataFileException && bad.getMessage().contains("ckpt-0000000299.npz"), bad.toString());
        assertContentsEqual(before, contents(run));
        Files.write(last.weights(), weights);
        Path log = run.resolve(SpectraAddon.STEP_LOG);
        byte[] steps = Files.readAllBytes(log);
        Files.write(log, java.util.Arrays.copyOf(steps, steps.length / 2));
        before = contents(run);
        BadInputException e = assertThrows(BadInputException.class,
                () -> TrainRun.resume(run, 600L, null, 2, ProgressListener.NONE, TrainRun.Hooks.NONE, ADDONS));
        assertTrue(e.getMessage().contains("steps.bin"), e.getMessage());
        assertContentsEqual(before, contents(run));
        // mended, the same resume goes through
        Files.write(log, steps);
        assertEquals(600, TrainRun.resume(run, 600L, null, null, ProgressListener.NONE, TrainRun.Hooks.NONE, ADDONS).state().step());
    }

    @Test
    void stateJsonPastTheBudgetIsRefusedAsDamaged(@TempDir Path tmp) throws Exception {
        TrainConfig c = sgd(300);
        c.checkpoint_every = 100;
        c.top_k = 0;
        Path run = tmp.resolve("run");
        TrainRun.start(c, run, 1, ProgressListener.NONE, ADDONS);
        Path state = run.resolve(Checkpoints.STATE);
        Files.writeString(state, Files.readString(state).replace("\"step\" : 299", "\"step\" : 400")
                .replace("\"nominal_step\" : 299", "\"nominal_step\" : 400"));
        // finished, extended or not, and not recorded as finished (killed before its manifest was written)
        Map<String, byte[]> before = contents(run);
        for (Long steps : new Long[] {null, 1000L}) {
            BadInputException e = assertThrows(BadInputException.class,
                    () -> TrainRun.resume(run, steps, null, null, ProgressListener.NONE, TrainRun.Hooks.NONE, ADDONS));
            assertTrue(e.getMessage().contains("step 400") && e.getMessage().contains("budget of 300") && e.getMessage().contains("damaged"),
                    e.getMessage());
            assertContentsEqual(before, contents(run));
        }
        Path manifest = run.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"stop\" : \"budget\"", "\"stop\" : null"));
        before = contents(run);
        BadInputException e = assertThrows(BadInputException.class,
                () -> TrainRun.resume(run, null, null, null, ProgressListener.NONE, TrainRun.Hooks.NONE, ADDONS));
        assertTrue(e.getMessage().contains("step 400") && e.getMessage().contains("budget of 300"), e.getMessage());
        assertContentsEqual(before, contents(run));
    }

    /** Every file of a folder but its lock file, by relative path. */
    static Map<String, byte[]> contents(Path root) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        for (Map.Entry<String, Path> e : files(root).entrySet()) {
            if (!e.getKey().equals(FolderLock.FILE)) m.put(e.getKey(), Files.readAllBytes(e.getValue()));
        }
        return m;
    }

    static void assertContentsEqual(Map<String, byte[]> a, Map<String, byte[]> b) {
        assertEquals(a.keySet(), b.keySet(), "the same files");
        for (String k : a.keySet()) assertArrayEquals(a.get(k), b.get(k), k + " changed");
    }

    /** Every file of two runs byte for byte, but for time_s in metrics.csv and files that record times. */
    public static void assertSameRun(Path a, Path b, String... alsoSkip) throws Exception {
        Map<String, Path> fa = files(a), fb = files(b);
        List<String> skip = new ArrayList<>(List.of("manifest.json", FolderLock.FILE, "report.html"));
        skip.addAll(List.of(alsoSkip));
        fa.keySet().removeIf(k -> skip.contains(k) || k.startsWith("checkpoints/"));
        fb.keySet().removeIf(k -> skip.contains(k) || k.startsWith("checkpoints/"));
        assertEquals(fa.keySet(), fb.keySet(), "the two runs wrote different files");
        assertTrue(fa.keySet().containsAll(List.of("metrics.csv", "spectra.csv", "plateaus.csv", "escapes.csv", "saddles.json",
                "low_rank_by_depth.csv", "low_rank_by_depth.md", "loss_smoothed.csv", "plateau_layers.csv", "weights/final.npz")), fa.keySet().toString());
        for (String k : fa.keySet()) {
            if (k.equals("metrics.csv")) {
                assertEquals(ResumeTest.withoutTime(fa.get(k)), ResumeTest.withoutTime(fb.get(k)), k);
            } else if (k.equals("saddles.json")) {
                assertEquals(withoutTimings(fa.get(k)), withoutTimings(fb.get(k)), k); // its spectra/train seconds are times
            } else {
                assertArrayEquals(Files.readAllBytes(fa.get(k)), Files.readAllBytes(fb.get(k)), k + " differs");
            }
        }
    }

    /** A JSON file without its *_seconds and *_fraction_of_training keys (wall-clock times, like time_s). */
    static String withoutTimings(Path json) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode) Json.JSON.readTree(json.toFile());
        n.remove(List.of("spectra_seconds", "train_seconds", "spectra_fraction_of_training"));
        return n.toString();
    }

    static Map<String, Path> files(Path root) throws IOException {
        Map<String, Path> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).forEach(p -> m.put(root.relativize(p).toString(), p));
        }
        assertFalse(m.isEmpty());
        return m;
    }
}
