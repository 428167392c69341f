package org.saddlescope.train.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.LocalizedLoss;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.theory.NormLaw;

/**
 * Proposition 2.2 (corrected, see {@link NormLaw}) against the integrated flow on L0 from exact escape directions:
 * identity nets with balanced rank-one weights along the top singular pair of −GXᵀ (s = σ_1(GXᵀ)), and a ReLU
 * net whose single active path carries v = top right singular vector with vᵀx_j > 0 for every sample (so the
 * ReLUs act as identities on the path and inactive units have zero gradient: also an escape direction).
 */
class PropositionTwoTwoTest {

    record Direction(Network rho, Matrix x, Matrix g, double s) { }

    /** n_out = 1, inputs x_j = (1, ξ_j) with |ξ| < 0.3, positive targets: v ∝ Σ y_j x_j has vᵀx_j > 0. */
    static Direction direction(int depth, Activation act, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int d = 3, n = 6, hidden = 3;
        double[] xs = new double[d * n], ys = new double[n];
        for (int j = 0; j < n; j++) {
            xs[j * d] = 1;
            for (int i = 1; i < d; i++) xs[j * d + i] = 0.3 * (2 * rng.nextDouble() - 1);
            ys[j] = 0.5 + rng.nextDouble();
        }
        Matrix x = Matrix.fromColumnMajor(DType.F64, d, n, xs);
        Matrix y = Matrix.fromColumnMajor(DType.F64, 1, n, ys);
        Matrix g = new SquaredError().gradientAtZero(y);
        // −G Xᵀ is 1×d: its top right singular vector is its own direction, σ_1 its norm.
        double[] v = new double[d];
        double s = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < n; j++) v[i] -= g.get(0, j) * x.get(i, j);
            s += v[i] * v[i];
        }
        s = Math.sqrt(s);
        for (int i = 0; i < d; i++) v[i] /= s;
        int[] widths = new int[depth + 1];
        widths[0] = d;
        for (int l = 1; l < depth; l++) widths[l] = hidden;
        widths[depth] = 1;
        double[][] u = new double[depth + 1][];
        u[0] = v;
        for (int l = 1; l <= depth; l++) { u[l] = new double[widths[l]]; u[l][0] = 1; }
        return new Direction(Constructions.balancedRankOne(widths, act, 1.0, u), x, g, s);
    }

    @ParameterizedTest(name = "L = {0}, {1}")
    @CsvSource({"2, identity", "3, identity", "4, identity", "3, relu", "5, relu"})
    void alignedFlowMatchesTheNormLawAndBlowsUpOnTime(int depth, String actName) {
        Direction dir = direction(depth, Activation.parse(actName), 40 + depth);
        LocalizedLoss l0 = new LocalizedLoss(dir.g());
        // The construction is an escape direction: ‖ρ‖² = L and L0(ρ) = −s (Euler's theorem with ∇L0(ρ) = −sρ).
        assertEquals(depth, dir.rho().normSquared(), 1e-12);
        assertEquals(-dir.s(), l0.value(dir.rho().outputs(dir.x()), null), 1e-12 * dir.s());

        double r0 = 0.3;
        Network start = dir.rho().copy();
        start.scale(r0 / Math.sqrt(depth));
        double s = dir.s();
        double tStar = NormLaw.blowUpTime(r0, s, depth);
        double horizon = depth == 2 ? 40 / s : 2 * tStar;
        double bigNorm = 1e4 * r0;
        double[] probes = new double[30];
        double last = depth == 2 ? NormLaw.timeToNorm(r0, 0.5 * bigNorm, s, depth) : 0.999 * tStar;
        for (int i = 0; i < probes.length; i++) probes[i] = last * (i + 1) / probes.length;
        GradientFlow.Result r = new GradientFlow(start, dir.x(), null, l0)
                .run(GradientFlow.Options.realTime(horizon).withProbes(probes).withBlowUp(bigNorm));
        assertEquals(GradientFlow.Stop.BLOW_UP, r.stop());
        assertEquals(probes.length, r.probes().size());
        for (GradientFlow.Probe p : r.probes()) {
            // 1e-7 relative: local tolerance 1e-10 per step, a few hundred steps, growth of relative errors near
            // the singularity as (T*−t)^(-1) bounded by 1e3 at t = 0.999 T*.
            assertEquals(NormLaw.norm(p.t(), r0, s, depth), p.norm(), 1e-7 * p.norm(), "‖θ‖ at t=" + p.t());
            assertEquals(NormLaw.normInNormalisedTime(p.q(), r0, s, depth), p.norm(), 1e-7 * p.norm(), "‖θ‖ at q=" + p.q());
        }
        double tHit = r.end().t();
        assertEquals(NormLaw.timeToNorm(r0, bigNorm, s, depth), tHit, 1e-8 * tHit, "time to reach 10^4 r0");
        if (depth > 2) {
            // blow-up: T* − t(bigNorm) = T*·(r0/bigNorm)^(L−2) ≤ 1e-4 T*, plus the integration error (1e-8 as above)
            assertEquals(tStar, tHit, (Math.pow(r0 / bigNorm, depth - 2) + 1e-8) * tStar);
            // The printed formula (s for s_unit) would blow up L^(L/2) times earlier: far outside the tolerance.
            double printedBlowUp = Math.pow(r0, 2 - depth) / ((depth - 2) * depth * s);
            assertTrue(Math.abs(printedBlowUp - tHit) > 0.5 * tHit);
        } else {
            assertEquals(r0 * Math.exp(s * probes[0]), r.probes().get(0).norm(), 1e-8, "L = 2: e^(s t), not e^(2 s t)");
        }
    }

    @ParameterizedTest(name = "L = {0}")
    @CsvSource({"3", "4"})
    void outputEscapeTimeOnTheRayAndTheLowerBound(int depth) {
        Direction dir = direction(depth, Activation.RELU, 70 + depth);
        LocalizedLoss l0 = new LocalizedLoss(dir.g());
        double r0 = 0.1, rOut = 0.5, s = dir.s();
        Network start = dir.rho().copy();
        start.scale(r0 / Math.sqrt(depth));
        double yRho = dir.rho().outputs(dir.x()).frobeniusNorm();
        double predicted = NormLaw.alignedOutputEscapeTime(r0, rOut, s, depth, yRho);
        GradientFlow.Result r = new GradientFlow(start, dir.x(), null, l0)
                .run(GradientFlow.Options.realTime(2 * NormLaw.blowUpTime(r0, s, depth)).withEscape(rOut, Double.NaN, true));
        assertEquals(GradientFlow.Stop.OUTPUT_ESCAPE, r.stop());
        assertEquals(predicted, r.outputEscape().t(), 1e-8 * predicted);
        double normX = dir.x().frobeniusNorm();
        double bound = NormLaw.escapeTimeLowerBound(r0, rOut, s, depth, normX);
        assertTrue(bound > 0 && bound <= r.outputEscape().t(), bound + " ≤ " + r.outputEscape().t());
        // The MSE flow from the same start escapes no faster than the bound either (its extra term slows ‖θ‖).
        Matrix y = l0.g().copy();
        y.scale(-0.5 * dir.x().cols()); // Y* = −(N/2) G
        GradientFlow.Result mse = new GradientFlow(start, dir.x(), y, new SquaredError())
                .run(GradientFlow.Options.realTime(4 * NormLaw.blowUpTime(r0, s, depth)).withEscape(rOut, Double.NaN, true));
        assertTrue(mse.outputEscape().reached() && mse.outputEscape().t() >= bound);
        assertTrue(mse.outputEscape().t() >= r.outputEscape().t() * (1 - 1e-9));
    }
}
