package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.experiments.EscapeSweep;
import org.saddlescope.config.SweepConfig;
import org.saddlescope.sweep.PointState;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.sweep.SweepFolder;
import org.saddlescope.progress.ProgressListener;

/** saddlescope sweep end to end with the local executor (worker processes), and what a stopped sweep does next. */
class SweepCommandTest {
    /** Example 1 with 300 PGD steps: enough to separate widths 4 and 16, a fraction of a second per point. */
    static final String EXAMPLE1 = "kind: example1\naxes: {width: [4, 16], seed: [0, 1]}\nbase: {iterations: 300}\nheap: 512m\nthreads: 1\n";

    static Path write(Path dir, String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** Runs saddlescope in this JVM, returning exit code and standard output. */
    static Map.Entry<Integer, String> execute(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(args);
            return Map.entry(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void example1SweepRunsEveryPointAsAnOrdinaryRun(@TempDir Path tmp) throws Exception {
        Path spec = write(tmp, "fig2.yaml", EXAMPLE1);
        Path out = tmp.resolve("fig2");
        assertEquals(0, Main.execute("sweep", spec.toString(), "--out", out.toString(), "--quiet"));
        List<Map<String, String>> rows = RunFiles.rows(out.resolve("results.csv"));
        assertEquals(4, rows.size());
        for (Map<String, String> r : rows) assertEquals("done", r.get("status"), r.toString());
        assertEquals("width=16_seed=1", rows.get(3).get("name"));
        assertTrue(Files.exists(out.resolve("figures/success_vs_width.png")));
        assertTrue(Files.readString(out.resolve("aggregates.csv")).contains("16,success,2,"), "success fraction over the 2 seeds of width 16");

        // a point reruns alone with the ordinary command on its own config.yaml, to the same numbers
        Path point = out.resolve("points/width=16_seed=1");
        Path again = tmp.resolve("again");
        assertEquals(0, Main.execute("escape", "--config", point.resolve("config.yaml").toString(), "--out", again.toString(), "--quiet"));
        // (this JVM's heap and processor count are not the worker's: the manifest's machine block differs)
        assertEquals(List.of(), FolderDiff.differences(point, again, java.util.regex.Pattern.compile("machine")));

        // started again, a finished sweep runs nothing: every point keeps its first attempt
        assertEquals(0, Main.execute("sweep", out.toString(), "--quiet"));
        SweepFolder f = SweepFolder.open(out);
        for (SweepFolder.Entry e : f.entries()) assertEquals(1, e.state().attempt(), e.point().name());
    }

    @Test
    void escapeTimeSweepFlagsGiveEscapeSweepsResults(@TempDir Path tmp) throws Exception {
        String data = "modes:s=2,n=16,d=4,out=2";
        SweepConfig s = new SweepConfig();
        s.dataset = data;
        s.hidden = new ArrayList<>(List.of(4, 4));
        s.bottlenecks = new ArrayList<>(List.of(2, 3));
        s.epsilons = new ArrayList<>(List.of(0.1, 0.03));
        s.seeds = 2;
        s.threads = 2;
        s.run_folders = false;
        EscapeSweep.run(s, tmp.resolve("inprocess"), ProgressListener.NONE);
        Path out = tmp.resolve("sweep");
        assertEquals(0, Main.execute("sweep", "--out", out.toString(), "--quiet", "--dataset", data, "--hidden", "4,4", "--bottlenecks", "2,3",
                "--epsilons", "0.1,0.03", "--seeds", "2", "--threads", "2"));
        // same grid, same order, the same escape times to the bit, hence the same fits
        for (String file : List.of("escape_times.csv", "fits.csv", "fits.md", "fits_output.csv")) {
            if (!Files.exists(tmp.resolve("inprocess").resolve(file))) continue;
            assertEquals(Files.readString(tmp.resolve("inprocess").resolve(file)), Files.readString(out.resolve(file)), file);
        }
        assertTrue(Files.exists(out.resolve("points/bottleneck=3_epsilon=0.03_seed=1/metrics.csv")));
    }

    @Test
    void failedPointsAreListedWithTheirErrorAndRetriedAlone(@TempDir Path tmp) throws Exception {
        Path spec = write(tmp, "s.yaml", "kind: example1\naxes: {solver: [pgd, sideways]}\nbase: {iterations: 50, width: 4}\nheap: 512m\n");
        Path out = tmp.resolve("s");
        assertEquals(1, Main.execute("sweep", spec.toString(), "--out", out.toString(), "--quiet"));
        Map.Entry<Integer, String> status = execute("sweep", "status", out.toString());
        assertEquals(0, status.getKey());
        assertTrue(status.getValue().contains("1 done, 0 running, 0 interrupted, 1 failed, 0 pending"), status.getValue());
        assertTrue(status.getValue().contains("solver=sideways  exit 2: saddlescope: solver must be pgd, rgd or power"), status.getValue());
        assertEquals(1, Main.execute("sweep", "retry", out.toString(), "solver=sideways", "--quiet"));
        SweepFolder f = SweepFolder.open(out);
        assertEquals(2, f.state("solver=sideways").attempt());
        assertEquals(1, f.state("solver=pgd").attempt(), "retry runs only the point it names");
    }

    @Test
    void badSpecsWriteNothing(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("never");
        assertEquals(2, Main.execute("sweep", write(tmp, "a.yaml", "kind: example1\naxes: {widht: [4]}\n").toString(), "--out", out.toString()));
        assertEquals(2, Main.execute("sweep", write(tmp, "b.yaml", "kind: train\naxes: {lr: [fast]}\nbase: {steps: 10}\n").toString(),
                "--out", out.toString()));
        assertEquals(2, Main.execute("sweep", write(tmp, "c.yaml", "kind: flow\naxes: {epsilon: [0.1]}\nexecutor: moon\n").toString(),
                "--out", out.toString()));
        assertEquals(2, Main.execute("sweep", "--kind", "example1", "--axis", "width", "--out", out.toString()));
        assertEquals(2, Main.execute("sweep", "--kind", "example1", "--epsilons", "0.1", "--out", out.toString()));
        assertFalse(Files.exists(out));
        // a folder that holds the same point with another config is not silently changed
        Path spec = write(tmp, "d.yaml", "kind: example1\naxes: {width: [4]}\nbase: {iterations: 10}\n");
        Path sweep = tmp.resolve("d");
        assertEquals(0, Main.execute("sweep", spec.toString(), "--out", sweep.toString(), "--dry-run"));
        assertFalse(Files.exists(sweep), "a dry run writes nothing");
        assertEquals(0, Main.execute("sweep", spec.toString(), "--out", sweep.toString(), "--quiet"));
        write(tmp, "d.yaml", "kind: example1\naxes: {width: [4]}\nbase: {iterations: 20}\n");
        assertEquals(2, Main.execute("sweep", spec.toString(), "--out", sweep.toString(), "--quiet"));
    }

    @Test
    void dryRunShowsThePlanAndTheBatchScript(@TempDir Path tmp) throws Exception {
        Path spec = write(tmp, "s.yaml", "kind: example1\naxes: {width: [4]}\nseeds: 2\nslurm: {partition: short, chunk: 2}\n");
        var plan = execute("sweep", spec.toString(), "--seed", "10", "--dry-run", "--out", tmp.resolve("x").toString());
        assertEquals(0, plan.getKey());
        assertTrue(plan.getValue().contains("width=4_seed=11: {dataset=example1, depth=3, width=4, solver=pgd"), plan.getValue());
        var script = execute("sweep", spec.toString(), "--executor", "slurm", "--dry-run", "--out", tmp.resolve("x").toString());
        assertTrue(script.getValue().contains("#SBATCH --partition=short\n") && script.getValue().contains("--chunk-size 2 --chunk \"$SLURM_ARRAY_TASK_ID\""),
                script.getValue());
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    /** A train point killed mid-run (SIGKILL, no chance to save) resumes from its last checkpoint to the same bits. */
    @Test
    void aKilledSweepResumesFromTheCheckpoint(@TempDir Path tmp) throws Exception {
        Path spec = write(tmp, "t.yaml", TRAIN);
        Path out = tmp.resolve("t");
        Process p = cli(List.of("sweep", spec.toString(), "--out", out.toString(), "--quiet"), Map.of());
        Path ckpt = out.resolve("points/seed=3/checkpoints/state.json");
        waitFor(() -> Files.exists(ckpt), 120, "a checkpoint");
        killTree(p);
        SweepFolder f = SweepFolder.open(out);
        assertEquals(SweepFolder.Status.INTERRUPTED, f.entries().get(0).status());
        assertEquals(0, Main.execute("sweep", out.toString(), "--quiet"));
        assertResumedToTheSameBits(out, tmp.resolve("ref"));
    }

    /**
     * The point seed=3 of a TRAIN sweep ran twice, the second time resumed from a checkpoint, and ended with the bits of
     * the same run without a stop (the ordinary command on the point's config, into {@code ref}).
     */
    static void assertResumedToTheSameBits(Path out, Path ref) throws Exception {
        PointState st = SweepFolder.open(out).state("seed=3");
        assertEquals(PointState.DONE, st.status());
        assertEquals(2, st.attempt());
        assertNotNull(st.resumedFromStep());
        assertTrue(st.resumedFromStep() > 0, "resumed from step " + st.resumedFromStep());
        assertTrue(Files.readString(out.resolve("logs/seed=3.log")).contains("saddlescope train --resume"));
        assertEquals(0, Main.execute("train", "--config", out.resolve("configs/seed=3.yaml").toString(), "--out", ref.toString(), "--threads", "1",
                "--quiet"));
        Path point = out.resolve("points/seed=3");
        assertEquals(-1, Files.mismatch(ref.resolve("weights/final.npz"), point.resolve("weights/final.npz")), "final weights, bit for bit");
        assertEquals(new String(FolderDiff.masked(ref.resolve("metrics.csv"))), new String(FolderDiff.masked(point.resolve("metrics.csv"))));
    }

    /** Depth-2 ReLU net on a small teacher: thousands of steps per second, checkpoints every 100. */
    static final String TRAIN = "kind: train\naxes: {seed: [3]}\nthreads: 1\nheap: 512m\n"
            + "base: {dataset: 'teacher:n=64,d=8,out=2,rank=1', hidden: [16], steps: 6000, lr: 0.05, checkpoint_every: 100, spectra_k: 2}\n";

    /** saddlescope ARGS in a child JVM (this JVM's java and classpath) with {@code env} added, output to a pipe. */
    static ProcessBuilder saddlescope(List<String> args, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx512m",
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb;
    }

    static Process cli(List<String> args, Map<String, String> env) throws Exception {
        return saddlescope(args, env).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    static void killTree(Process p) throws Exception {
        List<ProcessHandle> children = p.descendants().toList();
        for (ProcessHandle h : children) h.destroyForcibly();
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle h : children) h.onExit().get(30, TimeUnit.SECONDS);
    }

    static void waitFor(java.util.function.BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("no " + what + " after " + seconds + " s");
            Thread.sleep(50);
        }
    }
}
