package org.saddlescope.spectra;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Rank measures of singular-value lists with known answers. */
class RankMeasuresTest {
    @Test
    void rankMeasuresOnExactConstructions() {
        double[] rankOne = {2.0, 0, 0};
        assertEquals(0.0, RankMeasures.tailRatio(rankOne, 4.0), 0.0);
        assertEquals(1, RankMeasures.numericalRank(rankOne, 0.1));
        assertEquals(1.0, RankMeasures.effectiveRank(rankOne), 1e-15);
        double[] flat = {1, 1, 1, 1};
        // ‖A‖_F² = 4 for four unit values: tail = 3/4, effective rank = 4, stable rank = 4.
        assertEquals(0.75, RankMeasures.tailRatio(flat, 4.0), 1e-15);
        assertEquals(4.0, RankMeasures.effectiveRank(flat), 1e-12);
        assertEquals(4.0, RankMeasures.stableRank(flat, 4.0), 1e-15);
        assertEquals(2, RankMeasures.bottleneckRank(new int[] {1, 2, 2, 3, 2, 1}));
        assertEquals(1, RankMeasures.bottleneckRank(new int[] {1, 2, 2, 1}), "ties go to the smaller rank");
    }
}
