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
}
