package org.saddlescope.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.saddlescope.data.Synthetic;
import org.saddlescope.escape.Example1;
import org.saddlescope.escape.SmallNetKernel;
import org.saddlescope.escape.SphereSearch;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.spectra.EscapeDefinition;
import org.saddlescope.theory.RankMeasures;

/**
 * Which optimum does small-initialisation gradient descent escape along on Example 1 (issue 20, item 5)? The paper's
 * projected gradient descent on the sphere reaches the rank-two direction (speed 1/2); the documented training run saw
 * 0.397, near the rank-one optimum √2 − 1. Here: full-batch gradient descent on the squared error of Example 1 (targets
 * Y*_j = −4(−1)^j, so G = (−1)^j exactly), depth 3, hidden widths w, θ0 ~ N(0, σ0²) from the seed's "init" stream, the
 * paper's normalised-time law lr = c/‖θ‖ (p = L − 2 = 1), until the escape's onset (loss 1% below C(0),
 * {@link EscapeDefinition}). At the onset, the direction θ/‖θ‖ on the √L sphere: its speed, the tail ratio of W_1's
 * learned part, and the stationary point it leads to (projected gradient flow on the sphere from it, the kink polish
 * included: {@link SphereSearch}), classified as rank-two (|s − 1/2| &lt; 1e-3), rank-one (|s − (√2 − 1)| &lt; 1e-3) or other.
 */
public final class Example1Descent {
    private Example1Descent() {}

    public record Settings(int[] widths, double[] initScales, int seeds, long maxSteps, double lr, int threads) {}

    /** One run: where it escaped, the direction's speed there, W_1's learned tail ratio, the polished speed and its basin. */
    public record Run(int width, double initScale, long seed, long onsetStep, double speedAtOnset, double tailW1, double polishedSpeed,
                      String basin) {}

    public static final double BASIN = 1e-3;

    public static List<Run> run(Settings s, ProgressListener progress) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, s.threads()));
        List<Future<Run>> fs = new ArrayList<>();
        for (int w : s.widths()) for (double sc : s.initScales()) for (long seed = 0; seed < s.seeds(); seed++) {
            final long sd = seed;
            fs.add(pool.submit(() -> one(w, sc, sd, s)));
        }
        List<Run> out = new ArrayList<>();
        try {
            for (Future<Run> f : fs) {
                out.add(f.get());
                progress.progress(out.size(), fs.size(), "Example 1 gradient descent");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("an Example 1 run failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    static Run one(int width, double scale, long seed, Settings s) {
        Synthetic.Example1 ex = Synthetic.example1(DType.F64);
        Matrix x = ex.dataset().x(), t = ex.dataset().targets(), g = ex.g();
        Network net = new Network(new int[] {2, width, width, 1}, Activation.RELU, DType.F64);
        Init.gaussian(net, scale, RandomStreams.of(seed).stream("init"));
        Network theta0 = net.copy();
        SquaredError cost = new SquaredError();
        Network.Workspace ws = net.workspace(x.cols());
        Matrix dY = Matrix.zeros(DType.F64, 1, x.cols());
        Matrix[] grads = net.zerosLike();
        double c0;
        try (Matrix zero = Matrix.zeros(DType.F64, 1, x.cols())) {
            c0 = cost.value(zero, t);
        }
        long step = 0;
        for (; step < s.maxSteps(); step++) {
            double loss = cost.gradient(net.forward(x, ws), t, dY);
            if (EscapeDefinition.reached(loss, c0)) break;
            net.backward(ws, dY, grads);
            net.addScaled(-s.lr() / net.norm(), grads); // lr = c/‖θ‖^(L−2), L = 3
        }
        if (step >= s.maxSteps()) return new Run(width, scale, seed, -1, Double.NaN, Double.NaN, Double.NaN, "no escape");
        Network dir = net.copy();
        dir.scale(Math.sqrt(3 / dir.normSquared()));
        double speed;
        try (Matrix y = dir.outputs(x)) {
            speed = -g.dot(y);
        }
        double tail;
        try (Matrix d = net.weight(1).copy()) {
            d.addScaled(-1, theta0.weight(1));
            tail = RankMeasures.tailRatio(org.saddlescope.linalg.Svd.singularValues(d));
        }
        SmallNetKernel k = Example1.kernel(width);
        SphereSearch.Result r = SphereSearch.solve(k, k.workspace(), k.flatten(dir), SphereSearch.Options.defaults().withIterations(4000), 0);
        return new Run(width, scale, seed, step, speed, tail, r.speed(), basin(r.speed()));
    }

    static String basin(double s) {
        if (Math.abs(s - Example1.RANK_TWO_SPEED) < BASIN) return "rank-two (1/2)";
        if (Math.abs(s - Example1.RANK_ONE_SPEED) < BASIN) return "rank-one (sqrt2-1)";
        return "other";
    }
}
