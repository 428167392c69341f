package org.saddlescope.trainrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.report.Table;
import org.saddlescope.spectra.Cadence;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.io.BadInputException;

/** train --dry-run: what it counts agrees with what the real run then does, its memory with exact sizes, and it writes nothing. */
class TrainDryRunTest {

    private static TrainConfig config(Map<String, Object> fields) {
        return TrainConfig.merge(List.of(fields), "test");
    }

    @Test
    void countsMatchTheRealRunAndWeightsAreExact(@TempDir Path tmp) throws Exception {
        Map<String, Object> f = Map.of("dataset", "teacher:n=64,d=6,out=3,test=16", "hidden", List.of(12, 12), "batch", 16,
                "steps", 230, "eval_every", 50, "log_every", 10, "checkpoint_every", 100, "spectra_k", 3, "spectra_every", "log+steps:40",
                "lr", 0.05);
        TrainConfig cfg = config(f);
        Path out = tmp.resolve("run");
        TrainDryRun.Report r = TrainDryRun.run(cfg, out, 1);
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(0, s.count(), "a dry run writes nothing");
        }
        // 6-12-12-3 in float64: the weights' native memory is exactly the parameters × 8 bytes
        assertEquals((6 * 12 + 12 * 12 + 12 * 3) * 8L, r.memory().weights());
        assertTrue(r.memory().stepWorkspace() > 0 && r.memory().evalWorkspaces() > 0, r.memory().toString());
        assertEquals(230, r.timing().steps());
        assertTrue(r.timing().stepSeconds() > 0 && r.timing().evalSeconds() > 0 && r.timing().spectraSeconds() > 0);
        assertTrue(r.timing().timedSteps() >= TrainDryRun.MIN_STEPS);
        assertTrue(r.text().contains("MEASURED NOW"), r.text());
        assertTrue(r.text().contains("dataset: \"teacher:n=64,d=6,out=3,test=16\""), r.text());

        // the real run: its evaluations, spectra passes and checkpoints are the ones the dry run counted
        TrainRun.start(cfg, out, 1, ProgressListener.NONE, List.of(new SpectraAddon()));
        Table metrics = Table.read(out.resolve("metrics.csv"));
        long evals = java.util.Arrays.stream(metrics.column("train_loss")).filter(v -> !Double.isNaN(v)).count();
        assertEquals(r.timing().evaluations(), evals);
        Set<Double> spectraSteps = new HashSet<>();
        for (double s : Table.read(out.resolve("spectra.csv")).column("step")) spectraSteps.add(s);
        assertEquals(r.timing().spectraPasses(), spectraSteps.size());
        try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
            assertTrue(s.findAny().isPresent());
        }
        assertEquals(2, r.timing().checkpoints()); // steps 100 and 200 (none at the last step)

        // the same out folder now holds a run: the dry run refuses it as the real start would
        BadInputException e = assertThrows(BadInputException.class, () -> TrainDryRun.run(cfg, out, 1));
        assertTrue(e.getMessage().contains("already holds a run"), e.getMessage());
    }

    @Test
    void spectraPassesFollowTheTrackersRule() {
        // every 10 steps over 100 steps of 25 per epoch: start, 10 due steps (the last at step 100), no extra end pass
        assertEquals(11, TrainDryRun.spectraPasses(Cadence.parse("steps:10"), 100, 25));
        // epochs over 99 steps: start, epochs 1..3 at steps 25, 50, 75, then the end (step 99 was not due)
        assertEquals(5, TrainDryRun.spectraPasses(Cadence.parse("epoch"), 99, 25));
    }
}
