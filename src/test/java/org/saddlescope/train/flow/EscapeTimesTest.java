package org.saddlescope.train.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.saddlescope.data.Dataset;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.LocalizedLoss;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.theory.EscapeSpeed;
import org.saddlescope.theory.NormLaw;
import org.saddlescope.train.LearningRate;

/** Both escape-time definitions, for the flow and for GD with the norm-adaptive rate, on aligned starts. */
class EscapeTimesTest {

    @Test
    void flowAndNormAdaptiveDescentAgreeWithTheNormLaw() {
        int depth = 3;
        PropositionTwoTwoTest.Direction dir = PropositionTwoTwoTest.direction(depth, Activation.RELU, 91);
        Matrix y = dir.g().copy();
        y.scale(-0.5 * dir.x().cols()); // Y* = −(N/2)G for the squared error
        Dataset data = new Dataset("aligned", dir.x(), y, null, 0);
        double r0 = 1e-2, s = dir.s();
        Network start = dir.rho().copy();
        start.scale(r0 / Math.sqrt(depth));
        double yRho = dir.rho().outputs(dir.x()).frobeniusNorm();
        double rOut = 1e-2 * y.frobeniusNorm(); // small outputs: L0 still describes the loss (relative error ~ rOut/‖Y*‖)
        double predictedT = NormLaw.alignedOutputEscapeTime(r0, rOut, s, depth, yRho);
        // in q: ‖θ(q)‖ = r0·exp(L·s_unit·q)
        double rHit = Math.sqrt(depth) * Math.pow(rOut / yRho, 1.0 / depth);
        double predictedQ = Math.log(rHit / r0) / (depth * EscapeSpeed.unitSpeed(s, depth));

        GradientFlow.Result flow = new GradientFlow(start, dir.x(), y, new SquaredError())
                .run(GradientFlow.Options.realTime(10 * predictedT).withEscape(rOut, 0.5, true));
        assertEquals(GradientFlow.Stop.LOSS_ESCAPE, flow.stop());
        assertTrue(flow.outputEscape().t() < flow.lossEscape().t(), "small outputs come before the loss halves");
        // the squared error's extra (2/N)‖Y‖² term only slows the norm: measured ≥ predicted, by ≲ 1% at this r
        // (1 − 1e-9): the integrator's event location (local tolerance 1e-10) may put it a hair early; 1%: the measured
        // excess of the (2/N)‖Y‖² term at rOut = 1e-2·‖Y*‖, which fails if the escape time's formula were off by more
        assertTrue(flow.outputEscape().t() >= predictedT * (1 - 1e-9));
        assertEquals(predictedT, flow.outputEscape().t(), 0.01 * predictedT);
        assertEquals(predictedQ, flow.outputEscape().q(), 0.01 * predictedQ);

        // GD on q: lr = c/‖θ‖^(L−2); first-order error in c relative to the q-scale of the plateau (~ predictedQ).
        double c = 1e-3 * predictedQ;
        DescentEscape.Result gd = DescentEscape.run(start, data, new SquaredError(), new LearningRate(c, depth - 2),
                200_000, rOut, 0.5, ProgressListener.NONE);
        assertTrue(gd.outputStep() > 0 && gd.lossStep() > gd.outputStep());
        // c = 1e-3 of the plateau's q-length: GD's first-order lag is ~c per event plus O(c) drift, 0.1-0.5% of it, so
        // 1% in q; t is read through ‖θ‖^(L−2) at each step, which doubles the first-order error: 2%
        assertEquals(flow.outputEscape().q(), gd.outputEscape().q(), 0.01 * predictedQ, "output escape in q");
        assertEquals(flow.lossEscape().q(), gd.lossEscape().q(), 0.01 * flow.lossEscape().q(), "loss escape in q");
        assertEquals(flow.outputEscape().t(), gd.outputEscape().t(), 0.02 * predictedT, "output escape in t");
        // with p = L − 2 every step advances q by exactly c (a sum of n equal terms: rounding n·ε ≤ 1e-10 relative)
        assertEquals(gd.outputStep() * c, gd.outputEscape().q(), 1e-9 * gd.outputEscape().q());
    }

    @Test
    void localizedFlowEscapeTimeIsExact() {
        int depth = 4;
        PropositionTwoTwoTest.Direction dir = PropositionTwoTwoTest.direction(depth, Activation.IDENTITY, 5);
        double r0 = 0.05, s = dir.s();
        Network start = dir.rho().copy();
        start.scale(r0 / Math.sqrt(depth));
        double yRho = dir.rho().outputs(dir.x()).frobeniusNorm();
        GradientFlow.Result flow = new GradientFlow(start, dir.x(), null, new LocalizedLoss(dir.g()))
                .run(GradientFlow.Options.realTime(NormLaw.blowUpTime(r0, s, depth)).withEscape(0.3, Double.NaN, true)
                        .withClock(GradientFlow.Clock.REAL));
        // the localized flow from an aligned start stays on the ray: its escape time is the closed form exactly, so only
        // the integrator's accuracy (local tolerance 1e-10, event located by dense output) separates them: 1e-8
        assertEquals(NormLaw.alignedOutputEscapeTime(r0, 0.3, s, depth, yRho), flow.outputEscape().t(), 1e-8 * flow.outputEscape().t());
    }

    @Test
    void earlyEscapeIsFoundWhateverTheHorizon() {
        // Two-layer logistic flow (DeepLinearFlowTest): loss (w − s*)² halves at w = s* − (s* − w0)/√2, a time of
        // order 1, while the horizon is 1e13: the event must be located at the flow's accuracy, not at ulp(1e13).
        DeepLinearFlowTest.Setup su = DeepLinearFlowTest.setup(2, 0.05, 1);
        double w0 = 0.05 * 0.05, st = su.sStar(), w = st - (st - w0) / Math.sqrt(2);
        // logistic: w(t) = s*w0e^(4s*t)/(s* − w0 + w0e^(4s*t))  ⇒  e^(4s*t) = w(s* − w0)/(w0(s* − w))
        double t = Math.log(w * (st - w0) / (w0 * (st - w))) / (4 * st);
        GradientFlow.Result r = new GradientFlow(su.start(), su.x(), su.y(), new SquaredError())
                .run(GradientFlow.Options.realTime(1e13).withEscape(Double.NaN, 0.5, true));
        assertEquals(GradientFlow.Stop.LOSS_ESCAPE, r.stop());
        // the flow's own accuracy (local tolerance 1e-10 over a time of order 1), not ulp(1e13) ≈ 2e-3: 1e-8 relative
        assertEquals(t, r.lossEscape().t(), 1e-8 * t);
    }
}
