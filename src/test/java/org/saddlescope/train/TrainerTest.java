package org.saddlescope.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Synthetic;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.net.Precision;
import org.saddlescope.train.optim.Optimizer;
import org.saddlescope.train.optim.Optimizers;

class TrainerTest {

    static Dataset teacher(DType dt) {
        return Synthetic.modes(8, 64, 0, 3, new double[] {3.0, 1.0}, dt, RandomStreams.of(5)).train();
    }

    static Network net(DType dt, long seed) {
        Network n = new Network(new int[] {8, 16, 16, 3}, Activation.RELU, dt);
        Init.gaussian(n, 0.05, RandomStreams.of(seed).stream("init"));
        return n;
    }

    static Network net(Precision p, long seed) {
        return net(DType.F64, seed).to(p);
    }

    /** A checkpoint kept in memory: copies of the weights and of the optimiser's state arrays. */
    record Saved(Network net, TrainState state, Map<String, Matrix> optimizer) { }

    /** Records metrics rows and checkpoints in memory. */
    static final class MemorySink implements TrainingSink {
        final List<double[]> rows = new ArrayList<>();
        final List<Saved> checkpoints = new ArrayList<>();

        @Override public void metricsHeader(List<String> columns) { }
        @Override public void metrics(double[] row) { rows.add(row.clone()); }
        @Override public void checkpoint(Network net, Optimizer optimizer, TrainState state) {
            Map<String, Matrix> copy = new LinkedHashMap<>();
            optimizer.state().forEach((k, v) -> copy.put(k, v.copy()));
            checkpoints.add(new Saved(net.copy(), state, copy));
        }
    }

    static Trainer.Settings settings(int batch, long steps, long ckpt) {
        return new Trainer.Settings(batch, new LearningRate(0.05, 1.0), steps, 0, 0, 5, 10, ckpt, 0, 42);
    }

    @Test
    void fullBatchGradientDescentLowersTheLoss() {
        Dataset d = teacher(DType.F64);
        Network n = net(DType.F64, 1);
        MemorySink sink = new MemorySink();
        Trainer t = new Trainer(n, new SquaredError(), d, null, new Trainer.Settings(0, LearningRate.constant(0.05), 400, 0, 0, 10, 10, 0, 0, 1),
                sink, ProgressListener.NONE, List.of());
        Trainer.Result r = t.run(TrainState.initial(n.normSquared()));
        assertEquals(Trainer.Stop.BUDGET, r.stop());
        int col = t.columns().indexOf("train_loss");
        double first = sink.rows.get(0)[col], last = sink.rows.get(sink.rows.size() - 1)[col];
        assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
    }

    @Test
    void trackedNormStaysWithinRoundingOfTheExactNorm() {
        Dataset d = teacher(DType.F32);
        Network n = net(DType.F32, 2);
        Trainer t = new Trainer(n, new SquaredError(), d, null, settings(8, 250, 0), TrainingSink.NONE, ProgressListener.NONE, List.of());
        Trainer.Result r = t.run(TrainState.initial(n.normSquared()));
        // 50 float32 steps since the last resync (step 200): each adds rounding ~1e-7 relative, so 1e-5 is ample.
        assertEquals(n.normSquared(), r.state().normSquared(), 1e-5 * n.normSquared());
    }

