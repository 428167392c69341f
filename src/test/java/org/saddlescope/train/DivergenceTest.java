package org.saddlescope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;

/** The divergence threshold: 10⁶ × C(0), with C(0) the cost of the zero output (closed forms below). */
class DivergenceTest {
    @Test
    void thresholdIsAMillionTimesTheCostOfZero() {
        // MSE with targets (1, 0; 0, 2) in two columns: C(0) = (1/N)‖Y*‖² = (1 + 4)/2 = 2.5
        Matrix t = Matrix.of(DType.F64, new double[][] {{1, 0}, {0, 2}});
        Divergence d = Divergence.of(Cost.parse("mse"), t);
        // 1e-6 absolute on thresholds of order 1e6: a relative 1e-12, float64 rounding of the mean of the targets
        assertEquals(2.5e6, d.threshold(), 1e-6);
        assertNull(d.loss(2.4e6));
        assertNotNull(d.loss(2.6e6));
        assertTrue(d.loss(Double.NaN).contains("NaN"));
        assertTrue(d.loss(Double.POSITIVE_INFINITY).contains("Infinity"));
        // cross-entropy over K = 2 classes: C(0) = log 2
        Matrix onehot = Matrix.of(DType.F64, new double[][] {{1, 0}, {0, 1}});
        assertEquals(1e6 * Math.log(2), Divergence.of(Cost.parse("cross_entropy"), onehot).threshold(), 1e-6);
        // all-zero targets: C(0) = 0, only finiteness is checked
        assertEquals(Double.POSITIVE_INFINITY, Divergence.of(Cost.parse("mse"), Matrix.zeros(DType.F64, 2, 2)).threshold());
    }
}
