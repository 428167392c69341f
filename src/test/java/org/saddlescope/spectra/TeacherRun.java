package org.saddlescope.spectra;

import java.util.SplittableRandom;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.Svd;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.train.TrainingObserver;

/**
 * Small full-batch GD runs on multi-mode teachers for the detector tests (float64, tiny widths: each run takes
 * well under a second). Teacher: Y* = Σ_i a_i u_i f(v_iᵀ x) with orthonormal v_i, u_i and f = ReLU or identity,
 * so a student of rank i in every layer can represent the first i modes exactly.
 */
final class TeacherRun {
    final Matrix x;
    final Matrix targets;

    TeacherRun(int d, int nOut, int n, double[] strengths, boolean relu, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        x = Matrix.zeros(DType.F64, d, n);
        for (int t = 0; t < x.size(); t++) x.setFlat(t, r.nextGaussian());
        int k = strengths.length;
        Matrix v = Matrix.zeros(DType.F64, d, k), u = Matrix.zeros(DType.F64, nOut, k);
        for (int t = 0; t < v.size(); t++) v.setFlat(t, r.nextGaussian());
        for (int t = 0; t < u.size(); t++) u.setFlat(t, r.nextGaussian());
        Svd.orthonormalize(v);
        Svd.orthonormalize(u);
        targets = Matrix.zeros(DType.F64, nOut, n);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < k; i++) {
                double pre = 0;
                for (int c = 0; c < d; c++) pre += v.get(c, i) * x.get(c, j);
                double f = relu ? Math.max(0, pre) : pre;
                for (int o = 0; o < nOut; o++) targets.set(o, j, targets.get(o, j) + strengths[i] * u.get(o, i) * f);
            }
        }
        v.close();
        u.close();
    }

    /** Full-batch GD with lr = c/‖θ‖^p from N(0, σ0²) init; observers see every step. Returns the final net. */
    Network train(int[] widths, Activation act, double sigma0, double c, double p, long steps, long seed,
                  TrainingObserver... observers) {
        Network net = new Network(widths, act, DType.F64);
        Init.gaussian(net, sigma0, seed);
        Network.Workspace ws = net.workspace(x.cols());
        Matrix dy = Matrix.zeros(DType.F64, targets.rows(), targets.cols());
        SquaredError cost = new SquaredError();
        for (TrainingObserver o : observers) o.onStart(net, 0, 1);
        double norm2 = net.normSquared();
        for (long step = 1; step <= steps; step++) {
            Matrix y = net.forward(x, ws);
            double loss = cost.gradient(y, targets, dy);
            double lr = c / Math.pow(norm2, p / 2);
            net.gradientStep(ws, dy, lr);
            norm2 = net.normSquared();
            var info = new TrainingObserver.StepInfo(step, step - 1, true, loss, norm2, lr);
            for (TrainingObserver o : observers) o.afterStep(net, info);
        }
        for (TrainingObserver o : observers) o.onEnd(net, steps);
        dy.close();
        return net;
    }
}
