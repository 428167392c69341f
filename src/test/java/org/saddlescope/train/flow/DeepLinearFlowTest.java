package org.saddlescope.train.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;

/**
 * Gradient flow against closed forms on deep linear networks.
 *
 * <p>Reduction: whitened inputs (X Xᵀ = N I), teacher Y* = s* u vᵀ X and a balanced rank-one start
 * W_ℓ = a·u_ℓu_{ℓ−1}ᵀ (u_0 = v, u_L = u). Then L = (1/N)‖(W_L⋯W_1 − s*uvᵀ)X‖² = (a^L − s*)² and
 * ∂L/∂W_ℓ = 2(a^L − s*)a^(L−1)·u_ℓu_{ℓ−1}ᵀ, so the flow stays balanced rank-one with
 * da/dt = 2(s* − a^L)a^(L−1) (Saxe, McClelland & Ganguli 2014 for L = 2; Arora, Cohen & Hazan 2018 for
 * deep linear nets). For L = 2, w = a² solves the logistic equation dw/dt = 4(s* − w)w:
 * w(t) = s*w0e^(4s*t) / (s* − w0 + w0e^(4s*t)). For L ≥ 3 the solution is t(a) = ∫_{a0}^a db / (2(s* − b^L)b^(L−1)),
 * evaluated here by Gauss–Legendre quadrature (independent of the Runge–Kutta code).
 */
class DeepLinearFlowTest {

    record Setup(Network start, Matrix x, Matrix y, double sStar) { }

    static Setup setup(int depth, double a0, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int d = 3, hidden = 4, out = 2;
        int[] widths = new int[depth + 1];
        widths[0] = d;
        for (int l = 1; l < depth; l++) widths[l] = hidden;
        widths[depth] = out;
        double[][] u = new double[depth + 1][];
        for (int l = 0; l <= depth; l++) u[l] = Constructions.unit(rng, widths[l]);
        Matrix x = Constructions.whitenedInputs(d);
        double sStar = 1.5;
        Matrix y = Constructions.teacher(sStar, u[depth], u[0], x);
        return new Setup(Constructions.balancedRankOne(widths, Activation.IDENTITY, a0, u), x, y, sStar);
    }

    @Test
    void twoLayerFlowFollowsTheLogisticSolution() {
        Setup s = setup(2, 0.05, 1);
        double[] probes = new double[40];
        for (int i = 0; i < probes.length; i++) probes[i] = 0.1 * (i + 1);
        GradientFlow.Result r = new GradientFlow(s.start(), s.x(), s.y(), new SquaredError())
                .run(GradientFlow.Options.realTime(4.0).withProbes(probes));
        double w0 = 0.05 * 0.05, st = s.sStar();
        assertEquals(probes.length, r.probes().size());
        for (GradientFlow.Probe p : r.probes()) {
            double e = Math.exp(4 * st * p.t());
            double w = st * w0 * e / (st - w0 + w0 * e);
            double a = p.norm() / Math.sqrt(2);
            // relTol 1e-10 per step over ~100 steps: 1e-8 relative leaves a margin of ~10×.
            assertEquals(w, a * a, 1e-8 * w, "w at t=" + p.t());
            // the loss (w − s*)² moves by 2|w − s*|·δw ≤ 2s*·1e-8·w ≤ 2e-8·s*² for the same relative error in w: 1e-8·s*²
            // holds wherever w has its 1e-8 and fails at any term of the loss that is wrong
            assertEquals((w - st) * (w - st), p.loss(), 1e-8 * st * st, "loss at t=" + p.t());
        }
        // the last probe sits where the logistic solution has (s* − w)/s* ≈ e^(−4s*t) < 1e-4, a loss well below 1e-6·s*²
        assertTrue(r.probes().get(probes.length - 1).loss() < 1e-6, "the flow learns the teacher");
    }

    @ParameterizedTest(name = "L = {0}")
    @ValueSource(ints = {3, 4})
    void deepFlowFollowsTheScalarEquation(int depth) {
        double a0 = 0.2;
        Setup s = setup(depth, a0, 10 + depth);
        double st = s.sStar(), aStar = Math.pow(st, 1.0 / depth);
        // t for a = 0.9·a*, from the quadrature; probes at fractions of it stay on the part where the integral is tame.
        IterativeLegendreGaussIntegrator quad = new IterativeLegendreGaussIntegrator(16, 1e-13, 1e-14);
        double tEnd = quad.integrate(100_000, b -> 1 / (2 * (st - Math.pow(b, depth)) * Math.pow(b, depth - 1)), a0, 0.9 * aStar);
        double[] probes = new double[20];
        for (int i = 0; i < probes.length; i++) probes[i] = tEnd * (i + 1) / probes.length;
        GradientFlow.Result r = new GradientFlow(s.start(), s.x(), s.y(), new SquaredError())
                .run(GradientFlow.Options.realTime(tEnd).withProbes(probes));
        assertEquals(probes.length, r.probes().size());
        for (GradientFlow.Probe p : r.probes()) {
            double a = p.norm() / Math.sqrt(depth);
            double tOfA = quad.integrate(100_000, b -> 1 / (2 * (st - Math.pow(b, depth)) * Math.pow(b, depth - 1)), a0, a);
            // relative 1e-7: the integrator's 1e-10 local tolerance amplified by the plateau's sensitivity (~1/a0^L).
            assertEquals(p.t(), tOfA, 1e-7 * tEnd, "t(a) at a=" + a);
            // the loss is (a^L − s*)² of the state's own a: only the packing and the cost's rounding differ (~1e-15);
            // 1e-9 absolute on losses of order s*² ~ 1 catches any wrong factor
            assertEquals(Math.pow(Math.pow(a, depth) - st, 2), p.loss(), 1e-9);
        }
    }

