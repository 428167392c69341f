package org.saddlescope.spectra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.saddlescope.train.TrainingObserver.StepInfo;

class LossHistoryTest {
    /**
     * Issue 19: an update that stands for many steps (a fast-forward step) gives the log bins it covers the weight
     * of the steps it replaces: the same bins, steps and counts as those steps one by one with that loss (the
     * detector then sees a fast-forwarded plateau in log-time as it sees a trained one).
     */
    @Test
    void aSpanCountsAsTheStepsItStandsFor() {
        LossHistory spans = new LossHistory(), steps = new LossHistory();
        long[] ends = {1, 5, 40, 400, 3000, 3001};
        long previous = 0;
        for (long end : ends) {
            double loss = 2.3 - 1e-4 * end;
            spans.afterStep(null, new StepInfo(end, 0, false, loss, 1.0, 0.1, end - previous, 0, Double.NaN));
            for (long t = previous + 1; t <= end; t++) steps.add(t, loss, t == end ? 1.0 : Double.NaN);
            previous = end;
        }
        LossHistory.Series a = spans.logBinned(), b = steps.logBinned();
        assertArrayEquals(b.step(), a.step(), 1e-9);
        assertArrayEquals(b.loss(), a.loss(), 1e-12);
        assertArrayEquals(b.count(), a.count());
        assertEquals(3001, spans.lastStep());
    }
}
