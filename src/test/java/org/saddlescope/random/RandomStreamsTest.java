package org.saddlescope.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomStreamsTest {
    private static final String[] NAMES = {"data", "data-test", "subset", "init", "shuffle", "restart", "sketch", "teacher", "bench"};

    @Test
    void gammaInverseIsTheInverse() {
        assertEquals(1L, RandomStreams.GAMMA * RandomStreams.GAMMA_INVERSE);
    }

    @Test
    void drawsApartCountsSplittableRandomSteps() {
        // A generator advanced k times is in the state of a generator started k·γ further on.
        long a = 12345;
        for (long k : new long[] {0, 1, 7, 1_000_000}) {
            assertEquals(k, RandomStreams.drawsApart(a, a + k * RandomStreams.GAMMA));
            assertEquals(k, RandomStreams.drawsApart(a + k * RandomStreams.GAMMA, a));
            SplittableRandom r = new SplittableRandom(a);
            for (long i = 0; i < Math.min(k, 10); i++) r.nextLong();
            if (k <= 10) assertEquals(r.nextLong(), new SplittableRandom(a + k * RandomStreams.GAMMA).nextLong());
        }
    }

    @Test
    void noTwoStreamsOfARunOverlapWithinABillionDraws() {
        // Within a run (one seed): every named stream with indices 0..255 (epochs, restarts) starts more than
        // 2^30 draws away from every other, more than any one stream draws (θ0 of the paper's net is 4.8e6
        // draws, a shuffle 6e4). The old scheme (every class starting SplittableRandom(seed)) gives 0 here.
        // States are hashes, so this is a check of the construction, not a proof: for 2304 random 64-bit
        // states the chance of a pair within 2^30 is 2.65e6 pairs x 2^-33 = 3e-4 per seed.
        long limit = 1L << 30;
        for (long seed = 0; seed < 16; seed++) {
            RandomStreams s = RandomStreams.of(seed);
            List<Long> states = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (String n : NAMES) {
                for (long i = 0; i < 256; i++) {
                    states.add(s.stateOf(n, i));
                    labels.add(seed + "/" + n + "/" + i);
                }
            }
            for (int i = 0; i < states.size(); i++) {
                for (int j = i + 1; j < states.size(); j++) {
                    long d = RandomStreams.drawsApart(states.get(i), states.get(j));
                    assertTrue(Long.compareUnsigned(d, limit) > 0, labels.get(i) + " and " + labels.get(j) + " are " + d + " draws apart");
                }
            }
        }
    }

    @Test
    void theOldSchemeFailsTheOverlapCheck() {
        // new SplittableRandom(seed) in two places: the same state, 0 draws apart.
        assertEquals(0, RandomStreams.drawsApart(0, 0));
        assertEquals(1, RandomStreams.drawsApart(5, 5 + RandomStreams.GAMMA));
    }

    @Test
    void streamsAreReproducibleAndIndependentOfRequestOrder() {
        RandomStreams s = RandomStreams.of(42);
        long a = s.stream("init").nextLong();
        s.stream("data").nextLong();
        assertEquals(a, RandomStreams.of(42).stream("init").nextLong());
        assertNotEquals(a, RandomStreams.of(43).stream("init").nextLong());
        assertNotEquals(s.stream("shuffle", 0).nextLong(), s.stream("shuffle", 1).nextLong());
    }

    @Test
    void streamsOfOneSeedAreUncorrelated() {
        // Gaussian draws of "data" and "init" with the same run seed: |corr| ~ N(0, 1/n); 5/sqrt(n) is a 5-sigma bound.
        int n = 100_000;
        for (long seed = 0; seed < 4; seed++) {
            SplittableRandom x = RandomStreams.of(seed).stream("data");
            SplittableRandom y = RandomStreams.of(seed).stream("init");
            double sxy = 0, sxx = 0, syy = 0;
            for (int i = 0; i < n; i++) {
                double u = x.nextGaussian(), v = y.nextGaussian();
                sxy += u * v; sxx += u * u; syy += v * v;
            }
            double corr = sxy / Math.sqrt(sxx * syy);
            assertTrue(Math.abs(corr) < 5 / Math.sqrt(n), "seed " + seed + ": corr " + corr);
        }
    }
}
