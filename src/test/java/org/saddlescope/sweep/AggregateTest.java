package org.saddlescope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Intervals against closed forms, and the t-interval's coverage over many draws. */
class AggregateTest {
    @Test
    void tIntervalOfTwoValues() {
        // n = 2: mean 2, sd = √2, t_{1, 0.975} = 12.7062047361747 (tables), half-width t·sd/√2 = t
        Aggregate.Mean m = Aggregate.mean(new double[] {1, 3, Double.NaN}, 0.95);
        assertEquals(2, m.n());
        assertEquals(2.0, m.mean(), 0.0);
        // sd: a few float64 operations on small integers (ulps of 1.4 are 2.2e-16); the interval: the table constant
        // has 13 digits and commons-math inverts the t distribution to an absolute accuracy of 1e-9, hence 1e-9
        assertEquals(Math.sqrt(2), m.sd(), 1e-15);
        assertEquals(2 - 12.7062047361747, m.low(), 1e-9);
        assertEquals(2 + 12.7062047361747, m.high(), 1e-9);
        assertTrue(Double.isNaN(Aggregate.mean(new double[] {5}, 0.95).low()), "one value has no interval");
    }

    @Test
    void wilsonIntervalClosedForm() {
        // Wilson: (p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.959963984540054
        int n = 100, k = 37;
        double z = 1.959963984540054, p = (double) k / n;
        double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / (1 + z * z / n);
        Aggregate.Fraction f = Aggregate.fraction(k, n, 0.95);
        assertEquals(0.37, f.fraction(), 0.0);
        // 1e-12: the same closed form evaluated in another order of float64 operations (a few ulps of numbers below 1)
        assertEquals(centre - half, f.low(), 1e-12);
        assertEquals(centre + half, f.high(), 1e-12);
        // no successes: the interval starts at 0 exactly and is not empty
        Aggregate.Fraction none = Aggregate.fraction(0, 3, 0.95);
        assertEquals(0.0, none.low(), 0.0);
        assertTrue(none.high() > 0.5);
    }

    @Test
    void tIntervalCoversTheMeanAtItsLevel() {
        // 4000 samples of 5 normals: the 90% interval misses μ with probability 0.1, so misses ~ Binomial(4000, 0.1):
        // mean 400, sd 19; ±5 sd (a failure of a correct interval about once in 3·10⁶ runs)
        SplittableRandom rng = org.saddlescope.random.RandomStreams.of(7).stream("test");
        int misses = 0, trials = 4000;
        for (int t = 0; t < trials; t++) {
            double[] v = new double[5];
            for (int i = 0; i < v.length; i++) v[i] = 3 + 2 * gaussian(rng);
            Aggregate.Mean m = Aggregate.mean(v, 0.9);
            if (3 < m.low() || 3 > m.high()) misses++;
        }
        assertEquals(400, misses, 95, "misses " + misses);
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    @Test
    void oneSeedHasNoIntervalAndSaysSo() {
        assertEquals("n/a (1 seed)", Aggregate.mean(new double[] {2.5}, 0.95).interval("%.3g"));
        assertEquals("n/a (no runs)", Aggregate.mean(new double[] {Double.NaN}, 0.95).interval("%.3g"));
        String two = Aggregate.mean(new double[] {1, 3}, 0.95).interval("%.3g");
        assertTrue(two.startsWith("[") && !two.contains("NaN"), two);
    }
}
