package org.saddlescope.train.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Synthetic;
import org.saddlescope.linalg.DType;
import org.saddlescope.loss.LocalizedLoss;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.train.LearningRate;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.train.TrainState;
import org.saddlescope.train.Trainer;
import org.saddlescope.train.TrainingSink;
import org.saddlescope.theory.EscapeSpeed;
import org.saddlescope.theory.NormLaw;

/** The (φ, log R) flow in normalised time against answers known independently. */
class NormalisedFlowTest {

    @ParameterizedTest(name = "L = {0}, {1}")
    @CsvSource({"3, identity", "4, relu", "5, relu"})
    void alignedStartFollowsPropositionTwoTwo(int depth, String act) {
        // From θ0 = α ρ/‖ρ‖ on an exact escape direction, on the localized loss itself, φ stays put and
        // log R grows at L·s_unit: R reaches √L·(r√N/‖Y_ρ‖)^(1/L) (outputs ‖Y‖/√N = r) at q = log(R/α)/(L s_unit),
        // and under lr = c (p = 0) GD needs NormLaw.timeToNorm/c steps.
        PropositionTwoTwoTest.Direction dir = PropositionTwoTwoTest.direction(depth, Activation.parse(act), 40 + depth);
        double alpha = 0.3, c = 0.5, r = 0.2;
        Network start = dir.rho().copy();
        start.scale(alpha / Math.sqrt(depth));
        int n = dir.x().cols();
        double yRho = dir.rho().outputs(dir.x()).frobeniusNorm();
        double rTarget = Math.sqrt(depth) * Math.pow(r * Math.sqrt(n) / yRho, 1.0 / depth);
        double sUnit = EscapeSpeed.unitSpeed(dir.s(), depth);
        double qExpected = Math.log(rTarget / alpha) / (depth * sUnit);
        NormalisedFlow.Result res = new NormalisedFlow(start, dir.x(), dir.g(), new LocalizedLoss(dir.g()), DType.F64)
                .run(NormalisedFlow.Options.of(10 * qExpected, c, 0).withTolerance(1e-9)
                        .withEvents(new double[0], new double[] {r}), ProgressListener.NONE);
        NormalisedFlow.Event e = res.event("output_rms", r);
        assertNotNull(e, "no output event; stop " + res.stop());
        // the event finder converges to 1e-9 of the q decade; the integration error of log R is ≤ 1e-9 per step
        assertEquals(qExpected, e.q(), 1e-7 * qExpected);
        assertEquals(rTarget, e.norm(), 1e-7 * rTarget);
        assertEquals(NormLaw.timeToNorm(alpha, rTarget, dir.s(), depth) / c, e.steps(), 1e-6 * e.steps());
        for (NormalisedFlow.Point p : res.trajectory()) assertEquals(sUnit, p.speedUnit(), 1e-9 * sUnit, "q = " + p.q());
    }

    @Test
    void randomStartAgreesWithTheGradientFlowInNormalisedTime() {
        // The same ODE as GradientFlow in its q clock, in other coordinates: the loss escape from a small random
        // θ0 on a ReLU teacher must come at the same q (a plateau of alignment, then the blow-up).
        Dataset d = Synthetic.modes(6, 24, 0, 2, new double[] {3.0, 1.0}, DType.F64, RandomStreams.of(5)).train();
        Network net = new Network(new int[] {6, 8, 8, 8, 2}, Activation.RELU, DType.F64);
        Init.gaussian(net, 0.05, RandomStreams.of(3).stream("init"));
        double f = 0.2;
        GradientFlow.Result gf = new GradientFlow(net, d.x(), d.targets(), new SquaredError())
                .run(GradientFlow.Options.realTime(1e6).withClock(GradientFlow.Clock.NORMALISED)
                        .withEscape(Double.NaN, f, true).withMinStep(1e-3));
        assertTrue(gf.lossEscape().reached(), "gradient flow: " + gf.stop());
        NormalisedFlow.Result nf = new NormalisedFlow(net, d.x(), d.targets(), new SquaredError(), DType.F64)
                .run(NormalisedFlow.Options.of(1e6, 1, 2).withTolerance(1e-6).withEvents(new double[] {f}, new double[0]),
                        ProgressListener.NONE);
        NormalisedFlow.Event e = nf.event("loss_drop", f);
        assertNotNull(e, "normalised flow: " + nf.stop());
        // GradientFlow forces RK4 steps of 1e-3 through the ReLU kinks (it agrees to 2e-5 with steps of 1e-4);
        // NormalisedFlow at tolerance 1e-6 agrees with itself at 1e-7 to 2e-6
        assertEquals(gf.lossEscape().q(), e.q(), 2e-4 * e.q());
        assertEquals(e.q(), e.steps(), 1e-9 * e.q()); // p = L − 2, c = 1: one step per unit of q
        double speed0 = nf.trajectory().get(0).speedUnit(), speedAtEscape = 0;
        for (NormalisedFlow.Point p : nf.trajectory()) if (p.q() <= e.q()) speedAtEscape = p.speedUnit();
        assertTrue(speedAtEscape > 10 * Math.abs(speed0), "alignment: s_unit " + speed0 + " -> " + speedAtEscape);
    }

    @Test
    void fullBatchGradientDescentWithSmallStepsEscapesWhenPredicted() {
        // GD with lr = c/‖θ‖^(L−2) advances q by c per step: with c small it tracks the flow, and the first step
        // whose loss is below (1 − f)·C(θ0) is the predicted n = q/c up to O(c) discretisation (1% here).
        Dataset d = Synthetic.modes(6, 24, 0, 2, new double[] {3.0, 1.0}, DType.F64, RandomStreams.of(5)).train();
        Network net = new Network(new int[] {6, 8, 8, 8, 2}, Activation.RELU, DType.F64);
        Init.gaussian(net, 0.05, RandomStreams.of(3).stream("init"));
        double f = 0.2, c = 0.02;
        NormalisedFlow.Result nf = new NormalisedFlow(net, d.x(), d.targets(), new SquaredError(), DType.F64)
                .run(NormalisedFlow.Options.of(1e6, c, 2).withTolerance(1e-6).withEvents(new double[] {f}, new double[0]),
                        ProgressListener.NONE);
        double predicted = nf.event("loss_drop", f).steps();
        double level = (1 - f) * nf.initialLoss();
        long[] hit = {-1};
        Network trained = net.copy();
        long budget = (long) (2 * predicted);
        Trainer t = new Trainer(trained, new SquaredError(), d, null,
                new Trainer.Settings(0, new LearningRate(c, 2), budget, 0, level, 1, 0, 0, 0, 1), new TrainingSink() {
                    @Override public void metricsHeader(List<String> columns) { }
                    @Override public void metrics(double[] row) { if (hit[0] < 0 && row[4] <= level) hit[0] = (long) row[0]; }
                    @Override public void checkpoint(Network n, org.saddlescope.train.optim.Optimizer o, TrainState s) { }
                }, ProgressListener.NONE, List.of());
        t.run(TrainState.initial(trained.normSquared()));
        assertTrue(hit[0] > 0, "GD did not escape within " + budget + " steps (predicted " + predicted + ")");
        // the loss logged at step k is the loss before the k-th update, i.e. after k − 1 steps
        assertEquals(predicted, hit[0] - 1, 0.01 * predicted + 1);
    }
}
