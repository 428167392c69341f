package org.saddlescope.trainrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.net.Precision;
import org.saddlescope.progress.ProgressListener;

/**
 * On one BLAS thread with a second core free, a run's evaluations (probe samples and test set) run on the second core
 * from a snapshot of the weights: metrics.csv must be the same bytes as with every evaluation on the training thread
 * (but for the wall-clock column), for float64 and for mixed precision (whose snapshot is the float32 high parts).
 */
class BackgroundEvaluationTest {

    @Test
    void evaluationsOnTheSecondCoreGiveTheSameMetrics(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "one core: nothing in the background");
        for (Precision p : new Precision[] {Precision.FLOAT64, Precision.MIXED}) {
            TrainConfig c = ResumeTest.config(250);
            c.dataset = "teacher:n=256,d=16,out=4,rank=2,test=64";
            c.eval_every = 25; // an evaluation at every log step: rows wait for them, in order
            c.checkpoint_every = 60; // checkpoints between evaluations drain the rows
            c.dtype = p;
            List<String>[] metrics = new List[2];
            for (int i = 0; i < 2; i++) {
                if (i == 1) System.setProperty("saddlescope.evaluation", "foreground");
                try {
                    Path out = tmp.resolve(p.label() + i);
                    TrainRun.start(c, out, 1, ProgressListener.NONE, List.of(new SpectraAddon()));
                    metrics[i] = withoutTime(Files.readAllLines(out.resolve("metrics.csv")));
                } finally {
                    System.clearProperty("saddlescope.evaluation");
                }
            }
            assertEquals(metrics[1], metrics[0], p.label());
            assertTrue(metrics[0].size() == 1 + 11 && metrics[0].get(1).split(",").length > 10, metrics[0].toString());
        }
    }

    /** The lines without their time_s column (wall time differs between any two runs). */
    static List<String> withoutTime(List<String> lines) {
        int col = List.of(lines.get(0).split(",", -1)).indexOf("time_s");
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            List<String> f = new ArrayList<>(List.of(line.split(",", -1)));
            f.remove(col);
            out.add(String.join(",", f));
        }
        return out;
    }
}
