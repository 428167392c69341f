package org.saddlescope.escape;

import java.util.ArrayList;
import java.util.List;

/**
 * Final polish that handles ReLU kinks. The optimum of Example 1 (section 4, equation 2) has pre-activations
 * that are exactly zero on some samples; gradient steps cross these kinks back and forth and stall a little
 * below the optimal speed. Here the pre-activations that are nearly zero (|Z_ℓ[i,j]| ≤ τ·max|Z_ℓ|) are declared
 * kinks and held at exactly zero: on the manifold M = {θ : Z_ℓ[i,j](θ) = 0 on the kinks, ‖θ‖² = L} the loss is
 * smooth (the kinked units output σ(0) = 0 whatever side), so we run Riemannian gradient descent on M:
 * direction = ∇L0 (σ' = 0 on kinks) projected orthogonally to span{∇Z_ℓ[i,j], θ}; retraction = project each
 * kinked row of W_ℓ, layer by layer in forward order, onto the orthogonal complement of its kinked samples'
 * Z_{ℓ-1}^σ columns (this makes those Z_ℓ[i,j] exactly zero), then rescale to the sphere (L0 is homogeneous,
 * zeros stay zero). Several τ are tried; the lowest L0 wins. Every candidate is a genuine point of the sphere and
 * its L0 is evaluated by a plain forward pass, so the polish can only report speeds that the network attains.
 * Small networks only (uses {@link SmallNetKernel}).
 */
final class KinkPolish {
    private KinkPolish() {}

    /** kinkResidual: ‖projected gradient‖/s on M (the stationarity residual with the kinks as constraints). */
    record Outcome(double[] theta, double kinkResidual, int kinks, int iterations) {}

    static final double[] TOLERANCES = {0.2, 0.05, 0.01, 1e-3, 1e-6};
    /** Above this many kinks the projection (Gram–Schmidt over the constraint gradients) is skipped as too costly. */
    static final int MAX_KINKS = 64;

    static Outcome polish(SmallNetKernel k, SmallNetKernel.Workspace ws, double[] theta0, int maxIter) {
        double[] best = theta0.clone();
        double bestV = k.value(best, ws);
        byte[][] bestMask = detect(k, ws, best, 1e-8);
        int iters = 0;
        List<byte[][]> tried = new ArrayList<>();
        for (double tau : TOLERANCES) {
            double[] th = theta0.clone();
            k.value(th, ws);
            byte[][] mask = detect(k, ws, th, tau);
            if (count(mask) > MAX_KINKS || contains(tried, mask)) continue;
            tried.add(mask);
            project(k, ws, th, mask);
            SmallNetKernel.scaleToSphere(th, k.depth());
            int used = descend(k, ws, th, mask, maxIter);
            iters += used;
            double v = k.value(th, ws);
            if (v < bestV) {
                bestV = v;
                best = th;
                bestMask = mask;
            }
        }
        k.value(best, ws);
        double res = count(bestMask) > MAX_KINKS ? Double.NaN : manifoldResidual(k, ws, best, bestMask);
        return new Outcome(best, res, count(bestMask), iters);
    }

    /** Kinks: hidden pre-activations with |Z_ℓ[i,j]| ≤ τ·max|Z_ℓ| (after a forward pass in ws). */
    static byte[][] detect(SmallNetKernel k, SmallNetKernel.Workspace ws, double[] theta, double tau) {
        k.value(theta, ws);
        int L = k.depth();
        byte[][] mask = new byte[L][];
        for (int l = 1; l < L; l++) {
            double[] z = ws.z[l];
            double mx = 0;
            for (double v : z) mx = Math.max(mx, Math.abs(v));
            mask[l] = new byte[z.length];
            if (mx == 0) continue;
            int nout = k.widths()[l];
            for (int q = 0; q < z.length; q++) {
                if (Math.abs(z[q]) <= tau * mx && unitAlive(z, nout, q % nout, k.samples())) mask[l][q] = 1;
            }
        }
        return mask;
    }

    private static boolean unitAlive(double[] z, int nout, int i, int n) {
        for (int j = 0; j < n; j++) if (z[j * nout + i] > 0) return true;
        return false;
    }

    private static boolean contains(List<byte[][]> list, byte[][] m) {
        for (byte[][] o : list) if (java.util.Arrays.deepEquals(o, m)) return true;
        return false;
    }

    static int count(byte[][] mask) {
        int c = 0;
        for (byte[] m : mask) if (m != null) for (byte b : m) c += b;
        return c;
    }

