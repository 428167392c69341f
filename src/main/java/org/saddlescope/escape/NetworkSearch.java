package org.saddlescope.escape;

import java.util.ArrayList;
import java.util.List;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.LocalizedLoss;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.theory.EscapeSpeed;

/**
 * Escape-direction search for networks too large for {@link SmallNetKernel} (real data: d_in = 784, widths of a
 * few hundred, thousands of samples): the same Riemannian gradient descent with Armijo steps as
 * {@link SphereSearch} (tangent part ∇L0 − L0·ρ by Euler's theorem, fixed steps across kinks), on {@link Network}'s
 * BLAS forward and backward passes in the data's dtype, plus removal of units inactive on every sample. Speeds on
 * the √L sphere (Definition 2.1). No kink polish here (it needs a backward pass per kink).
 */
public final class NetworkSearch {
    private NetworkSearch() {}

    public record Options(int iterations, double lr, double tolerance, boolean prune) {}

    public record Result(int index, Network direction, double speed, double speedUnit, double residual, int iterations,
                         int prunedUnits, long nanos, List<double[]> trace) {}

    /** Restarts in sequence (BLAS already uses the cores); start i is N(0,1) from the stream ("restart", i), rescaled. */
    public static List<Result> restarts(int[] widths, org.saddlescope.net.Activation act, Matrix x, Matrix g, int count,
                                        RandomStreams streams, Options o, ProgressListener progress) {
        List<Result> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Network net = new Network(widths, act, x.dtype());
            Init.gaussian(net, 1.0, streams.stream("restart", i));
            final int idx = i;
            out.add(solve(net, x, g, o, i, progress == null ? null
                    : (d, t, st) -> progress.progress((long) idx * t + d, (long) count * t, "restart " + (idx + 1) + "/" + count + " " + st)));
        }
        return out;
    }

    public static Result solve(Network net, Matrix x, Matrix g, Options o, int index, ProgressListener progress) {
        long t0 = System.nanoTime();
        int L = net.depth();
        net.scale(Math.sqrt(L / net.normSquared()));
        Network trial = net.copy();
        Network.Workspace ws = net.workspace(x.cols());
        Matrix[] grads = net.zerosLike();
        Matrix[] tan = net.zerosLike();
        List<double[]> trace = new ArrayList<>();
        double eta = o.lr();
        LocalizedLoss localized = new LocalizedLoss(g);
        double l0 = localized.value(net.forward(x, ws));
        net.backward(ws, g, grads);
        int it = 0, pruned = 0;
        double rel = Double.NaN;
        Network best = null;
        double bestL0 = l0;
        for (; it < o.iterations(); it++) {
            double tn2 = 0;
            for (int l = 0; l < L; l++) {
                tan[l].copyFrom(grads[l]);
                tan[l].addScaled(-l0, net.weight(l + 1));
                tn2 += tan[l].frobeniusNorm2();
            }
            rel = Math.sqrt(tn2) / Math.abs(l0);
            trace.add(new double[] {it, -l0, rel});
            if (progress != null && it % 10 == 0) progress.progress(it, o.iterations(), String.format("s=%.6g res=%.2g", -l0, rel));
            if (l0 < 0 && rel < o.tolerance()) break;
            // Armijo backtracking; where it finds no descent down to 1e-3·lr (a ReLU kink, see SphereSearch.rgd) one
            // fixed step of lr crosses the kink, and the best iterate seen is kept
            boolean ok = false;
            double v = l0;
            for (; eta >= 1e-3 * o.lr(); eta *= 0.5) {
                trial.copyFrom(net);
                trial.addScaled(-eta, tan);
                trial.scale(Math.sqrt(L / trial.normSquared()));
                v = localized.value(trial.forward(x, ws));
                if (v <= l0 - 1e-4 * eta * tn2) { ok = true; break; }
            }
            if (!ok) {
                if (best == null) best = net.copy(); else if (l0 <= bestL0) best.copyFrom(net);
                if (l0 <= bestL0) bestL0 = l0;
                eta = o.lr();
                trial.copyFrom(net);
                trial.addScaled(-eta, tan);
                trial.scale(Math.sqrt(L / trial.normSquared()));
                v = localized.value(trial.forward(x, ws));
            } else {
                eta *= 1.5;
            }
            Network sw = net; net = trial; trial = sw;
            l0 = v;
            net.backward(ws, g, grads);
            if (o.prune() && it % 25 == 24) {
                int p = prune(net, x, ws);
                if (p > 0) {
                    pruned += p;
                    l0 = localized.value(net.forward(x, ws));
                    net.backward(ws, g, grads);
                }
            }
        }
        if (best != null && bestL0 < localized.value(net.forward(x, ws))) net.copyFrom(best);
        if (o.prune()) pruned += prune(net, x, ws);
        l0 = localized.value(net.forward(x, ws));
        net.backward(ws, g, grads);
        double s = -l0, r2 = 0;
        for (int l = 0; l < L; l++) {
            tan[l].copyFrom(grads[l]);
            tan[l].addScaled(s, net.weight(l + 1));
            r2 += tan[l].frobeniusNorm2();
        }
        for (Matrix m : grads) m.close();
        for (Matrix m : tan) m.close();
        return new Result(index, net, s, EscapeSpeed.unitSpeed(s, L), Math.sqrt(r2) / Math.abs(s), it, pruned,
                System.nanoTime() - t0, trace);
    }

    /** Zeroes hidden units inactive on every sample (ReLU-like: σ(z) = 0 for z ≤ 0) and rescales; returns the count. */
    static int prune(Network net, Matrix x, Network.Workspace ws) {
        if (net.activation().value(-1.0) != 0.0) return 0;
        int L = net.depth(), removed = 0;
        net.forward(x, ws);
        for (int l = 1; l < L; l++) {
            Matrix z = ws.preactivation(l);
            Matrix w = net.weight(l), next = net.weight(l + 1);
            int n = z.rows(), N = z.cols();
            double[] zz = z.toDoubleArray();
            for (int i = 0; i < n; i++) {
                boolean active = false;
                for (int j = 0; j < N && !active; j++) active = zz[i + j * n] > 0;
                if (active) continue;
                boolean nonzero = false;
                for (int c = 0; c < w.cols() && !nonzero; c++) nonzero = w.get(i, c) != 0;
                for (int r = 0; r < next.rows() && !nonzero; r++) nonzero = next.get(r, i) != 0;
                if (!nonzero) continue;
                for (int c = 0; c < w.cols(); c++) w.set(i, c, 0);
                for (int r = 0; r < next.rows(); r++) next.set(r, i, 0);
                removed++;
            }
        }
        if (removed > 0) net.scale(Math.sqrt(L / net.normSquared()));
        return removed;
    }
}
