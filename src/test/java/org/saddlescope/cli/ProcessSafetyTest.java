package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, items 1, 3 and 6 with real processes: SIGTERM and SIGINT save a checkpoint and say how to resume
 * (exit 143 and 130); SIGKILL at any moment, checkpoint writes included, resumes to the same bytes; a second
 * writer of a live run folder gets exit 2 with the holder's pid, and a crashed holder's lock is stale; a kill
 * while a run folder is being created leaves no half-made folder. Small runs: each child lives a few seconds.
 */
class ProcessSafetyTest {
    /** SGD on a small teacher, logged every 25 steps; give --steps (6000: a few seconds). */
    static final String[] RUN = {"train", "--dataset", "teacher:n=256,d=16,out=4,rank=2", "--hidden", "24,24,24", "--init-scale", "0.02",
            "--batch", "16", "--lr", "0.05", "--lr-power", "2", "--log-every", "25", "--eval-every", "500",
            "--seed", "11", "--threads", "1", "--spectra-k", "3", "--quiet"};

    static Process child(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), "org.saddlescope.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits (polling every 2 ms, at most 2 minutes) until {@code ready} holds or the child has ended. */
    static void await(Process p, Predicate<Void> ready) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline && p.isAlive() && !ready.test(null)) Thread.sleep(2);
    }

    static long loggedStep(Path run) {
        try {
            List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
            String last = lines.get(lines.size() - 1);
            return Long.parseLong(last.substring(0, last.indexOf(',')));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static String[] with(String[] base, String... more) {
        return BadInputTest.concat(base, more);
    }

    /** The straight run every trial is compared with (made once, in this process, through the command line). */
    @TempDir
    static Path shared;
    private static Path straight;

    static synchronized Path straight(Path unused) {
        if (straight == null) {
            straight = shared.resolve("straight");
            assertEquals(0, CommandLineTest.run(with(RUN, "--steps", STEPS, "--out", straight.toString())).code());
        }
        return straight;
    }

    /** Steps of every trial: a few seconds of a child's life. */
    static final String STEPS = "3000";

    @Test
    void sigtermAndSigintCheckpointAndResumeToTheSameBytes(@TempDir Path tmp) throws Exception {
        Path straight = straight(tmp);
        List<String> signals = new ArrayList<>(List.of("TERM"));
        if (!sigintIgnored()) signals.add("INT"); // a JVM started with SIGINT ignored (a background job) keeps ignoring it
        for (String sig : signals) {
            Path run = tmp.resolve("sig" + sig);
            Path log = tmp.resolve(sig + ".log");
            Process p = child(log, with(RUN, "--steps", STEPS, "--out", run.toString()));
            await(p, v -> loggedStep(run) >= 200);
            assertTrue(p.isAlive(), "the child ended before the signal:\n" + Files.readString(log));
            new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String out = Files.readString(log);
            assertEquals(sig.equals("TERM") ? 143 : 130, p.exitValue(), out);
            assertTrue(out.contains("interrupted at step") && out.contains("checkpoint") && out.contains("--resume " + run.toAbsolutePath().normalize()), out);
            assertFalse(Files.exists(run.resolve("weights/final.npz")));
            long stoppedAt = Long.parseLong(out.replaceAll("(?s).*interrupted at step (\\d+).*", "$1"));
            assertTrue(out.contains(String.format("ckpt-%010d.npz", stoppedAt)), out);
            assertEquals(0, CommandLineTest.run("train", "--resume", run.toString(), "--quiet").code());
            assertSameFiles(straight, run);
        }
    }

    @Test
    void sigkillAtAnyMomentResumesToTheSameBytes(@TempDir Path tmp) throws Exception {
        Path straight = straight(tmp);
        // a checkpoint every 50 steps (each fsyncs two files): a good share of the kills land inside a checkpoint write
        long[] killAt = {150, 2400};
        for (int i = 0; i < killAt.length; i++) {
            Path run = tmp.resolve("kill" + i);
            long at = killAt[i];
            Process p = child(tmp.resolve("kill" + i + ".log"), with(RUN, "--steps", STEPS, "--out", run.toString(), "--checkpoint-every", "50"));
            await(p, v -> loggedStep(run) >= at);
            assertTrue(p.isAlive(), "the child ended before the kill");
            p.destroyForcibly().waitFor();
            CommandLineTest.Run r = CommandLineTest.run("train", "--resume", run.toString(), "--quiet");
            assertEquals(0, r.code(), r.err());
            assertSameFiles(straight, run, "config.yaml"); // checkpoint_every differs, nothing else
        }
    }

    @Test
    void aLiveRunHasOneWriterAndACrashedOneNone(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("live");
        Process p = child(tmp.resolve("live.log"), with(RUN, "--out", run.toString(), "--steps", "3000000"));
        await(p, v -> loggedStep(run) >= 50);
        assertTrue(p.isAlive());
        String pid = "pid " + p.pid();
        CommandLineTest.assertOneLineBadInput(CommandLineTest.run("train", "--resume", run.toString()), pid);
        CommandLineTest.assertOneLineBadInput(CommandLineTest.run(with(RUN, "--steps", "10", "--out", run.toString())), "already holds a run");
        CommandLineTest.assertOneLineBadInput(CommandLineTest.run("report", run.toString()), pid);
        assertFalse(Files.exists(run.resolve("report.html")), "report wrote into a live run");
        // SIGKILL: the OS drops the lock; the lock file that stays behind is stale, and the run resumes.
        p.destroyForcibly().waitFor();
        assertTrue(Files.exists(run.resolve(".lock")));
        CommandLineTest.Run r = CommandLineTest.run("train", "--resume", run.toString(), "--steps", "400", "--quiet");
        assertEquals(0, r.code(), r.err());
        // Two new runs started at once on one --out: one runs, the other is refused with exit 2.
        Path both = tmp.resolve("both");
        Process a = child(tmp.resolve("a.log"), with(RUN, "--out", both.toString(), "--steps", "50"));
        Process b = child(tmp.resolve("b.log"), with(RUN, "--out", both.toString(), "--steps", "50"));
        int ca = a.waitFor(), cb = b.waitFor();
        assertEquals(List.of(0, 2), List.of(Math.min(ca, cb), Math.max(ca, cb)),
                Files.readString(tmp.resolve("a.log")) + Files.readString(tmp.resolve("b.log")));
    }

    /**
     * Kills at fixed delays (before, during and after the folder is made), and kills the moment a staging folder is
     * seen: each leaves a whole started run or nothing. The test must have killed at least one start inside the staging
     * window and found nothing afterwards, else it did not test what it claims (a start that wrote straight into --out
     * has no staging folder to be seen, and fails here).
     */
    @Test
    void aKillWhileTheFolderIsMadeLeavesAWholeRunOrNothing(@TempDir Path tmp) throws Exception {
        int killedWhileStaged = 0;
        for (int i = 0; i < 6 && (i < 3 || killedWhileStaged == 0); i++) {
            Path run = tmp.resolve("start" + i);
            Process p = child(tmp.resolve("start" + i + ".log"), with(RUN, "--steps", STEPS, "--out", run.toString()));
            boolean staged = false;
            if (i % 2 == 0) {
                await(p, v -> staging(tmp, run) || Files.exists(run)); // the moment the folder is being made (polled every 2 ms)
                staged = staging(tmp, run) && !Files.exists(run);
            } else {
                p.waitFor(300 + 350L * i, TimeUnit.MILLISECONDS); // JVM start, data, then the folder: before, during or after it
            }
            p.destroyForcibly().waitFor();
            if (Files.exists(run)) {
                for (String f : List.of("config.yaml", "manifest.json", "weights/initial.npz")) assertTrue(Files.exists(run.resolve(f)), run + " lacks " + f);
            } else if (staged) {
                killedWhileStaged++;
            }
            // either way the same --out can be used: resumed when it exists, started anew when it does not
            String[] next = Files.exists(run) ? new String[] {"train", "--resume", run.toString(), "--quiet"} : with(RUN, "--steps", STEPS, "--out", run.toString());
            CommandLineTest.Run r = CommandLineTest.run(next);
            assertEquals(0, r.code(), r.err());
            try (var s = Files.list(tmp)) {
                assertTrue(s.noneMatch(q -> q.getFileName().toString().contains(".staging-")), "a staging folder was left behind");
            }
        }
        assertTrue(killedWhileStaged > 0, "no start was killed inside its staging window (none seen, or each published before the kill)");
    }

    private static boolean staging(Path dir, Path run) {
        try (var s = Files.list(dir)) {
            return s.anyMatch(q -> q.getFileName().toString().startsWith("." + run.getFileName() + ".staging-"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Every file, figures included, but manifest.json, report.html, the lock and checkpoints/ (metrics.csv without time_s). */
    static void assertSameFiles(Path a, Path b, String... skip) throws Exception {
        org.saddlescope.trainrun.ResumeIdentityTest.assertSameRun(a, b, skip);
    }

    /** Whether this process ignores SIGINT (bit 1 of SigIgn in /proc/self/status); children inherit it. */
    static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) return true;
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 2L) != 0;
        }
        return true;
    }
}
