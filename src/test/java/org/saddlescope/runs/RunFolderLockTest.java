package org.saddlescope.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.FolderLock;
import org.saddlescope.trainrun.RunAddon;
import org.saddlescope.trainrun.SpectraAddon;
import org.saddlescope.trainrun.TrainRun;

/**
 * Issue 11, items 1, 2, 3, 6 (temp files) and 11 (checkpoint messages), in one process: the lock, the staging
 * folder, what a resume cleans up and how an unreadable state.json is reported.
 */
class RunFolderLockTest {
    static final List<RunAddon> ADDONS = List.of(new SpectraAddon());

    static TrainConfig small(long steps) {
        TrainConfig c = new TrainConfig();
        c.dataset = "teacher:n=32,d=4,out=2";
        c.hidden = new ArrayList<>(List.of(6, 6));
        c.steps = steps;
        c.top_k = 2;
        c.checkpoint_every = 10;
        return c;
    }

    @Test
    void aHeldFolderRefusesASecondWriterNamingThePid(@TempDir Path tmp) {
        Path run = tmp.resolve("run");
        TrainRun.start(small(30), run, 1, ProgressListener.NONE, ADDONS);
        String pid = "pid " + ProcessHandle.current().pid();
        try (FolderLock held = FolderLock.acquire(run, "train", h -> RunFolder.busy(run, h))) {
            BadInputException e = assertThrows(BadInputException.class, () -> TrainRun.resume(run, 60L, null, 1, ProgressListener.NONE, TrainRun.Hooks.NONE, ADDONS));
            assertTrue(e.getMessage().contains(pid) && e.getMessage().contains("saddlescope train"), e.getMessage());
            assertEquals(ProcessHandle.current().pid(), FolderLock.liveHolder(run).pid());
            // a probe from this process must not drop the lock it holds (POSIX locks belong to the process)
            assertThrows(BadInputException.class, () -> FolderLock.acquire(run, "report", h -> RunFolder.busy(run, h)));
            assertTrue(held.file().toFile().exists());
        }
        assertNull(FolderLock.liveHolder(run), "released on close");
        TrainRun.resume(run, 60L, null, 1, ProgressListener.NONE, TrainRun.Hooks.NONE, ADDONS);
    }

    @Test
    void aFolderBeingMadeRefusesASecondWriterNamingThePid(@TempDir Path tmp) {
        Path run = tmp.resolve("run");
        String pid = "pid " + ProcessHandle.current().pid();
        try (RunFolder first = RunFolder.create(run, "escape")) {
            BadInputException e = assertThrows(BadInputException.class, () -> RunFolder.create(run, "escape"));
            assertTrue(e.getMessage().contains(pid) && e.getMessage().contains("saddlescope escape"), e.getMessage());
            assertThrows(BadInputException.class, () -> TrainRun.start(small(10), run, 1, ProgressListener.NONE, ADDONS));
            assertFalse(Files.exists(run));
            first.writeText("report.html", "whole");
            first.publish();
            // published and still held: a new run is refused, naming the holder
            e = assertThrows(BadInputException.class, () -> RunFolder.checkNew(run));
            assertTrue(e.getMessage().contains("already holds a run") && e.getMessage().contains(pid), e.getMessage());
        }
        assertTrue(Files.exists(run.resolve("report.html")));
    }

    @Test
    void aFailedStartLeavesNothingAndStaleStagingIsRemoved(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        // A staging folder of a killed start (its lock file holds no OS lock) is removed by the next start.
        Path stale = Files.createDirectories(tmp.resolve(".run.staging-999999-1"));
        Files.writeString(stale.resolve("config.yaml"), "steps: 5\n");
        Files.writeString(stale.resolve(FolderLock.FILE), "{\"pid\": 999999}\n");
        // A command that fails after its staging folder exists (its files half written) leaves neither folder.
        try (RunFolder f = RunFolder.create(run, "train")) {
            f.writeText("config.yaml", "steps: 5\n");
            assertFalse(Files.exists(run), "not published yet");
        }
        assertFalse(Files.exists(run));
        // ... and the stale staging folder of that name (its lock is gone) was removed by the create.
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.contains("staging")).toList());
        }
        TrainRun.start(small(30), run, 1, ProgressListener.NONE, ADDONS);
        assertTrue(Files.exists(run.resolve("weights/final.npz")));
    }

    @Test
    void resumeRemovesTempFilesOfAKilledWriter(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        TrainRun.start(small(30), run, 1, ProgressListener.NONE, ADDONS);
        Path t1 = Files.writeString(run.resolve(".metrics.csv123.tmp"), "half");
        Path t2 = Files.writeString(run.resolve("checkpoints/.ckpt-0000000020.npz456.tmp"), "half");
        TrainRun.resume(run, 40L, null, 1, ProgressListener.NONE, TrainRun.Hooks.NONE, ADDONS);
        assertFalse(Files.exists(t1));
        assertFalse(Files.exists(t2));
    }

    @Test
    void unreadableCheckpointStateIsOneLineNamingFileAndField(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        TrainConfig c = small(30);
        c.steps = 30;
        TrainRun.start(c, run, 1, ProgressListener.NONE, ADDONS);
        Path state = run.resolve(Checkpoints.STATE);
        String good = Files.readString(state);
        String[][] cases = {
                {good.replaceAll("\\s*\"step\" : \\d+,", ""), "'step'"},
                {good.replaceAll("\"norm_squared_bits\" : \"[0-9a-f]+\"", "\"norm_squared_bits\" : \"zz\""), "norm_squared_bits"},
                {good.replaceAll("\"weights\" : \"[^\"]+\"", "\"weights\" : \"../../etc/passwd\""), "'weights'"},
                {good.replaceAll("\"weights\" : \"[^\"]+\"", "\"weights\" : \"ckpt-0000000099.npz\""), "missing"},
                {"{", "not valid JSON"}, {"[]", "JSON object"}, {good.replace("\"epoch\" : ", "\"epoch\" : -"), "'epoch'"}};
        for (String[] k : cases) {
            Files.writeString(state, k[0]);
            BadInputException e = assertThrows(BadInputException.class, () -> Checkpoints.latest(RunFolder.open(run)));
            assertTrue(e.getMessage().contains(state.toString()) && e.getMessage().contains(k[1]) && !e.getMessage().contains("Exception")
                    && !e.getMessage().contains("\n"), e.getMessage());
        }
    }
}
