package org.saddlescope.trainrun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.linalg.DType;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.io.Json;

class DefaultThreadsTest {

    @Test
    void smallProductsRunOnOneThreadLargeOnAllCores() {
        int cores = Runtime.getRuntime().availableProcessors();
        // 784·100·32 = 2.5e6 multiply-adds < 1e7: one thread
        assertEquals(1, RunSetup.defaultThreads(new Network(new int[] {784, 100, 100, 10}, Activation.RELU, DType.F32), 32));
        // 1000·1000·32 = 3.2e7 ≥ 1e7: all cores (the paper's network)
        assertEquals(cores, RunSetup.defaultThreads(new Network(new int[] {784, 1000, 1000, 10}, Activation.RELU, DType.F32), 32));
        // the same small network at full batch 60000: 4.7e9, all cores
        assertEquals(cores, RunSetup.defaultThreads(new Network(new int[] {784, 100, 10}, Activation.RELU, DType.F32), 60000));
    }

    @Test
    void resumeDefaultsToTheCheckpointedThreadCount(@TempDir Path tmp) throws Exception {
        TrainConfig c = ResumeTest.config(250);
        c.hidden = new ArrayList<>(List.of(8, 8));
        Path run = tmp.resolve("r");
        TrainRun.start(c, run, 2, ProgressListener.NONE, List.of(new SpectraAddon()));
        // rewind to the step-200 checkpoint as if killed there, then resume without naming a thread count
        Files.delete(run.resolve("weights/final.npz"));
        byte[] expected = Files.readAllBytes(tmp.resolve("r/checkpoints/state.json"));
        assertEquals(2, Json.JSON.readTree(expected).get("threads").asInt());
        TrainRun.Outcome o = TrainRun.resume(run, null, ProgressListener.NONE, List.of(new SpectraAddon()));
        assertEquals(250, o.state().step());
        assertEquals(2, Json.JSON.readTree(run.resolve("manifest.json").toFile()).get("threads").asInt());
    }
}
