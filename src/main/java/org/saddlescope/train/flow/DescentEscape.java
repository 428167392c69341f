package org.saddlescope.train.flow;

import java.util.List;
import org.saddlescope.data.Dataset;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.train.LearningRate;
import org.saddlescope.train.TrainState;
import org.saddlescope.train.Trainer;
import org.saddlescope.train.TrainingObserver;
import org.saddlescope.train.TrainingSink;

/**
 * Escape times of full-batch gradient descent ({@link Trainer}) with the learning-rate law lr = c/‖θ‖^p, in the
 * two clocks of section 2.1: step k sits at t_k = Σ_{i<k} lr_i and q_k = Σ_{i<k} lr_i·‖θ_i‖^(L−2); with p = L − 2
 * every step advances q by c, so GD runs on the normalised time and the plateau costs a number of steps that does
 * not depend on the initialisation scale. Both escape definitions: first step with ‖Y_θ‖_F ≥ r, and first step
 * with L(θ) ≤ (1 − f)·L(θ0).
 */
public final class DescentEscape {
    private DescentEscape() {}

    public record Result(GradientFlow.Time outputEscape, long outputStep, GradientFlow.Time lossEscape, long lossStep,
                         long steps, double initialLoss, Trainer.Stop stop) { }

    /** Trains a copy of {@code start}; stops once both escapes are seen (the loss one by the trainer's loss target). */
    public static Result run(Network start, Dataset data, Cost cost, LearningRate lr, long maxSteps, double r, double f,
                             ProgressListener progress) {
        Network net = start.copy();
        Network.Workspace ws = net.workspace(data.size());
        double initialLoss = cost.value(net.forward(data.x(), ws), data.targets());
        int L = net.depth();
        double level = Double.isNaN(f) ? Double.NEGATIVE_INFINITY : (1 - f) * initialLoss;
        Watch watch = new Watch(data, cost, ws, r, level, L);
        // the trainer's loss target is checked on the loss before each update: set it just below our level so the
        // run ends within a step after our (post-update) loss crossed it
        double target = Double.isNaN(f) ? 0 : Math.nextDown(level);
        Trainer.Settings s = new Trainer.Settings(0, lr, maxSteps, 0, Math.max(target, 0), 1, 0, 0, 0, 0);
        Trainer trainer = new Trainer(net, cost, data, null, s, TrainingSink.NONE, progress, List.of(watch));
        Trainer.Result res = trainer.run(TrainState.initial(net.normSquared()));
        return new Result(watch.outTime, watch.outStep, watch.lossTime, watch.lossStep, res.state().step(), initialLoss, res.stop());
    }

    private static final class Watch implements TrainingObserver {
        final Dataset data;
        final Cost cost;
        final Network.Workspace ws;
        final double r, level;
        final int L;
        double t, q, norm2Before;
        GradientFlow.Time outTime = GradientFlow.Time.NONE, lossTime = GradientFlow.Time.NONE;
        long outStep = -1, lossStep = -1;

        Watch(Dataset data, Cost cost, Network.Workspace ws, double r, double level, int L) {
            this.data = data; this.cost = cost; this.ws = ws; this.r = r; this.level = level; this.L = L;
        }

        @Override public void onStart(Network net, long step, long stepsPerEpoch) { norm2Before = net.normSquared(); }

        @Override
        public void afterStep(Network net, StepInfo info) {
            t += info.learningRate();
            q += info.learningRate() * Math.pow(norm2Before, 0.5 * (L - 2));
            norm2Before = info.normSquared();
            Matrix y = net.forward(data.x(), ws);
            if (outStep < 0 && !Double.isNaN(r) && y.frobeniusNorm() >= r) {
                outStep = info.step();
                outTime = new GradientFlow.Time(t, q);
            }
            if (lossStep < 0 && cost.value(y, data.targets()) <= level) {
                lossStep = info.step();
                lossTime = new GradientFlow.Time(t, q);
            }
        }
    }
}
