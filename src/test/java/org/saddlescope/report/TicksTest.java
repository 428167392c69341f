package org.saddlescope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class TicksTest {
    /** 7 px per character: a stand-in for the 11 pt tick font (the property tests need widths, not a font). */
    static final ToDoubleFunction<String> WIDTH = s -> 7.0 * s.length();

    static List<String> labels(List<Ticks.Tick> t) {
        return t.stream().filter(Ticks.Tick::major).map(Ticks.Tick::label).toList();
    }

    @Test
    void linearLabelsCarryTheDecimalsTheirStepNeeds() {
        assertEquals(List.of("0", "10000", "20000", "30000", "40000"), labels(Ticks.linear(0, 40000, 600, WIDTH, 24)));
        List<String> small = labels(Ticks.linear(0.05, 0.3, 300, s -> 12, 16));
        assertTrue(small.contains("0.10") && small.contains("0.20"), small.toString()); // never ".1" or "0.1" beside "0.05"
        for (String l : labels(Ticks.linear(0, 6e6, 400, WIDTH, 24))) assertTrue(l.equals("0") || l.endsWith("10⁶"), l);
        assertEquals("−0.5", Ticks.plain(-0.5, 1));
    }

    @Test
    void logAxesLabelDecadesInOneNotation() {
        assertEquals(List.of("10", "100", "1000", "10000"), labels(Ticks.log(10, 40000, 600, WIDTH, 24)));
        assertEquals(List.of("10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹", "10²"),
                labels(Ticks.log(1e-5, 100, 400, s -> 12, 16)));
        // minor ticks at 2..9 × 10^k where a decade is wide enough
        long minors = Ticks.log(10, 40000, 600, WIDTH, 24).stream().filter(t -> !t.major()).count();
        assertTrue(minors >= 25, "minor ticks: " + minors);
    }

    @Test
    void narrowLogAxesStillGetTwoOrMoreLabels() {
        List<String> a = labels(Ticks.log(0.3, 0.9, 250, s -> 12, 16));
        assertTrue(a.size() >= 2, a.toString());
        List<String> b = labels(Ticks.log(0.052, 0.068, 250, s -> 12, 16)); // inside one 1..9 step: linear ticks
        assertTrue(b.size() >= 2, b.toString());
        List<String> c = labels(Ticks.log(1.2, 40, 250, s -> 12, 16)); // under two decades: 1-2-5
        assertTrue(c.contains("2") && c.contains("5") && c.contains("10") && c.contains("20"), c.toString());
    }

    /** Random ranges on both kinds of axis: at least two labels, none touching, no Java "1E4" notation, short. */
    @Test
    void randomRangesGiveReadableTicks() {
        Random r = new Random(7);
        for (int k = 0; k < 2000; k++) {
            boolean log = r.nextBoolean();
            double lo = log ? Math.pow(10, -8 + 14 * r.nextDouble()) : (r.nextDouble() - 0.5) * Math.pow(10, -6 + 12 * r.nextDouble());
            double span = log ? Math.pow(10, 0.05 + 8 * r.nextDouble()) : Math.abs(lo) * Math.pow(10, -3 + 5 * r.nextDouble()) + 1e-12;
            double hi = log ? lo * span : lo + span;
            double len = 150 + 600 * r.nextDouble();
            List<Ticks.Tick> t = log ? Ticks.log(lo, hi, len, WIDTH, 12) : Ticks.linear(lo, hi, len, WIDTH, 12);
            List<String> l = labels(t);
            String what = (log ? "log " : "linear ") + lo + ".." + hi + " over " + len + " px: " + l;
            assertTrue(l.size() >= 2, what);
            double a = log ? Math.log10(lo) : lo, b = log ? Math.log10(hi) : hi, prevEnd = Double.NEGATIVE_INFINITY;
            for (Ticks.Tick tick : t) {
                if (!tick.major()) continue;
                assertTrue(tick.at() >= a - 1e-9 * Math.max(1, Math.abs(a)) && tick.at() <= b + 1e-9 * Math.max(1, Math.abs(b)), what);
                double c = (tick.at() - a) / (b - a) * len, half = WIDTH.applyAsDouble(tick.label()) / 2;
                assertTrue(c - half >= prevEnd + 12 - 1e-6 || l.size() <= 2, "labels touch: " + what);
                prevEnd = c + half;
                assertFalse(tick.label().contains("E"), what);
                assertTrue(tick.label().length() <= 12, what);
            }
            assertEquals(l.size(), l.stream().distinct().count(), "distinct labels: " + what);
        }
    }

    @Test
    void integerTicksAreWholeNumbers() {
        for (double[] r : new double[][] {{2.85, 6.15}, {0.9, 2.1}, {1, 40}, {-0.5, 3.5}, {0, 1000}}) {
            for (Ticks.Tick t : Ticks.integer(r[0], r[1], 300, WIDTH, 24)) {
                assertEquals(Math.rint(t.at()), t.at(), "whole: " + t);
                assertFalse(t.label().contains("."), t.label());
            }
        }
        assertEquals(List.of("3", "4", "5", "6"), labels(Ticks.integer(2.85, 6.15, 300, WIDTH, 24)));
    }

    @Test
    void aLogAxisLabelsItsUnlabelledEnd() {
        // 0.005 .. 5: decades 0.01, 0.1, 1 leave the top 0.7 decades bare; 2 or 5 labels it (the compare plot's ‖θ‖)
        List<String> l = labels(Ticks.log(0.005, 5, 260, s -> 14, 14));
        assertTrue(l.contains("0.01") && l.contains("1"), l.toString());
        assertTrue(l.contains("5") || l.contains("2"), "the top end labelled: " + l);
    }
}
