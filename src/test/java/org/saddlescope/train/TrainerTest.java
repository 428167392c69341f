package org.saddlescope.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Synthetic;
import org.saddlescope.linalg.DType;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;

class TrainerTest {

    static Dataset teacher(DType dt) {
        return Synthetic.modes(8, 64, 0, 3, new double[] {3.0, 1.0}, dt, RandomStreams.of(5)).train();
    }

    static Network net(DType dt, long seed) {
        Network n = new Network(new int[] {8, 16, 16, 3}, Activation.RELU, dt);
        Init.gaussian(n, 0.05, RandomStreams.of(seed).stream("init"));
        return n;
    }

    /** Records metrics rows and checkpoints in memory. */
    static final class MemorySink implements TrainingSink {
        final List<double[]> rows = new ArrayList<>();
        final List<Object[]> checkpoints = new ArrayList<>();

        @Override public void metricsHeader(List<String> columns) { }
        @Override public void metrics(double[] row) { rows.add(row.clone()); }
        @Override public void checkpoint(Network net, TrainState state) { checkpoints.add(new Object[] {net.copy(), state}); }
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

    /** A crash after step k, resumed from the last checkpoint, ends with the same bits as an uninterrupted run. */
    @Test
    void resumeFromCheckpointIsBitIdentical() {
        for (DType dt : DType.values()) {
            Dataset d = teacher(dt);
            Network a = net(dt, 3);
            MemorySink sa = new MemorySink();
            new Trainer(a, new SquaredError(), d, null, settings(8, 237, 0), sa, ProgressListener.NONE, List.of())
                    .run(TrainState.initial(a.normSquared()));

            Network b = net(dt, 3);
            MemorySink sb = new MemorySink();
            TrainingObserver crash = (net, info) -> { if (info.step() == 131) throw new IllegalStateException("killed"); };
            Trainer tb = new Trainer(b, new SquaredError(), d, null, settings(8, 237, 40), sb, ProgressListener.NONE, List.of(crash));
            assertThrows(IllegalStateException.class, () -> System.out.println(tb.run(TrainState.initial(b.normSquared()))));
            Object[] last = sb.checkpoints.get(sb.checkpoints.size() - 1);
            TrainState st = (TrainState) last[1];
            assertEquals(120, st.step());
            Network c = (Network) last[0];
            MemorySink sc = new MemorySink();
            new Trainer(c, new SquaredError(), d, null, settings(8, 237, 40), sc, ProgressListener.NONE, List.of()).run(st);
            for (int l = 1; l <= a.depth(); l++) {
                assertArrayEquals(a.weight(l).toDoubleArray(), c.weight(l).toDoubleArray(), 0.0, dt + " layer " + l);
            }
            // The rows logged after the checkpoint match the uninterrupted run's (time column aside).
            double[] endA = sa.rows.get(sa.rows.size() - 1).clone(), endC = sc.rows.get(sc.rows.size() - 1).clone();
            endA[2] = endC[2] = 0;
            assertArrayEquals(endA, endC, 0.0);
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
