package org.saddlescope.theory;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;

/** Rank measures of singular-value lists with known answers. */
class RankMeasuresTest {
    @Test
    void rankMeasuresOnExactConstructions() {
        double[] rankOne = {2.0, 0, 0};
        assertEquals(0.0, RankMeasures.tailRatio(rankOne, 4.0), 0.0);
        assertEquals(1, RankMeasures.numericalRank(rankOne, 0.1));
        // 1e-15: exp of an entropy that is exactly 0 but for the rounding of p·log p terms (ulps of 1)
        assertEquals(1.0, RankMeasures.effectiveRank(rankOne), 1e-15);
        double[] flat = {1, 1, 1, 1};
        // ‖A‖_F² = 4 for four unit values: tail = 3/4, effective rank = 4, stable rank = 4.
        assertEquals(0.75, RankMeasures.tailRatio(flat, 4.0), 1e-15);
        assertEquals(4.0, RankMeasures.effectiveRank(flat), 1e-12);
        // 1e-15: a ratio of float64 sums of equal squares (a few ulps of 4 are 1e-15)
        assertEquals(4.0, RankMeasures.stableRank(flat, 4.0), 1e-15);
        assertEquals(2, RankMeasures.bottleneckRank(new int[] {1, 2, 2, 3, 2, 1}));
        assertEquals(1, RankMeasures.bottleneckRank(new int[] {1, 2, 2, 1}), "ties go to the smaller rank");
    }

    @Test
    void oneTailRatioWithADefinedValueOnTheZeroMatrix() {
        // The full-spectrum form and the (top-k, ‖A‖_F²) form are one definition: they agree wherever both apply.
        assertEquals(0.0, RankMeasures.tailRatio(new double[] {3, 0, 0}), 0.0);
        assertEquals(1.0 / 2, RankMeasures.tailRatio(new double[] {1, 1}), 1e-15);
        assertEquals(RankMeasures.tailRatio(new double[] {2, 1}, 5.0), RankMeasures.tailRatio(new double[] {2, 1, 0}), 0.0);
        // The zero matrix: rank 0, no tail (it was NaN in one definition and 0 in the other).
        assertEquals(0.0, RankMeasures.tailRatio(new double[] {0, 0}), 0.0);
        assertEquals(0.0, RankMeasures.tailRatio(new double[] {0, 0}, 0.0), 0.0);
        assertEquals(0.0, RankMeasures.tailRatio(new double[0]), 0.0);
        assertEquals(2, RankMeasures.numericalRank(new double[] {1, 1e-3, 1e-17}, 3, 3));
        assertEquals(0, RankMeasures.numericalRank(new double[] {0, 0}, 2, 2));
    }

    @Test
    void nonlinearityRatio() {
        Matrix z = Matrix.of(DType.F64, new double[][] {{1, -1}, {2, 0}});
        Matrix relu = Matrix.of(DType.F64, new double[][] {{1, 0}, {2, 0}});
        assertEquals(1.0 / 6, RankMeasures.nonlinearityRatio(z, relu), 1e-15); // ‖(0,1,0,0)‖²/‖Z‖² = 1/6
        assertEquals(0.0, RankMeasures.nonlinearityRatio(z, z), 0.0);
        Matrix zero = Matrix.zeros(DType.F64, 2, 2);
        assertEquals(0.0, RankMeasures.nonlinearityRatio(zero, zero), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, RankMeasures.nonlinearityRatio(zero, relu));
    }
}
