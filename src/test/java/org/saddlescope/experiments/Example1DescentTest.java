package org.saddlescope.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.saddlescope.escape.Example1;

/** The Example 1 descent experiment against its own definitions, computed independently. */
class Example1DescentTest {

    /**
     * A run escapes (loss 1% below C(0) = 16 for targets ∓4), its speed at the onset lies between 0 and the best speed the
     * direction's stationary point reaches (the flow on the sphere only raises the speed, and from the onset's direction
     * it stays in the basin it is in), and the basin label names the stationary point's speed.
     */
    @Test
    void aRunEscapesAndItsDirectionClimbsToAStationaryPoint() {
        Example1Descent.Settings s = new Example1Descent.Settings(new int[] {8}, new double[] {1e-3}, 1, 50_000, 0.05, 1);
        Example1Descent.Run r = Example1Descent.one(8, 1e-3, 0, s);
        assertTrue(r.onsetStep() > 0, r.toString());
        assertTrue(r.speedAtOnset() > 0 && r.speedAtOnset() <= r.polishedSpeed() + 1e-9, r.toString());
        String expected = Math.abs(r.polishedSpeed() - Example1.RANK_TWO_SPEED) < Example1Descent.BASIN ? "rank-two (1/2)"
                : Math.abs(r.polishedSpeed() - Example1.RANK_ONE_SPEED) < Example1Descent.BASIN ? "rank-one (sqrt2-1)" : "other";
        assertEquals(expected, r.basin());
    }
}
