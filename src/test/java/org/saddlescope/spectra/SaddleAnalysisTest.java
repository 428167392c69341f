package org.saddlescope.spectra;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SaddleAnalysisTest {

    /** A snapshot whose layer ℓ has values {1, r_ℓ, r_ℓ} and ‖W‖_F² = 1 + 2r_ℓ² (so the tail ratio is exact). */
    static SpectrumSnapshot snap(long step, double... second) {
        double[][] v = new double[second.length][];
        double[] fro = new double[second.length];
        for (int l = 0; l < second.length; l++) {
            v[l] = new double[] {1, second[l], second[l]};
            fro[l] = 1 + 2 * second[l] * second[l];
        }
        return new SpectrumSnapshot(step, 0, v, fro);
    }

    @Test
    void plateauRanksAndTheDepthProfileAfterTheFirstEscape() {
        // Loss: plateau at 2.3 until ~300, escape to 1.2, plateau, escape near 20000 to 0.4 (as in PlateauDetectorTest).
        LossHistory h = PlateauDetectorTest.curve(100000, new double[] {2.3, 1.2, 0.4}, new double[] {300, 20000}, 0.0, 1);
        PlateauDetector.Result det = new PlateauDetector().detect(h);
        assertEquals(2, det.escapes().size());
        List<SpectrumSnapshot> snaps = new ArrayList<>();
        snaps.add(snap(30, 0.9, 0.9, 0.9, 0.9));          // origin: flat top 3 → rank 3 everywhere
        snaps.add(snap(3000, 0.5, 0.2, 0.05, 0.01));      // saddle 1: deeper layers closer to rank one
        snaps.add(snap(60000, 0.6, 0.6, 0.5, 0.05));      // saddle 2: rank 3 in most layers (two values ≥ 0.1 s1 plus s1)
        SaddleAnalysis a = new SaddleAnalysis(det, snaps, 0.1);
        assertEquals(3, a.plateaus().size());
        assertEquals(3, a.plateaus().get(0).bottleneckRank());
        assertEquals(3000, a.plateaus().get(1).snapshotStep());
        // ranks 3, 3, 1, 1 on plateau 1: the tie between 3 and 1 goes to the smaller (the bottleneck)
        assertEquals(1, a.plateaus().get(1).bottleneckRank());
        SaddleAnalysis.DepthProfile first = a.afterFirstEscape();
        assertEquals(3000, first.step());
        // tail ratio 2r²/(1 + 2r²) falls strictly with depth here: Spearman ρ = −1 exactly
        assertEquals(-1.0, first.spearman(), 1e-12);
        assertTrue(first.fallsWithDepth());
        // tail ratios 0.33, 0.074, 0.005, 0.0002: three layers at or below 0.1
        assertEquals(3, first.nearRankOne());
    }

    @Test
    void spearmanOnExactCases() {
        // ±1 exactly in exact arithmetic; 1e-12 covers the float64 rounding of the rank sums (a few ulps)
        assertEquals(1.0, LowRankByDepth.spearman(new double[] {1, 2, 3, 4}, new double[] {10, 20, 25, 100}), 1e-12);
        assertEquals(-1.0, LowRankByDepth.spearman(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-12);
        assertTrue(Double.isNaN(LowRankByDepth.spearman(new double[] {1, 2, 3}, new double[] {5, 5, 5})));
    }
}
