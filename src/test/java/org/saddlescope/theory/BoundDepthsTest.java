package org.saddlescope.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The depths from which Theorem 3.1 and Proposition 3.4 say something, against brute force over layers and p. */
class BoundDepthsTest {

    @Test
    void theorem31FirstLayersMatchTheBoundItself() {
        for (double c : new double[] {0.3, 1.0, 1.7, 2.5, 3.0, 6.1}) {
            int first = -1, informative = -1;
            for (int l = 1; l < 100_000 && informative < 0; l++) {
                double b = Theorem31.bound(c, l);
                if (first < 0 && !Double.isNaN(b)) first = l;
                if (informative < 0 && b < 1) informative = l;
            }
            assertEquals(first, Theorem31.firstLayer(c), "c = " + c);
            assertEquals(informative, Theorem31.firstInformativeLayer(c), "c = " + c);
        }
    }

    @Test
    void proposition34MinimalDepthMatchesASearchOverP() {
        // r = ‖X‖‖G‖/s0 set through normX with normG = s0 = 1
        for (double r : new double[] {1.05, 2.0, 7.3, 15.9, 120.0}) {
            int found = -1;
            for (int depth = 1; depth < 200 && found < 0; depth++) {
                for (int k = 1; k < 10_000; k++) {
                    double p = k / 10_000.0;
                    if (Proposition34.guarantee(p, depth) >= 1 && Proposition34.threshold(r, 1, 1, p, depth) < 1) { found = depth; break; }
                }
            }
            assertEquals(found, Proposition34.minimalDepth(r, 1, 1), "r = " + r);
        }
    }
}
