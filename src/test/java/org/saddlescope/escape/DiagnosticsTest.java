package org.saddlescope.escape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;

/** The rank diagnostics of an escape direction, on directions whose structure is known exactly. */
class DiagnosticsTest {

    @Test
    void diagnosticsOfTheRankTwoDirection() {
        Network net = Example1.rankTwoNetwork(4);
        Matrix x = Example1.xMatrix(), g = Example1.gMatrix();
        Diagnostics.Report r = Diagnostics.analyse(net, x, g, 4);
        // 1e-15: the rank-two construction's speed and its unit-sphere value, a few float64 operations on exact inputs
        assertEquals(0.5, r.speed(), 1e-15);
        assertEquals(0.5 * Math.pow(3, -1.5), r.speedUnit(), 1e-15);
        // ‖X‖_F = sqrt(8), ‖G‖_F = sqrt(8): r = 8/0.5 = 16, c = 16·sqrt(2 ln 16) ≈ 37.7, c² ≈ 1420 > 3: all vacuous
        assertEquals(16 * Math.sqrt(2 * Math.log(16)), r.c(), 1e-12);
        for (Diagnostics.Layer l : r.layers()) {
            assertTrue(Double.isNaN(l.bound()));
            assertNull(l.belowBound());
            assertEquals(1.0, l.normW(), 1e-15); // balanced: ‖W_ℓ‖_F = 1
        }
        Diagnostics.Layer l1 = r.layers().get(0);
        assertEquals(2, l1.rankW()); // rank two in the first layer (section 4)
        assertEquals(0.5, l1.tailW(), 1e-15); // singular values (1/√2, 1/√2)
        assertEquals(1, r.layers().get(1).rankW());
        assertFalse(r.prop34().isEmpty());
    }

    @Test
    void nonlinearityRatioOfALinearLayerIsZero() {
        Network net = new Network(new int[] {2, 1, 1}, Activation.RELU, DType.F64);
        net.weight(1).set(0, 0, 1);
        net.weight(2).set(0, 0, -1);
        Matrix x = Matrix.of(DType.F64, new double[][] {{1, 2, 3}, {0, 0, 0}}); // W_1 x ≥ 0: ReLU acts as identity
        Matrix g = Matrix.of(DType.F64, new double[][] {{1, 1, 1}});
        Diagnostics.Report r = Diagnostics.analyse(net, x, g, 2);
        assertEquals(0.0, r.layers().get(0).nonlinearity(), 0.0);
        // 1e-12: a speed summed over the samples in float64 (a handful of terms of order one)
        assertEquals(6.0, r.speed(), 1e-12);
    }
}
