package org.saddlescope.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real-run benchmark's label rule and interval, against closed forms. */
class RealRunBenchmarkTest {

    /** A series rising like a power of the step crosses a level where the power law says (log-linear interpolation is exact for it). */
    @Test
    void crossingIsExactForAPowerLaw() {
        List<double[]> s = new ArrayList<>();
        for (double t = 10; t <= 1e5; t *= 1.5) s.add(new double[] {t, 1e-6 * Math.pow(t, 1.7)});
        double level = 1.0, expected = Math.pow(level / 1e-6, 1 / 1.7);
        // exact in exact arithmetic; log and exp of numbers up to 1e5 round to ~1e-15 relative each: 1e-9 is a margin
        assertEquals(expected, RealRunBenchmark.crossing(s, level), 1e-9 * expected);
        assertEquals(Double.NaN, RealRunBenchmark.crossing(s, 1e30));
    }

    /** Wilson's interval: 0 of 0 is undefined; 8 of 8 and 3 of 10 against the closed form p̃ ± z·√(p̂q̂/n + z²/4n²)/(1 + z²/n). */
    @Test
    void wilsonIntervals() {
        assertArrayEquals(new double[] {Double.NaN, Double.NaN}, RealRunBenchmark.wilson(0, 0));
        // the reference values are the closed form rounded to 4 decimals: 1e-4
        assertArrayEquals(new double[] {0.6756, 1.0}, RealRunBenchmark.wilson(8, 8), 1e-4);
        assertArrayEquals(new double[] {0.1078, 0.6032}, RealRunBenchmark.wilson(3, 10), 1e-4);
    }

    /**
     * Negative controls get a figure: the runs with a detection that matches no label, counted by hand here (a run with
     * no label and one detection; a labelled run with an extra detection), with Wilson's interval of 2 of 4 from the
     * closed form; a run whose detections all match counts as none, and precision still counts detections (2 of 4).
     */
    @Test
    void falseAlarmsCountRunsWithAnUnmatchedDetection() {
        java.nio.file.Path p = java.nio.file.Path.of("run-s0");
        RealRunBenchmark.Case c = new RealRunBenchmark.Case(p, "g", 0, false, 0);
        double[] none = {};
        List<RealRunBenchmark.Result> rs = List.of(
                new RealRunBenchmark.Result(c, none, none, new int[0], none, null),
                new RealRunBenchmark.Result(c, none, new double[] {300}, new int[0], none, null),
                new RealRunBenchmark.Result(c, new double[] {100}, new double[] {100}, new int[] {0}, new double[] {0}, null),
                new RealRunBenchmark.Result(c, new double[] {100}, new double[] {100, 5000}, new int[] {0}, new double[] {0}, null));
        RealRunBenchmark.Score s = RealRunBenchmark.score(rs);
        assertEquals(2, s.falseAlarmCases());
        assertEquals(0.5, s.falseAlarmRate(), 0);
        assertArrayEquals(new double[] {0.1500, 0.8500}, s.falseAlarmCi(), 1e-4);
        assertEquals(0.5, s.precision(), 0);
        assertEquals(1.0, s.recall(), 0);
        RealRunBenchmark.Score clean = RealRunBenchmark.score(List.of(rs.get(0), rs.get(2)));
        assertEquals(0, clean.falseAlarmCases());
        assertArrayEquals(new double[] {0, 0.6576}, clean.falseAlarmCi(), 1e-4);
    }
}
