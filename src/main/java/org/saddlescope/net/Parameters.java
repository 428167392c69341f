package org.saddlescope.net;

import org.saddlescope.linalg.Matrix;

/** θ as one flat array: W_1..W_L, each in column-major order (the state of gradient flows and quasi-Newton fits). */
public final class Parameters {
    private Parameters() {}

    /** θ packed (the compute-dtype weights; under mixed precision their float32 part). */
    public static double[] pack(Network n) {
        double[] y = new double[Math.toIntExact(n.parameterCount())];
        int off = 0;
        for (int l = 1; l <= n.depth(); l++) {
            Matrix w = n.weight(l);
            w.get(0, y, off, w.size());
            off += w.size();
        }
        return y;
    }

    /** Writes the first P entries of y into the network's weights (float32 or float64; not mixed precision). */
    public static void unpack(double[] y, Network n) {
        if (n.precision() == Precision.MIXED) throw new IllegalArgumentException("unpack into a mixed-precision network");
        int off = 0;
        for (int l = 1; l <= n.depth(); l++) {
            Matrix w = n.weight(l);
            w.put(0, y, off, w.size());
            off += w.size();
        }
    }
}