    @Test
    void normalisedClockGivesTheSameTrajectory() {
        // Same run in q; the probes at the q values of the real-time run must give the same t (and loss).
        Setup s = setup(3, 0.2, 7);
        GradientFlow.Result real = new GradientFlow(s.start(), s.x(), s.y(), new SquaredError())
                .run(GradientFlow.Options.realTime(3.0).withProbes(new double[] {0.5, 1.0, 2.0, 3.0}));
        double[] qs = real.probes().stream().mapToDouble(GradientFlow.Probe::q).toArray();
        GradientFlow.Result inQ = new GradientFlow(s.start(), s.x(), s.y(), new SquaredError())
                .run(GradientFlow.Options.realTime(qs[qs.length - 1]).withClock(GradientFlow.Clock.NORMALISED).withProbes(qs));
        for (int i = 0; i < qs.length; i++) {
            // two integrations of the same path at local tolerance 1e-10 over t ≤ 3 in tens of steps: their times agree to
            // ~1e-9; 1e-7 absolute on t ~ 1 and 1e-8 on losses ~ 1 allow the clocks' different step sequences, no more
            assertEquals(real.probes().get(i).t(), inQ.probes().get(i).t(), 1e-7, "t at q=" + qs[i]);
            assertEquals(real.probes().get(i).loss(), inQ.probes().get(i).loss(), 1e-8);
        }
    }

    @Test
    void smallStepGradientDescentConvergesToTheFlowAtFirstOrder() {
        // Random ReLU net, MSE on random data: GD with step η approximates the flow with O(η) error at fixed t.
        int[] widths = {4, 6, 5, 2};
        Network start = new Network(widths, Activation.TANH, DType.F64);
        Init.gaussian(start, 0.5, RandomStreams.of(3).stream("init"));
        SplittableRandom rng = new SplittableRandom(4);
        double[] xs = new double[4 * 10], ys = new double[2 * 10];
        for (int i = 0; i < xs.length; i++) xs[i] = rng.nextGaussian();
        for (int i = 0; i < ys.length; i++) ys[i] = rng.nextGaussian();
        Matrix x = Matrix.fromColumnMajor(DType.F64, 4, 10, xs), y = Matrix.fromColumnMajor(DType.F64, 2, 10, ys);
        double T = 2.0;
        GradientFlow.Result flow = new GradientFlow(start, x, y, new SquaredError()).run(GradientFlow.Options.realTime(T));
        double[] exact = GradientFlow.pack(flow.finalNetwork());
        double e1 = distance(exact, gd(start, x, y, T, 0.01));
        double e2 = distance(exact, gd(start, x, y, T, 0.005));
        double moved = distance(exact, GradientFlow.pack(start));
        // Euler's global error at T = 2 is ~η·T·|dθ/dt|·(Lipschitz constant), a percent of the distance moved at η = 0.01
        // on this problem; 5% fails for a step of the wrong size or sign
        assertTrue(e1 < 0.05 * moved, "GD with η = 0.01 stays close to the flow: " + e1 + " vs " + moved);
        // first order: halving η halves the error; the ratio is 2(1 + O(η)) with O(η) ≈ 1-2% here, so ±0.1 (5%) separates
        // first order (2) from second order (4) and from no convergence (1)
        assertEquals(2.0, e1 / e2, 0.1, "error ratio " + e1 / e2);
    }

    static double[] gd(Network start, Matrix x, Matrix y, double T, double eta) {
        Network net = start.copy();
        Network.Workspace ws = net.workspace(x.cols());
        Matrix dY = Matrix.zeros(DType.F64, y.rows(), y.cols());
        SquaredError c = new SquaredError();
        long steps = Math.round(T / eta);
        for (long k = 0; k < steps; k++) {
            c.gradient(net.forward(x, ws), y, dY);
            net.gradientStep(ws, dY, eta);
        }
        return GradientFlow.pack(net);
    }

    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.sqrt(s);
    }
}
