package org.saddlescope.trainrun;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.report.Table;
import org.saddlescope.spectra.SpectrumSnapshot;
import org.saddlescope.config.Presets;
import org.saddlescope.config.TrainConfig;

/** The saddle analysis every train run writes, on the teacher-saddles preset (three known stages, seconds). */
class SpectraAddonTest {

    static TrainConfig teacher(long steps, Map<String, Object> extra) {
        Map<String, Object> m = Presets.get("teacher-saddles");
        m.put("steps", steps);
        if (extra != null) m.putAll(extra);
        return TrainConfig.merge(List.of(m), "test");
    }

    @Test
    void trainRunWritesSpectraPlateausAndTheLowRankTable(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        TrainRun.Outcome o = TrainRun.start(teacher(6000, null), out, 1, ProgressListener.NONE, List.of(new SpectraAddon()));
        assertFalse(o.diverged());
        Table spectra = Table.read(out.resolve("spectra.csv"));
        assertEquals(List.of(SpectraAddon.SPECTRA_HEADER), spectra.header());
        // k = 5 values for each of the 4 layers at every snapshot; first snapshot at step 0, last at the end.
        assertEquals(0, spectra.rows() % 20);
        assertEquals(0.0, spectra.column("step")[0]);
        assertEquals(6000.0, spectra.column("step")[spectra.rows() - 1]);
        // Two of the three modes are learned by step 6000: the preset's escapes are near steps 56, 2610 and 7644
        // (measured with the data and θ0 from separate streams, issue 12; before, θ0 copied the data and the
        // escapes were near 68, 2417 and 24173, so this test ran 12000 steps).
        Table escapes = Table.read(out.resolve("escapes.csv"));
        assertEquals(2, escapes.rows());
        // escapes numbered from 1, as on screen; each confirmed by the layer spectra: σ_k rises across escape k
        assertEquals(1.0, escapes.column("escape")[0]);
        assertEquals(2.0, escapes.column("escape")[1]);
        assertEquals(1.0, escapes.column("direction")[0]);
        assertEquals(2.0, escapes.column("direction")[1]);
        for (double r : escapes.column("spectral_rise")) assertTrue(r >= Math.log(4), "confirmed by a spectral rise: " + r);
        Table plateaus = Table.read(out.resolve("plateaus.csv"));
        // the origin plateau: all 5 tracked values of the random θ0 count, so the rank is only known to be ≥ 5
        assertTrue(Double.isNaN(plateaus.column("bottleneck_rank")[0]), "no rank claimed at the cap");
        assertEquals(5.0, plateaus.column("rank_at_least")[0]);
        assertEquals(1.0, plateaus.column("bottleneck_rank")[1]);
        assertEquals(2.0, plateaus.column("bottleneck_rank")[2]);
        assertTrue(Files.readString(out.resolve("saddles.json")).contains("\"status_at_end\" : \"ended on plateau 2"),
                "past tense at the end, numbered like escapes.csv");
        String md = Files.readString(out.resolve("low_rank_by_depth.md"));
        assertTrue(md.contains("after first escape"), md);
        assertTrue(Files.exists(out.resolve("saddles.json")));
        assertTrue(Files.exists(out.resolve("plateau_layers.csv")));
        assertTrue(Files.exists(out.resolve("loss_smoothed.csv")));

        // spectra.csv reads back into the snapshots, with ‖W_ℓ‖_F so that tail ratios are recomputable:
        // tail ratio ∈ [0, 1], and a 16×16 layer tracked with k = 5 keeps σ_1 ≤ ‖W‖_F.
        List<SpectrumSnapshot> snaps = SaddleFiles.readSpectra(out.resolve("spectra.csv"));
        assertEquals(spectra.rows() / 20, snaps.size());
        for (SpectrumSnapshot s : snaps) {
            for (int l = 1; l <= 4; l++) {
                assertTrue(s.layer(l)[0] <= Math.sqrt(s.frobeniusSquared()[l - 1]) * (1 + 1e-12));
                double t = s.tailRatio(l);
                assertTrue(t >= 0 && t <= 1);
            }
        }
    }

    @Test
    void resumedRunHasTheSameSpectraAsAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        Map<String, Object> ck = Map.of("checkpoint_every", 1000);
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        TrainRun.start(teacher(3000, ck), a, 1, ProgressListener.NONE, List.of(new SpectraAddon()));
        // Run b stops at 2000 (its last checkpoint is at 1000, since none is written at the final step), then its
        // budget is raised and it resumes: spectra.csv is cut back to step 1000 and continued.
        TrainRun.start(teacher(2000, ck), b, 1, ProgressListener.NONE, List.of(new SpectraAddon()));
        Path cfg = b.resolve("config.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("steps: 2000", "steps: 3000"));
        TrainRun.resume(b, 1, ProgressListener.NONE, List.of(new SpectraAddon()));
        // The weights are bit-identical after a resume (TrainerTest) and these 16×16 layers go through the full
        // SVD, so the files must agree exactly.
        assertEquals(Files.readString(a.resolve("spectra.csv")), Files.readString(b.resolve("spectra.csv")));
        assertEquals(Table.read(a.resolve("escapes.csv")).rows(), Table.read(b.resolve("escapes.csv")).rows());
    }
}