    /**
     * A crash after step k, resumed from the last checkpoint, ends with the same bits as an uninterrupted run, in
     * every precision and with every optimiser (whose state the checkpoint carries).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sgd", "momentum:mu=0.9,nesterov=true", "adam"})
    void resumeFromCheckpointIsBitIdentical(String optimizer) {
        for (Precision p : Precision.values()) {
            DType dt = p.compute();
            Dataset d = teacher(dt);
            Network a = net(p, 3);
            MemorySink sa = new MemorySink();
            new Trainer(a, Optimizers.parse(optimizer), new SquaredError(), d, null, settings(8, 237, 0), sa, ProgressListener.NONE, List.of())
                    .run(TrainState.initial(a.normSquared()));

            Network b = net(p, 3);
            MemorySink sb = new MemorySink();
            TrainingObserver crash = (net, info) -> { if (info.step() == 131) throw new IllegalStateException("killed"); };
            Trainer tb = new Trainer(b, Optimizers.parse(optimizer), new SquaredError(), d, null, settings(8, 237, 40), sb,
                    ProgressListener.NONE, List.of(crash));
            assertThrows(IllegalStateException.class, () -> System.out.println(tb.run(TrainState.initial(b.normSquared()))));
            Saved last = sb.checkpoints.get(sb.checkpoints.size() - 1);
            TrainState st = last.state();
            assertEquals(120, st.step());
            Network c = last.net();
            Optimizer resumed = Optimizers.parse(optimizer);
            resumed.restore(c, last.optimizer());
            MemorySink sc = new MemorySink();
            new Trainer(c, resumed, new SquaredError(), d, null, settings(8, 237, 40), sc, ProgressListener.NONE, List.of()).run(st);
            for (int l = 1; l <= a.depth(); l++) {
                assertArrayEquals(a.storedCopy(l).toDoubleArray(), c.storedCopy(l).toDoubleArray(), 0.0, p + " " + optimizer + " layer " + l);
                if (p == Precision.MIXED) assertArrayEquals(a.low(l).toDoubleArray(), c.low(l).toDoubleArray(), 0.0, "low parts");
            }
            // The rows logged after the checkpoint match the uninterrupted run's (time column aside).
            double[] endA = sa.rows.get(sa.rows.size() - 1).clone(), endC = sc.rows.get(sc.rows.size() - 1).clone();
            endA[2] = endC[2] = 0;
            assertArrayEquals(endA, endC, 0.0, p + " " + optimizer + ": last metrics row");
        }
    }

    /** Measuring (lost updates on logged steps, the monitor's reads) never changes the trajectory. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sgd", "momentum", "adam"})
    void bitsDoNotDependOnLogEvery(String optimizer) {
        // Batch 2 takes the fused step with Gram-tracked norms on every layer but the output; batch 8 forms updates.
        for (int batch : new int[] {2, 8}) for (Precision p : Precision.values()) {
            double[][] reference = null;
            for (long logEvery : new long[] {1, 7, 1000}) {
                Network n = net(p, 5);
                Trainer.Settings st = new Trainer.Settings(batch, new LearningRate(0.05, 1.0), 60, 0, 0, logEvery, 10, 0, 0, 42);
                new Trainer(n, Optimizers.parse(optimizer), new SquaredError(), teacher(p.compute()), null, st, TrainingSink.NONE,
                        ProgressListener.NONE, List.of()).run(TrainState.initial(n.normSquared()));
                double[][] w = new double[2 * n.depth()][];
                for (int l = 1; l <= n.depth(); l++) {
                    w[l - 1] = n.weight(l).toDoubleArray();
                    w[n.depth() + l - 1] = n.low(l) == null ? new double[0] : n.low(l).toDoubleArray();
                }
                if (reference == null) reference = w;
                for (int i = 0; i < w.length; i++) assertArrayEquals(reference[i], w[i], 0.0, p + " " + optimizer + " log_every " + logEvery);
            }
        }
    }

    @Test
    void divergenceStopsAndNamesTheStep() {
        Dataset d = teacher(DType.F64);
        // A linear network with a too-large constant rate must blow up (a ReLU one could die instead).
        Network n = new Network(new int[] {8, 16, 16, 3}, Activation.IDENTITY, DType.F64);
        Init.gaussian(n, 0.5, RandomStreams.of(4).stream("init"));
        Trainer t = new Trainer(n, new SquaredError(), d, null, new Trainer.Settings(0, LearningRate.constant(10), 1000, 0, 0, 10, 0, 0, 0, 1),
                TrainingSink.NONE, ProgressListener.NONE, List.of());
        Trainer.Result r = t.run(TrainState.initial(n.normSquared()));
        assertEquals(Trainer.Stop.DIVERGED, r.stop());
        assertTrue(r.message().contains("at step " + (r.state().step() + 1)) || r.message().contains("at step " + r.state().step()), r.message());
    }

    @Test
    void epochPermutationDependsOnlyOnSeedAndEpoch() {
        Dataset d = teacher(DType.F64);
        Trainer t1 = new Trainer(net(DType.F64, 1), new SquaredError(), d, null, settings(8, 10, 0), TrainingSink.NONE, ProgressListener.NONE, List.of());
        Trainer t2 = new Trainer(net(DType.F64, 9), new SquaredError(), d, null, settings(8, 10, 0), TrainingSink.NONE, ProgressListener.NONE, List.of());
        assertArrayEquals(t1.permutation(7), t2.permutation(7));
        assertTrue(!java.util.Arrays.equals(t1.permutation(7), t1.permutation(8)));
        int[] p = t1.permutation(3).clone();
        java.util.Arrays.sort(p);
        for (int i = 0; i < p.length; i++) assertEquals(i, p[i]);
    }

    @Test
    void learningRateLaw() {
        LearningRate lr = new LearningRate(10, 4);
        assertEquals(10 / 16.0, lr.at(4.0), 1e-15); // ‖θ‖ = 2: 10/2⁴
        assertEquals(0.3, LearningRate.constant(0.3).at(123), 0);
        assertThrows(IllegalArgumentException.class, () -> new LearningRate(-1, 0));
    }

    @Test
    void mismatchedDataIsRejected() {
        Dataset d = teacher(DType.F64);
        Network wrong = new Network(new int[] {7, 4, 3}, Activation.RELU, DType.F64);
        assertThrows(IllegalArgumentException.class, () -> new Trainer(wrong, new SquaredError(), d, null, settings(8, 5, 0),
                TrainingSink.NONE, ProgressListener.NONE, List.of()));
    }
}
