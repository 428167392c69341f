package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.sweep.SlurmExecutor;
import org.saddlescope.sweep.SweepFolder;

/**
 * The slurm executor against a real one-node Slurm cluster (Debian's slurm-wlm and munge) that this test starts on
 * this machine with src/test/slurm/one-node-cluster.sh (daemons, key, state, spool and logs in a temporary folder)
 * and stops at the end. Runs when SADDLESCOPE_SLURM_TEST is set (.ci/run sets it, and installs the packages): then
 * a cluster that cannot start fails the test instead of skipping it.
 */
class SlurmClusterTest {
    static final String GATE = "SADDLESCOPE_SLURM_TEST";

    @TempDir
    static Path cluster;
    static Map<String, String> env;

    @BeforeAll
    static void startCluster() throws Exception {
        Assumptions.assumeTrue(System.getenv(GATE) != null, "set " + GATE + "=1 to run the one-node Slurm test (.ci/run does)");
        int ctld, slurmd;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            ctld = a.getLocalPort();
            slurmd = b.getLocalPort();
        }
        Process p = new ProcessBuilder(script(), "start", cluster.toString(), Integer.toString(ctld), Integer.toString(slurmd),
                Integer.toString(Runtime.getRuntime().availableProcessors())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "cluster start timed out");
        assertEquals(0, p.exitValue(), "the one-node Slurm cluster did not start:\n" + out);
        env = Map.of("SLURM_CONF", cluster.resolve("slurm.conf").toString());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (env == null) return;
        Process p = new ProcessBuilder(script(), "stop", cluster.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor(60, TimeUnit.SECONDS);
    }

    static String script() {
        return Path.of("src/test/slurm/one-node-cluster.sh").toAbsolutePath().toString();
    }

    /** Runs saddlescope in a child process with the cluster's SLURM_CONF; returns exit code and output. */
    static Map.Entry<Integer, String> saddlescope(String... args) throws Exception {
        Process p = SweepCommandTest.saddlescope(List.of(args), env).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        return Map.entry(p.exitValue(), out);
    }

    @Test
    void slurmPointsEqualLocalPointsApartFromTimings(@TempDir Path tmp) throws Exception {
        Path spec = SweepCommandTest.write(tmp, "fig2.yaml", SweepCommandTest.EXAMPLE1 + "slurm: {chunk: 2}\n");
        Path local = tmp.resolve("local"), slurm = tmp.resolve("slurm");
        assertEquals(0, Main.execute("sweep", spec.toString(), "--out", local.toString(), "--quiet"));
        var r = saddlescope("sweep", spec.toString(), "--out", slurm.toString(), "--executor", "slurm", "--wait");
        assertEquals(0, r.getKey(), r.getValue());
        assertTrue(r.getValue().contains("array 0-1, 2 point(s) per task"), r.getValue());
        SweepFolder f = SweepFolder.open(slurm);
        for (SweepFolder.Entry e : f.entries()) {
            assertEquals(SweepFolder.Status.DONE, e.status(), e.point().name());
            assertNotNull(e.state().slurmJob(), "ran under Slurm: " + e.point().name());
            assertEquals(List.of(), FolderDiff.differences(local.resolve("points").resolve(e.point().name()),
                    slurm.resolve("points").resolve(e.point().name())), e.point().name());
        }
        assertEquals(new String(FolderDiff.masked(local.resolve("results.csv"))), new String(FolderDiff.masked(slurm.resolve("results.csv"))));
        var status = saddlescope("sweep", "status", slurm.toString());
        assertEquals(0, status.getKey(), status.getValue());
        assertTrue(status.getValue().contains("4 done") && status.getValue().contains("slurm job "), status.getValue());
    }

    @Test
    void aPointCancelledBySlurmResumesFromItsCheckpoint(@TempDir Path tmp) throws Exception {
        Path spec = SweepCommandTest.write(tmp, "t.yaml", SweepCommandTest.TRAIN + "executor: slurm\n");
        Path out = tmp.resolve("t");
        var submit = saddlescope("sweep", spec.toString(), "--out", out.toString());
        assertEquals(0, submit.getKey(), submit.getValue());
        // the task is pending or running (its JVM starts, then 6000 steps): a second submission is refused meanwhile
        var twice = saddlescope("sweep", out.toString());
        assertEquals(2, twice.getKey(), "no second array while the first is queued: " + twice.getValue());
        assertTrue(twice.getValue().contains("still has Slurm tasks in the queue"), twice.getValue());
        SweepFolder f = SweepFolder.open(out);
        Path ckpt = out.resolve("points/seed=3/checkpoints/state.json");
        SweepCommandTest.waitFor(() -> Files.exists(ckpt), 180, "checkpoint under Slurm");
        List<SlurmExecutor.Job> jobs = SlurmExecutor.jobs(f);
        assertEquals(1, jobs.size());
        ProcessBuilder cancel = new ProcessBuilder("scancel", jobs.get(0).id()).redirectErrorStream(true);
        cancel.environment().putAll(env);
        assertEquals(0, cancel.start().waitFor());
        SweepCommandTest.waitFor(() -> !queued(jobs) && f.entries().get(0).status() != SweepFolder.Status.RUNNING, 120, "cancelled job to leave");
        assertEquals(SweepFolder.Status.INTERRUPTED, f.entries().get(0).status(), "scancel stopped it before the end");

        var again = saddlescope("sweep", out.toString(), "--wait");
        assertEquals(0, again.getKey(), again.getValue());
        assertEquals(2, SlurmExecutor.jobs(f).size());
        SweepCommandTest.assertResumedToTheSameBits(out, tmp.resolve("ref"));
    }

    private static boolean queued(List<SlurmExecutor.Job> jobs) {
        try {
            return SlurmExecutor.queued(jobs, env);
        } catch (IllegalStateException e) {
            throw new AssertionError(e);
        }
    }
}
