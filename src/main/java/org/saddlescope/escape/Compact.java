package org.saddlescope.escape;

/**
 * A network with its zero hidden units removed (after pruning and merging a wide Example-1 net keeps ~5 of
 * 64 units): the polish then works on a few dozen parameters instead of thousands. Removing a unit whose
 * incoming row and outgoing column are zero changes neither L0 nor ‖θ‖, so results scatter back exactly.
 */
final class Compact {
    final SmallNetKernel kernel;
    final double[] theta;
    private final SmallNetKernel full;
    private final int[][] keep; // keep[ℓ] = kept unit indices of hidden layer ℓ (identity for input/output)

    private Compact(SmallNetKernel full, SmallNetKernel kernel, int[][] keep, double[] theta) {
        this.full = full;
        this.kernel = kernel;
        this.keep = keep;
        this.theta = theta;
    }

    static Compact of(SmallNetKernel k, double[] theta) {
        int L = k.depth();
        int[] w = k.widths();
        int[][] keep = new int[L + 1][];
        keep[0] = range(w[0]);
        keep[L] = range(w[L]);
        for (int l = 1; l < L; l++) {
            int nout = w[l], nin = w[l - 1], nnext = w[l + 1], o = k.offset(l), on = k.offset(l + 1);
            int[] tmp = new int[nout];
            int c = 0;
            for (int i = 0; i < nout; i++) {
                boolean nz = false;
                for (int q = 0; q < nin && !nz; q++) nz = theta[o + q * nout + i] != 0;
                for (int r = 0; r < nnext && !nz; r++) nz = theta[on + i * nnext + r] != 0;
                if (nz) tmp[c++] = i;
            }
            if (c == 0) tmp[c++] = 0; // keep one (zero) unit so the architecture stays valid
            keep[l] = java.util.Arrays.copyOf(tmp, c);
        }
        int[] cw = new int[L + 1];
        for (int l = 0; l <= L; l++) cw[l] = keep[l].length;
        SmallNetKernel ck = new SmallNetKernel(cw, k.slope(), k.xData(), k.gData(), k.samples());
        double[] ct = new double[ck.size()];
        for (int l = 1; l <= L; l++)
            for (int c = 0; c < cw[l - 1]; c++)
                for (int r = 0; r < cw[l]; r++)
                    ct[ck.offset(l) + c * cw[l] + r] = theta[k.offset(l) + keep[l - 1][c] * w[l] + keep[l][r]];
        return new Compact(k, ck, keep, ct);
    }

    /** Writes compact θ back into a full-size θ (removed units stay zero). */
    double[] scatter(double[] compactTheta) {
        int L = full.depth();
        int[] w = full.widths(), cw = kernel.widths();
        double[] out = new double[full.size()];
        for (int l = 1; l <= L; l++)
            for (int c = 0; c < cw[l - 1]; c++)
                for (int r = 0; r < cw[l]; r++)
                    out[full.offset(l) + keep[l - 1][c] * w[l] + keep[l][r]] = compactTheta[kernel.offset(l) + c * cw[l] + r];
        return out;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }
}
