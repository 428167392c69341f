package org.saddlescope.train.flow;

import org.apache.commons.math3.ode.nonstiff.ClassicalRungeKuttaIntegrator;

/** What the flows share: the decade segments of the clock, the event finder's tolerance and the forced RK4 step. */
final class FlowSupport {
    private FlowSupport() {}

    /** One classical RK4 step at a kink, where the error control asks for less than the minimum step. */
    static final ClassicalRungeKuttaIntegrator RK4 = new ClassicalRungeKuttaIntegrator(1.0);

    /** End of the integration segment that starts at {@code from}: the next power of ten, first 1e-12·maxTime. */
    static double segmentEnd(double from, double maxTime) {
        if (!(from > 0)) return Math.min(maxTime, Math.max(1e-12 * maxTime, Double.MIN_NORMAL));
        double next = Math.pow(10, Math.floor(Math.log10(from)) + 1);
        if (next <= from) next = from * 10; // rounding of log10 at exact powers
        return Math.min(maxTime, next);
    }

    /**
     * Absolute convergence of the event finder, a few ulps of the clock: commons-math skips a root closer than this
     * to the step start, and steps before a blow-up get that short.
     */
    static double eventTolerance(double maxTime) {
        return Math.max(1e-300, 8 * Math.ulp(Math.abs(maxTime)));
    }

    /** Squared Euclidean norm of the first p entries. */
    static double norm2(double[] y, int p) {
        double s = 0;
        for (int k = 0; k < p; k++) s += y[k] * y[k];
        return s;
    }

    /** Whether a and b agree to 1e-12 of their largest entry in the first n entries (an interpolated end state vs the stage). */
    static boolean same(double[] a, double[] b, int n) {
        if (a == null || b == null) return false;
        double max = 0, diff = 0;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, Math.abs(a[k]));
            diff = Math.max(diff, Math.abs(a[k] - b[k]));
        }
        return diff <= 1e-12 * Math.max(max, Double.MIN_NORMAL);
    }
}
