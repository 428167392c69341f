package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.io.Json;

/**
 * Issue 11's "kill-and-resume trials": a real train process with a checkpoint after every step (each one fsyncs its
 * arrays and state.json, so most of its life is spent writing checkpoints) is stopped at a random moment — SIGKILL in
 * three trials of four, SIGTERM in the fourth — then resumed (or, when it died before its folder existed, started
 * again on the same --out); every trial must end with the files of an uninterrupted run, byte for byte (metrics.csv
 * without time_s; manifest, report and checkpoints aside: ResumeIdentityTest.assertSameRun). Where each kill landed is
 * read from what it left: no folder, a temp file (inside a file write), checkpoint arrays newer than state.json
 * (between a checkpoint's files), or none of these. The moments are random, the verdict is not: every moment must
 * resume to the same bytes, so the test holds on a slow or fast machine alike.
 *
 * <p>{@code -Dsaddlescope.killTrials=N} runs N trials (default 5: under a minute on a busy 2-core machine);
 * {@code -Dsaddlescope.killReport=FILE} writes the tally there.
 */
class KillResumeTrialsTest {
    /** A tiny teacher run, spectra on (their tracker state and steps.bin are checkpointed too), a checkpoint every step. */
    static final String[] RUN = {"train", "--dataset", "teacher:n=64,d=8,out=2,rank=2", "--hidden", "8,8", "--init-scale", "0.02",
            "--batch", "16", "--lr", "0.05", "--lr-power", "2", "--log-every", "10", "--eval-every", "100", "--seed", "5",
            "--threads", "1", "--spectra-k", "2", "--checkpoint-every", "1", "--steps", "200", "--quiet"};

    @Test
    void killsAtRandomMomentsResumeToTheSameBytes(@TempDir Path tmp) throws Exception {
        int trials = Integer.getInteger("saddlescope.killTrials", 5);
        Random rnd = new Random(Long.getLong("saddlescope.killSeed", 20240611L));
        Path straight = tmp.resolve("straight");
        CommandLineTest.Run s = CommandLineTest.run(ProcessSafetyTest.with(RUN, "--out", straight.toString()));
        assertEquals(0, s.code(), s.err());

        Map<String, Integer> landed = new TreeMap<>();
        List<String> differ = new ArrayList<>();
        int identical = 0;
        for (int i = 0; i < trials; i++) {
            boolean term = i % 4 == 3;
            Path run = tmp.resolve("t" + i);
            Path log = tmp.resolve("t" + i + ".log");
            Process p = ProcessSafetyTest.child(log, ProcessSafetyTest.with(RUN, "--out", run.toString()));
            // a step to wait for (-1: none, a kill while the JVM starts or makes the folder), then up to 30 ms more
            long at = rnd.nextInt(8) == 0 ? -1 : rnd.nextInt(200);
            if (at < 0) p.waitFor(rnd.nextInt(2000), TimeUnit.MILLISECONDS);
            else ProcessSafetyTest.await(p, v -> ProcessSafetyTest.loggedStep(run) >= at);
            Thread.sleep(rnd.nextInt(30));
            String where;
            if (term) {
                new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                int code = p.exitValue();
                assertTrue(code == 143 || code == 0 || !Files.exists(run), "SIGTERM: exit " + code + "\n" + Files.readString(log));
                where = "SIGTERM, " + (code == 0 ? "after the run ended" : Files.exists(run) ? "checkpointed" : "before the folder existed");
            } else {
                boolean alive = p.isAlive();
                p.destroyForcibly().waitFor();
                where = "SIGKILL, " + (alive ? landing(run) : "after the run ended");
            }
            landed.merge(where, 1, Integer::sum);
            // a finished run's resume says so and changes nothing
            String[] next = Files.exists(run) ? new String[] {"train", "--resume", run.toString(), "--quiet"}
                    : ProcessSafetyTest.with(RUN, "--out", run.toString());
            CommandLineTest.Run r = CommandLineTest.run(next);
            assertEquals(0, r.code(), where + ": " + r.err());
            try {
                ProcessSafetyTest.assertSameFiles(straight, run);
                identical++;
            } catch (AssertionError e) {
                differ.add("trial " + i + " (" + where + "): " + e.getMessage());
            }
        }
        StringBuilder tally = new StringBuilder(trials + " trials, " + identical + " byte-identical to the uninterrupted run\n");
        landed.forEach((k, v) -> tally.append("  ").append(v).append(" x ").append(k).append('\n'));
        differ.forEach(d -> tally.append("  DIFFERS ").append(d).append('\n'));
        System.out.print(tally);
        String report = System.getProperty("saddlescope.killReport");
        if (report != null) Files.writeString(Path.of(report), tally);
        assertEquals(List.of(), differ);
    }

    /**
     * A signal or kill after the manifest says "finished" but while the figures are drawn (drawing fails once the JVM
     * is shutting down: found by the trials above) left a run whose resume said "already finished" and never drew
     * them: the resume of a finished run without its final report draws figures and report.html now, the same bytes.
     */
    @Test
    void aFinishedRunWithoutItsReportGetsItOnResume(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        String[] small = ProcessSafetyTest.with(java.util.Arrays.copyOf(RUN, RUN.length - 5), "--steps", "60", "--quiet", "--out", run.toString());
        assertEquals(0, CommandLineTest.run(small).code());
        Map<String, byte[]> figures = new TreeMap<>();
        try (Stream<Path> s = Files.list(run.resolve("figures"))) {
            for (Path f : s.toList()) figures.put(f.getFileName().toString(), Files.readAllBytes(f));
        }
        assertTrue(figures.size() > 5, figures.keySet().toString());
        for (String f : figures.keySet()) Files.delete(run.resolve("figures").resolve(f));
        Files.delete(run.resolve("report.html"));
        CommandLineTest.Run r = CommandLineTest.run("train", "--resume", run.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(run.resolve("report.html")));
        for (Map.Entry<String, byte[]> e : figures.entrySet()) {
            assertTrue(java.util.Arrays.equals(e.getValue(), Files.readAllBytes(run.resolve("figures").resolve(e.getKey()))), e.getKey());
        }
    }

    /** Where a SIGKILL landed, from what it left in the run folder. */
    static String landing(Path run) throws IOException {
        if (!Files.exists(run)) return "before the folder existed";
        try (Stream<Path> all = Files.walk(run)) {
            List<Path> temp = all.filter(q -> q.getFileName().toString().startsWith(".") && q.getFileName().toString().endsWith(".tmp")).toList();
            if (!temp.isEmpty()) {
                return temp.stream().anyMatch(q -> q.getParent().getFileName().toString().equals("checkpoints"))
                        ? "inside a checkpoint file write" : "inside another file write";
            }
        }
        Path state = run.resolve("checkpoints/state.json");
        long saved = Files.exists(state) ? Json.JSON.readTree(state.toFile()).path("step").asLong(-1) : -1;
        try (Stream<Path> ckpts = Files.list(run.resolve("checkpoints"))) {
            boolean newer = ckpts.map(q -> q.getFileName().toString()).filter(n -> n.matches("ckpt-\\d{10}\\.(state\\.)?npz"))
                    .anyMatch(n -> Long.parseLong(n.substring(5, 15)) > saved);
            if (newer) return "between a checkpoint's files (arrays written, state.json not yet)";
        } catch (java.nio.file.NoSuchFileException e) {
            return "before the first checkpoint";
        }
        return Files.exists(run.resolve("weights/final.npz")) ? "after the final weights" : "between checkpoint writes";
    }
}
