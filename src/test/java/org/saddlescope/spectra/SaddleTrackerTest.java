package org.saddlescope.spectra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The progress line's status is made from the detection, not by rewriting the detector's own text. */
class SaddleTrackerTest {
    @Test
    void aRunOnItsPlateauShowsItsStartAsABareStep() {
        LossHistory h = PlateauDetectorTest.curve(5000, new double[] {2.3, 1.0}, new double[] {1e7}, 0.05, 6);
        PlateauDetector.Result r = new PlateauDetector().detect(h);
        assertEquals("plateau 0 since step 1", r.status());
        assertEquals("plateau 0 since 1", new SaddleTracker(h, null, new PlateauDetector()).status());
        assertEquals("plateau ?", SaddleTracker.line(PlateauDetector.Result.empty()));
    }
}