    /** Retraction onto the kink constraints (see class comment); leaves ws holding the new forward pass. */
    static void project(SmallNetKernel k, SmallNetKernel.Workspace ws, double[] theta, byte[][] mask) {
        int L = k.depth(), N = k.samples();
        int[] w = k.widths();
        for (int l = 1; l <= L; l++) {
            if (l < L) {
                int nout = w[l], nin = w[l - 1], o = k.offset(l);
                double[] h = ws.a[l - 1];
                for (int i = 0; i < nout; i++) {
                    List<double[]> basis = new ArrayList<>();
                    for (int j = 0; j < N; j++) {
                        if (mask[l][j * nout + i] == 0) continue;
                        double[] v = new double[nin];
                        System.arraycopy(h, j * nin, v, 0, nin);
                        addOrthonormal(basis, v);
                    }
                    for (double[] q : basis) {
                        double d = 0;
                        for (int c = 0; c < nin; c++) d += q[c] * theta[o + c * nout + i];
                        for (int c = 0; c < nin; c++) theta[o + c * nout + i] -= d * q[c];
                    }
                }
            }
            k.forwardLayer(theta, ws, l);
            if (l < L) { // exact zeros on the kinks (rounding leaves ~1e-17)
                double[] z = ws.z[l], a = ws.a[l];
                for (int q = 0; q < z.length; q++) if (mask[l][q] != 0) { z[q] = 0; a[q] = 0; }
            }
        }
    }

    /** Gram–Schmidt (twice, for stability); drops vectors already in the span. */
    static void addOrthonormal(List<double[]> basis, double[] v) {
        double n0 = Math.sqrt(SmallNetKernel.norm2(v));
        if (n0 == 0) return;
        for (int pass = 0; pass < 2; pass++)
            for (double[] q : basis) {
                double d = 0;
                for (int i = 0; i < v.length; i++) d += q[i] * v[i];
                for (int i = 0; i < v.length; i++) v[i] -= d * q[i];
            }
        double n = Math.sqrt(SmallNetKernel.norm2(v));
        if (n <= 1e-10 * n0) return;
        for (int i = 0; i < v.length; i++) v[i] /= n;
        basis.add(v);
    }

    /** Projected gradient on M into dir; returns L0. ws must hold the forward pass of theta. */
    static double direction(SmallNetKernel k, SmallNetKernel.Workspace ws, double[] theta, byte[][] mask, double[] dir) {
        int L = k.depth(), N = k.samples(), P = theta.length;
        int[] w = k.widths();
        double l0 = 0;
        double[] y = ws.z[L], g = k.gData();
        for (int q = 0; q < y.length; q++) l0 += g[q] * y[q];
        List<double[]> basis = new ArrayList<>();
        for (int l = 1; l < L; l++) {
            int nout = w[l];
            for (int q = 0; q < nout * N; q++) {
                if (mask[l][q] == 0) continue;
                double[] e = new double[nout * N];
                e[q] = 1;
                double[] c = new double[P];
                k.backwardFrom(theta, c, ws, e, l, mask);
                addOrthonormal(basis, c);
            }
        }
        addOrthonormal(basis, theta.clone());
        k.backwardFrom(theta, dir, ws, g, L, mask);
        for (double[] q : basis) {
            double d = 0;
            for (int i = 0; i < P; i++) d += q[i] * dir[i];
            for (int i = 0; i < P; i++) dir[i] -= d * q[i];
        }
        return l0;
    }

    static double manifoldResidual(SmallNetKernel k, SmallNetKernel.Workspace ws, double[] theta, byte[][] mask) {
        k.value(theta, ws);
        double[] dir = new double[theta.length];
        double l0 = direction(k, ws, theta, mask, dir);
        return Math.sqrt(SmallNetKernel.norm2(dir)) / Math.abs(l0);
    }

    /** Armijo descent on M; returns iterations. */
    static int descend(SmallNetKernel k, SmallNetKernel.Workspace ws, double[] theta, byte[][] mask, int maxIter) {
        int P = theta.length, L = k.depth();
        double[] dir = new double[P], trial = new double[P];
        double eta = 0.05;
        k.value(theta, ws);
        int it = 0;
        for (; it < maxIter; it++) {
            double l0 = direction(k, ws, theta, mask, dir);
            double d2 = SmallNetKernel.norm2(dir);
            if (l0 >= 0 || Math.sqrt(d2) <= 1e-11 * Math.abs(l0)) break; // ~1e-22 in L0: below rounding of s
            boolean ok = false;
            for (int bt = 0; bt < 50; bt++) {
                for (int i = 0; i < P; i++) trial[i] = theta[i] - eta * dir[i];
                k.value(trial, ws);
                project(k, ws, trial, mask);
                SmallNetKernel.scaleToSphere(trial, L);
                double v = k.value(trial, ws);
                if (v <= l0 - 1e-4 * eta * d2) {
                    System.arraycopy(trial, 0, theta, 0, P);
                    eta *= 1.5;
                    ok = true;
                    break;
                }
                eta *= 0.5;
            }
            if (!ok) break;
            k.value(theta, ws);
            project(k, ws, theta, mask); // re-zero kinks exactly in ws (θ already satisfies them up to rounding)
        }
        return it;
    }
}
