package org.saddlescope.escape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;

class Example1Test {

    @Test
    void rankOneSpeedFromTheNetworkMatchesEquation6() {
        // 997 angles (not commensurate with π/4, so kinks and generic points are both hit) over [0, 2π).
        double max = 0;
        for (int i = 0; i < 997; i++) {
            double phi = 2 * Math.PI * i / 997;
            double net = Example1.rankOneSpeed(phi);
            // both sides are sums of four cosines of size ≤ 1: agreement to rounding
            assertEquals(Example1.equation6(phi), net, 1e-13, "phi = " + phi);
            max = Math.max(max, net);
        }
        // 1e-15: equation 6 at the optimal angles, sines and cosines of multiples of π/4 (rounded to an ulp)
        for (int j = 0; j < 8; j++) assertEquals(Math.sqrt(2) - 1, Example1.rankOneSpeed(j * Math.PI / 4), 1e-15);
        assertTrue(max <= Math.sqrt(2) - 1 + 1e-15);
    }

    @Test
    void rankTwoConstructionHasSpeedOneHalf() {
        Network net = Example1.rankTwoNetwork(4);
        assertEquals(3.0, net.normSquared(), 1e-15); // each layer has unit Frobenius norm
        // the outputs are ±1/4 sums of exactly representable values (sin/cos at multiples of π/4 up to rounding)
        assertEquals(0.5, Example1.speed(net), 1e-15);
        assertEquals(0.5, Example1.speed(Example1.rankTwoNetwork(16)), 1e-15);
    }

    @Test
    void searchWithKinkPolishReachesOneHalfAndReportsWhatItFinds() {
        // Whether 1/2 is optimal is the paper's open conjecture (footnote 2): a test must not assert it. What the
        // search must do: stay on the sphere, reach the rank-two speed 1/2, and report speeds that the weights it
        // returns attain (recomputed here through net.Network's BLAS forward pass, an independent implementation).
        SmallNetKernel k = Example1.kernel(8);
        List<SphereSearch.Result> rs = SphereSearch.restarts(k, 16, RandomStreams.of(1), SphereSearch.Options.defaults()
                .withSolver(SphereSearch.Solver.PGD).withIterations(1500), 2, null);
        int half = 0;
        double largest = 0;
        for (SphereSearch.Result r : rs) {
            // 1e-12: the sphere ‖θ‖² = 3, exact but for the rounding of a sum of squares
            assertEquals(3.0, SmallNetKernel.norm2(r.theta()), 1e-12);
            Network net = k.toNetwork(r.theta(), org.saddlescope.net.Activation.RELU, org.saddlescope.linalg.DType.F64);
            assertEquals(Example1.speed(net), r.speed(), 1e-13); // sums of ≤ 8 terms of size ≤ 1: rounding only
            if (Math.abs(r.speed() - 0.5) < 1e-9) half++;
            largest = Math.max(largest, r.speed());
        }
        assertTrue(half >= 1, "no restart reached 1/2 within 1e-9");
        System.out.println("Example 1, width 8, 16 restarts: largest speed found " + largest + " (1/2 + "
                + (largest - 0.5) + "); the conjecture is reported by reproduce example1, not asserted");
    }
}
