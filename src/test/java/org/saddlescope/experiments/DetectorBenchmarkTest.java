package org.saddlescope.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;

/**
 * The saddle detector on labelled runs whose escapes are known (DetectorBenchmark): a small slice of the benchmark
 * grid that runs in seconds, held to the numbers the full grid gives (bench-detector; issue 13's note), so that a
 * change that makes the detector miss, invent or misplace escapes fails here.
 */
class DetectorBenchmarkTest {
    @Test
    void detectorFindsTheKnownEscapesOfLabelledRuns() {
        List<DetectorBenchmark.CaseResult> results = new ArrayList<>();
        // linear and ReLU teachers, full batch and SGD, depths 3 and 5, seed 0: 8 runs
        for (DetectorBenchmark.Case c : DetectorBenchmark.grid(new int[] {3, 5}, 1, true, 20000)) results.add(DetectorBenchmark.run(c));
        DetectorBenchmark.Score s = DetectorBenchmark.score(results);
        StringBuilder what = new StringBuilder(s.line()).append('\n');
        for (DetectorBenchmark.CaseResult r : results) {
            what.append(r.c().label()).append(": true ").append(java.util.Arrays.toString(r.trueSteps())).append(", detected");
            r.detected().escapes().forEach(e -> what.append(' ').append(Math.round(e.middleStep())));
            what.append('\n');
        }
        assertTrue(s.trueEscapes() >= 20, "most modes are learned within the budget: " + what);
        // thresholds: the full grid's numbers less a margin for 8 runs (one miss or one extra is 1/24 ≈ 0.04)
        assertTrue(s.precision() >= 0.9, "precision: " + what);
        assertTrue(s.recall() >= 0.85, "recall: " + what);
        assertTrue(s.medianError() <= 0.03, "median timing error in decades: " + what);
        assertTrue(s.p90Error() <= 0.1, "90th percentile timing error: " + what);
    }

    @Test
    void matchingIsOneToOneAndNearestFirst() {
        int[] which = new int[3];
        double[] err = DetectorBenchmark.match(new double[] {100, 1000, Double.NaN}, new double[] {110, 1300, 5000, 105}, 0.2, which);
        assertArrayEquals(new int[] {3, 1, -1}, which); // 105 beats 110 for 100; 1300 is 0.11 decades from 1000
        assertEquals(Math.log10(105 / 100.0), err[0], 1e-12);
        assertTrue(Double.isNaN(err[2]));
    }

    @Test
    void outputSingularValuesMatchTheTeachersConstruction() {
        // rows u_k s_k w_kᵀ with orthonormal w (columns of a permutation): singular values exactly s_k
        double[][] y = {{3, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 0.5}};
        double[] sv = DetectorBenchmark.ModeProbe.singularValues(Matrix.of(DType.F64, y));
        // 1e-12: LAPACK's SVD is backward stable, errors of order n·ε·‖Y‖ ≈ 1e-15 on this 3×4 matrix
        assertArrayEquals(new double[] {3, 1, 0.5}, sv, 1e-12);
    }
}
