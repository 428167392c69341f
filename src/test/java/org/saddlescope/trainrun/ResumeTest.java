package org.saddlescope.trainrun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.io.Json;

/** Run folders: a killed run resumed with --resume ends with the same bits as one that was never stopped. */
class ResumeTest {

    static TrainConfig config(long steps) {
        TrainConfig c = new TrainConfig();
        c.dataset = "teacher:n=256,d=16,out=4,rank=2";
        c.hidden = new ArrayList<>(List.of(24, 24, 24));
        c.init_scale = 0.02;
        c.batch = 16;
        c.lr = 0.05;
        c.lr_power = 2;
        c.steps = steps;
        c.log_every = 25;
        c.eval_every = 100;
        c.checkpoint_every = 100;
        c.seed = 11;
        c.top_k = 0;
        return c;
    }

    /** Mixed precision checkpoints the low parts of its weights too; without them the resumed run would differ. */
    @ParameterizedTest
    @ValueSource(strings = {"float64", "mixed"})
    void killedRunResumesBitIdentical(String dtype, @TempDir Path tmp) throws Exception {
        long steps = 6000;
        TrainConfig cfg = config(steps);
        cfg.dtype = org.saddlescope.net.Precision.parse(dtype);
        Path straight = tmp.resolve("straight");
        TrainRun.start(cfg, straight, 1, ProgressListener.NONE, List.of(new SpectraAddon()));

        // Same config in a child JVM, killed with SIGKILL once it has checkpointed at least twice.
        Path killed = tmp.resolve("killed");
        Path yaml = tmp.resolve("cfg.yaml");
        Files.write(yaml, Json.YAML.writeValueAsBytes(cfg.toMap()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.saddlescope.cli.Main",
                "train", "--config", yaml.toString(), "--out", killed.toString(), "--threads", "1", "--quiet")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path state = killed.resolve("checkpoints/state.json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.exists(state) && Json.JSON.readTree(state.toFile()).get("step").asLong() >= 200) break;
            Thread.sleep(5);
        }
        p.destroyForcibly().waitFor();
        assertFalse(Files.exists(killed.resolve("weights/final.npz")),
                "the child finished before it was killed; the test would prove nothing");
        assertTrue(Files.exists(state), "no checkpoint before the kill:\n" + Files.readString(tmp.resolve("child.log")));

        // a budget below the checkpoint is refused and leaves the folder as it was (it used to end the run there and
        // write that budget into config.yaml, after which no larger budget could resume it)
        byte[] yamlBefore = Files.readAllBytes(killed.resolve("config.yaml"));
        org.junit.jupiter.api.Assertions.assertThrows(org.saddlescope.io.BadInputException.class, () -> TrainRun.resume(killed, 100L, null, 1,
                ProgressListener.NONE, TrainRun.Hooks.NONE, List.of(new SpectraAddon())));
        assertArrayEquals(yamlBefore, Files.readAllBytes(killed.resolve("config.yaml")));
        TrainRun.Outcome o = TrainRun.resume(killed, 1, ProgressListener.NONE, List.of(new SpectraAddon()));
        assertEquals(steps, o.state().step());
        assertArrayEquals(Files.readAllBytes(straight.resolve("weights/final.npz")), Files.readAllBytes(killed.resolve("weights/final.npz")));
        assertEquals(withoutTime(straight.resolve("metrics.csv")), withoutTime(killed.resolve("metrics.csv")));
    }

    @Test
    void sameSeedConfigAndThreadsGiveTheSameBits(@TempDir Path tmp) throws Exception {
        TrainConfig cfg = config(300);
        cfg.dtype = org.saddlescope.net.Precision.FLOAT32;
        TrainRun.start(cfg, tmp.resolve("a"), 2, ProgressListener.NONE, List.of(new SpectraAddon()));
        TrainRun.start(cfg, tmp.resolve("b"), 2, ProgressListener.NONE, List.of(new SpectraAddon()));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a/weights/final.npz")), Files.readAllBytes(tmp.resolve("b/weights/final.npz")));
        cfg.seed = 12;
        TrainRun.start(cfg, tmp.resolve("c"), 2, ProgressListener.NONE, List.of(new SpectraAddon()));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("a/weights/final.npz")), Files.readAllBytes(tmp.resolve("c/weights/final.npz"))));
    }

    @Test
    void configYamlRerunsTheRun(@TempDir Path tmp) throws Exception {
        TrainConfig cfg = config(50);
        TrainRun.start(cfg, tmp.resolve("a"), 1, ProgressListener.NONE, List.of(new SpectraAddon()));
        TrainConfig back = TrainConfig.merge(List.of(TrainConfig.readYaml(tmp.resolve("a/config.yaml"))), "config.yaml");
        assertEquals(cfg.toMap(), back.toMap());
    }

    /** metrics.csv without its wall-clock column. */
    static List<String> withoutTime(Path csv) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) {
            String[] f = line.split(",", -1);
            f[2] = "";
            out.add(String.join(",", f));
        }
        return out;
    }
}
