package org.saddlescope.escape;

import java.util.ArrayDeque;
import java.util.Deque;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Network;

/**
 * The training cost C(Y_θ(X)) minimised over every weight of a small network (the units that have become active in
 * the {@link Staircase}), full batch. {@link #descend}: gradient descent with Armijo backtracking and a step that grows
 * by 1.2 after each accepted step — a discretisation of the gradient flow, which keeps what the flow conserves (every
 * unit's ‖in‖² − ‖out‖², ≈ 0 from a balanced start) and so ends where training would, up to the step error.
 * {@link #minimise}: L-BFGS (Nocedal and Wright, Numerical Optimization, Alg. 7.4; memory 10) with Armijo
 * backtracking, faster but free to drift along the loss's symmetries (rescalings, rotations of linear blocks), so its
 * end point can have other layer ranks for the same function. Both stop when the relative decrease over 50 iterations
 * is below {@code tolerance} or after {@code iterations}. Float64.
 */
public final class ActiveFit {
    private ActiveFit() {}

    /** The fitted network, its loss, the gradient norm at the end, and the iterations taken. */
    public record Result(Network network, double loss, double gradientNorm, int iterations) {}

    public static Result minimise(Network start, Matrix x, Matrix targets, Cost cost, int iterations, double tolerance) {
        Network net = start.to(DType.F64);
        Problem p = new Problem(net, x.to(DType.F64), targets.to(DType.F64), cost);
        int n = (int) net.parameterCount();
        double[] theta = p.pack(), g = new double[n];
        double f = p.valueAndGradient(theta, g);
        Deque<double[][]> memory = new ArrayDeque<>();
        double[] history = new double[iterations + 1];
        history[0] = f;
        int it = 0;
        for (; it < iterations; it++) {
            double[] d = direction(g, memory);
            double slope = dot(d, g);
            if (!(slope < 0)) { d = negate(g); slope = -dot(g, g); memory.clear(); }
            if (slope == 0) break;
            double step = it == 0 && memory.isEmpty() ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
            double[] next = new double[n], gNext = new double[n];
            double fNext = Double.NaN;
            boolean ok = false;
            for (int bt = 0; bt < 50; bt++, step *= 0.5) {
                for (int i = 0; i < n; i++) next[i] = theta[i] + step * d[i];
                fNext = p.valueAndGradient(next, gNext);
                if (fNext <= f + 1e-4 * step * slope) { ok = true; break; }
            }
            if (!ok) break;
            double[] s = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) { s[i] = next[i] - theta[i]; y[i] = gNext[i] - g[i]; }
            if (dot(s, y) > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
                memory.addLast(new double[][] {s, y});
                if (memory.size() > 10) memory.removeFirst();
            }
            theta = next;
            g = gNext;
            f = fNext;
            history[it + 1] = f;
            if (it >= 50 && history[it - 49] - f <= tolerance * Math.abs(history[it - 49])) { it++; break; }
        }
        p.unpack(theta);
        return new Result(net, f, Math.sqrt(dot(g, g)), it);
    }

    /** Largest move of a gradient-descent step, relative to ‖θ‖. */
    static final double MAX_MOVE = 0.02;

    /** Gradient descent with Armijo backtracking and growing steps (each moving θ by at most 2% of ‖θ‖), from {@code start}. */
    public static Result descend(Network start, Matrix x, Matrix targets, Cost cost, int iterations, double tolerance) {
        Network net = start.to(DType.F64);
        Problem p = new Problem(net, x.to(DType.F64), targets.to(DType.F64), cost);
        int n = (int) net.parameterCount();
        double[] theta = p.pack(), g = new double[n], next = new double[n], gNext = new double[n];
        double f = p.valueAndGradient(theta, g);
        double step = 1 / Math.max(Math.sqrt(dot(g, g)), 1e-12);
        double[] history = new double[iterations + 1];
        history[0] = f;
        int it = 0;
        for (; it < iterations; it++) {
            double g2 = dot(g, g);
            if (!(g2 > 0)) break;
            // a step moves θ by at most 2% of its norm: small steps in the flow's time keep what it conserves
            step = Math.min(step, MAX_MOVE * Math.sqrt(Math.max(dot(theta, theta), 1e-300) / g2));
            double fNext = Double.NaN;
            boolean ok = false;
            for (int bt = 0; bt < 60; bt++, step *= 0.5) {
                for (int i = 0; i < n; i++) next[i] = theta[i] - step * g[i];
                fNext = p.valueAndGradient(next, gNext);
                if (fNext <= f - 1e-4 * step * g2) { ok = true; break; }
            }
            if (!ok) break;
            double[] swap = theta; theta = next; next = swap;
            swap = g; g = gNext; gNext = swap;
            f = fNext;
            step *= 1.2;
            history[it + 1] = f;
            if (it >= 50 && history[it - 49] - f <= tolerance * Math.abs(history[it - 49])) { it++; break; }
        }
        p.unpack(theta);
        return new Result(net, f, Math.sqrt(dot(g, g)), it);
    }

    /** The L-BFGS two-loop recursion: −H·g from the stored pairs (−g when there are none). */
    private static double[] direction(double[] g, Deque<double[][]> memory) {
        double[] q = g.clone();
        int m = memory.size();
        double[] alpha = new double[m];
        double[][][] pairs = memory.toArray(new double[0][][]);
        for (int i = m - 1; i >= 0; i--) {
            double[] s = pairs[i][0], y = pairs[i][1];
            alpha[i] = dot(s, q) / dot(y, s);
            for (int k = 0; k < q.length; k++) q[k] -= alpha[i] * y[k];
        }
        if (m > 0) {
            double[] s = pairs[m - 1][0], y = pairs[m - 1][1];
            double gamma = dot(s, y) / dot(y, y);
            for (int k = 0; k < q.length; k++) q[k] *= gamma;
        }
        for (int i = 0; i < m; i++) {
            double[] s = pairs[i][0], y = pairs[i][1];
            double beta = dot(y, q) / dot(y, s);
            for (int k = 0; k < q.length; k++) q[k] += (alpha[i] - beta) * s[k];
        }
        return negate(q);
    }

    private static double[] negate(double[] v) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = -v[i];
        return o;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** The network's cost and gradient at packed weights. */
    private static final class Problem {
        final Network net;
        final Matrix x, t, dY;
        final Cost cost;
        final Network.Workspace ws;
        final Matrix[] grads;

        Problem(Network net, Matrix x, Matrix t, Cost cost) {
            this.net = net;
            this.x = x;
            this.t = t;
            this.cost = cost;
            this.ws = net.workspace(x.cols());
            this.dY = Matrix.zeros(DType.F64, t.rows(), t.cols());
            this.grads = net.zerosLike();
        }

        double[] pack() { return org.saddlescope.net.Parameters.pack(net); }

        void unpack(double[] theta) { org.saddlescope.net.Parameters.unpack(theta, net); }

        double valueAndGradient(double[] theta, double[] g) {
            unpack(theta);
            Matrix y = net.forward(x, ws);
            double f = cost.gradient(y, t, dY);
            net.backward(ws, dY, grads);
            int off = 0;
            for (Matrix m : grads) {
                m.get(0, g, off, m.size());
                off += m.size();
            }
            return f;
        }
    }
}
