package org.saddlescope.spectra;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Svd;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.train.TrainingObserver.StepInfo;

class CadenceTest {
    static List<Long> fired(Cadence c, long steps, long perEpoch) {
        List<Long> out = new ArrayList<>();
        for (long t = 1; t <= steps; t++) {
            boolean end = t % perEpoch == 0;
            if (c.due(t, end ? t / perEpoch : t / perEpoch, end)) out.add(t);
        }
        return out;
    }

    @Test
    void everyStepsEpochsAndLogSpaced() {
        assertEquals(List.of(4L, 8L, 12L), fired(Cadence.parse("4"), 12, 5));
        assertEquals(List.of(4L, 8L, 12L), fired(Cadence.parse("steps:4"), 12, 5));
        assertEquals(List.of(5L, 10L, 15L), fired(Cadence.parse("epoch"), 15, 5));
        assertEquals(List.of(10L, 20L), fired(Cadence.parse("epoch:2"), 20, 5));
        // 2 per decade: the first step of each half-decade bin (⌊2·log10 t⌋ changes at 10^0.5 ≈ 3.16, 10, 31.6, 100)
        assertEquals(List.of(1L, 4L, 10L, 32L, 100L), fired(Cadence.parse("log:2"), 100, 1000));
        assertEquals(List.of(1L, 4L, 10L, 32L, 50L, 100L), fired(Cadence.parse("log:2+steps:50"), 100, 1000));
        assertEquals("log:20", Cadence.parse("log").spec());
    }

    /**
     * Issue 19: an update that stands for many steps (a fast-forward step) fires a cadence exactly when one of the
     * steps it stands for would have: crossed(from, to) is the OR of due() over (from, to], for every split of 1..300
     * into spans of 1 to 17 steps (epochs of 7 steps).
     */
    @Test
    void aSpanFiresWhenAnyStepItStandsForWould() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(19);
        for (String spec : new String[] {"steps:5", "epoch", "epoch:3", "log:4", "log:3+steps:40"}) {
            Cadence c = Cadence.parse(spec);
            long from = 0;
            while (from < 300) {
                long to = Math.min(300, from + 1 + rng.nextInt(17));
                boolean any = false;
                for (long t = from + 1; t <= to; t++) any |= c.due(t, t / 7, t % 7 == 0);
                assertEquals(any, c.crossed(from, to, from / 7, to / 7), spec + " over (" + from + ", " + to + "]");
                from = to;
            }
        }
    }

    @Test
    void badSpecsAreRejectedWithTheForms() {
        for (String bad : new String[] {"often", "steps:0", "log:x", "epoch:-1", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cadence.parse(bad), bad);
            assertTrue(e.getMessage().contains("cadence"), e.getMessage());
        }
    }

    @Test
    void trackerRecordsStartCadenceAndEndOnceEach() {
        Network net = new Network(new int[] {6, 30, 30, 3}, Activation.RELU, DType.F64);
        Init.gaussian(net, 0.1, RandomStreams.of(1).stream("init"));
        List<SpectrumSnapshot> sunk = new ArrayList<>();
        SpectralTracker t = new SpectralTracker(2, Cadence.parse("steps:3"), sunk::add, RandomStreams.of(1));
        t.onStart(net, 0, 5);
        for (long s = 1; s <= 7; s++) t.afterStep(net, new StepInfo(s, s / 5, s % 5 == 0, Double.NaN, Double.NaN, 0.1));
        t.onEnd(net, 7);
        assertEquals(List.of(0L, 3L, 6L, 7L), t.snapshots().stream().map(SpectrumSnapshot::step).toList());
        assertEquals(t.snapshots(), sunk);
        // Each snapshot holds the top 2 of every layer: the 30×30 layer through subspace iteration (k + p = 12,
        // 2·12 < 30), the others exactly; all against LAPACK within 1e-3·σ_1: ten times the stopping tolerance
        // 1e-4·σ_1, since the last change underestimates the remaining error by the ratio (σ_13/σ_2)² per step.
        SpectrumSnapshot last = t.snapshots().get(3);
        for (int l = 1; l <= 3; l++) {
            double[] exact = Svd.singularValues(net.weight(l));
            assertEquals(2, last.layer(l).length);
            for (int i = 0; i < 2; i++) assertEquals(exact[i], last.layer(l)[i], 1e-3 * exact[0], "layer " + l);
        }
        t.close();
    }
}
