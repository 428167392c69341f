package org.saddlescope.theorycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The staircase row's loss comparison on hand-computed cases. */
class StaircaseCheckTest {

    /**
     * 2.340 against 2.282: +2.54% (within 5%); 1.911 against 1.80: +6.2% (outside); Example 1's staircase saddle at
     * 12 of C(0) = 16 against a run at 1.2e-9 (a minimum): no relative error, the saddle at 0.75 C(0); both minima.
     */
    @Test
    void lossComparisonSaysWhichSideStoppedWhere() {
        assertEquals("relative error +2.5% (within 5%)", StaircaseCheck.lossComparison(2.340, 2.282, 11.279));
        assertEquals("relative error +6.2% (OUTSIDE 5%)", StaircaseCheck.lossComparison(1.911, 1.80, 2.3026));
        assertEquals("WRONG: the run reached a minimum (below 1e-3 C(0)); predicted a saddle at 0.750 C(0)",
                StaircaseCheck.lossComparison(12, 1.2e-9, 16));
        assertEquals("WRONG: predicted a minimum; the run sits at 0.500 C(0)", StaircaseCheck.lossComparison(1e-12, 8, 16));
        assertEquals("both below 1e-3 C(0): a minimum", StaircaseCheck.lossComparison(2e-29, 1.5e-4, 11.279));
    }
}
