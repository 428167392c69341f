package org.saddlescope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's bookkeeping with a stand-in for the commands: what it runs, skips, resumes and records. */
class WorkerTest {
    /** "Resumable" when the folder holds a file named ckpt (its content: the step). */
    static final Kind RESUMING = new Kind() {
        @Override public String name() { return "r"; }

        @Override public void validate(Map<String, Object> config, String where) { }

        @Override
        public List<String> arguments(Path config, Path folder, int threads, boolean resume) {
            return resume ? List.of("resume", folder.toString()) : List.of("run", config.toString(), folder.toString(), "t" + threads);
        }

        @Override public boolean resumable(Path folder) { return Files.exists(folder.resolve("ckpt")); }

        @Override
        public long resumeStep(Path folder) {
            try {
                return Long.parseLong(Files.readString(folder.resolve("ckpt")).strip());
            } catch (java.io.IOException e) {
                return -1;
            }
        }

        @Override public Map<String, Object> results(Path folder) { return Map.of(); }
    };

    static final Worker.Identity ME = new Worker.Identity("local", "host", 1, null);

    @Test
    void runsWhatIsLeftAndRecordsIt(@TempDir Path tmp) throws Exception {
        SweepFolder f = CollectTest.sweep(tmp.resolve("s"), "{kind: fake, axes: {x: [1, 2, 3, 4]}}");
        List<Point> points = f.points();
        // x=1 done, x=2 failed, x=3 interrupted with a checkpoint at step 40 and a stray file, x=4 never started
        f.writeState("x=1", new PointState(PointState.DONE, 1, 0, null, null, 1, "h", 1, "local", null, "a", "b", 1.0));
        f.writeState("x=2", new PointState(PointState.FAILED, 1, 2, "saddlescope: bad", null, 1, "h", 1, "local", null, "a", "b", 1.0));
        f.writeState("x=3", new PointState(PointState.RUNNING, 1, null, null, null, 1, "h", 1, "local", null, "a", null, null));
        Files.createDirectories(f.pointFolder("x=3"));
        Files.writeString(f.pointFolder("x=3").resolve("ckpt"), "40");
        Files.createDirectories(f.pointFolder("x=4"));
        Files.writeString(f.pointFolder("x=4").resolve("stale"), "half-written by a killed attempt");

        List<List<String>> calls = new ArrayList<>();
        Worker.Outcome o = Worker.run(f, RESUMING, points, 3, ME, (args, log) -> {
            calls.add(args);
            if (args.get(0).equals("run")) {
                log.println("saddlescope: failed: IllegalStateException: boom");
                return 1;
            }
            return 0;
        });
        assertEquals(new Worker.Outcome(2, 1, 2), o);
        assertEquals(List.of("resume", f.pointFolder("x=3").toString()), calls.get(0));
        assertEquals(List.of("run", f.configFile("x=4").toString(), f.pointFolder("x=4").toString(), "t3"), calls.get(1));
        assertFalse(Files.exists(f.pointFolder("x=4").resolve("stale")), "a folder that cannot be resumed starts over empty");

        PointState resumed = f.state("x=3");
        assertEquals(PointState.DONE, resumed.status());
        assertEquals(2, resumed.attempt());
        assertEquals(40L, resumed.resumedFromStep());
        PointState failed = f.state("x=4");
        assertEquals(PointState.FAILED, failed.status());
        assertEquals(1, failed.exitCode());
        assertEquals("saddlescope: failed: IllegalStateException: boom", failed.error());
        assertTrue(Files.readString(f.logFile("x=4")).startsWith("=== attempt 1 on host"));

        // retry: runs again as attempt 2; an Error escaping the command is a failure, not the worker's end
        f.retry("x=4");
        assertEquals(SweepFolder.Status.PENDING, f.entries().get(3).status());
        Worker.run(f, RESUMING, points, 1, ME, (args, log) -> { throw new OutOfMemoryError("Java heap space"); });
        assertEquals(2, f.state("x=4").attempt());
        assertEquals("saddlescope: failed: java.lang.OutOfMemoryError: Java heap space", f.state("x=4").error());
    }

    @Test
    void aLockedPointIsLeftToItsWorker(@TempDir Path tmp) throws Exception {
        SweepFolder f = CollectTest.sweep(tmp.resolve("s"), "{kind: fake, axes: {x: [1, 2]}}");
        try (org.saddlescope.io.FolderLock held = f.tryLock("x=1")) {
            assertTrue(held != null);
            assertTrue(f.locked("x=1"));
            assertNull(f.tryLock("x=1"));
            f.writeState("x=1", new PointState(PointState.RUNNING, 1, null, null, null, 1, "h", 1, "local", null, "a", null, null));
            assertEquals(SweepFolder.Status.RUNNING, f.entries().get(0).status());
            List<String> ran = new ArrayList<>();
            Worker.run(f, RESUMING, f.points(), 1, ME, (args, log) -> {
                ran.add(args.get(2));
                return 0;
            });
            assertEquals(List.of(f.pointFolder("x=2").toString()), ran);
        }
        assertFalse(f.locked("x=1"));
        assertEquals(SweepFolder.Status.INTERRUPTED, f.entries().get(0).status(), "running in its record, but nobody holds it");
    }

    /** scancel or Ctrl-C: the command saves a checkpoint and exits 143/130; the worker may still record it before its JVM exits. */
    @Test
    void aSignalledRunIsInterruptedNotFailedAndTheWorkerStops(@TempDir Path tmp) throws Exception {
        for (int exit : new int[] {130, 143}) {
            SweepFolder f = CollectTest.sweep(tmp.resolve("s" + exit), "{kind: fake, axes: {x: [1, 2]}}");
            List<String> ran = new ArrayList<>();
            Worker.Outcome o = Worker.run(f, RESUMING, f.points(), 1, ME, (args, log) -> {
                ran.add(args.get(2));
                return exit;
            });
            assertEquals(List.of(f.pointFolder("x=1").toString()), ran, "no new point once a signal arrived");
            assertEquals(new Worker.Outcome(1, 0, 0), o);
            assertEquals(PointState.INTERRUPTED, f.state("x=1").status());
            assertEquals(exit, f.state("x=1").exitCode());
            assertEquals(SweepFolder.Status.INTERRUPTED, f.entries().get(0).status(), "resumed when the sweep runs again");
            assertEquals(SweepFolder.Status.PENDING, f.entries().get(1).status());
        }
    }
}
