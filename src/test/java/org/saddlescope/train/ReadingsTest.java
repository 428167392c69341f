package org.saddlescope.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.saddlescope.data.Dataset;
import org.saddlescope.linalg.DType;
import org.saddlescope.loss.Reduction;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;

/** Issue 19, item 5: readings of appendix B that became options (--reduction, --init pytorch), against exact identities. */
class ReadingsTest {
    static Network train(Reduction r, double c, int batch) {
        Dataset d = TrainerTest.teacher(DType.F64);
        Network net = TrainerTest.net(DType.F64, 7);
        Trainer.Settings s = new Trainer.Settings(batch, new LearningRate(c, 2), 300, 0, 0, 0, 0, 0, 0, 11, 0, null, null, r);
        new Trainer(net, new SquaredError(), d, null, s, TrainingSink.NONE, ProgressListener.NONE, List.of()).run(TrainState.initial(net.normSquared()));
        return net;
    }

    /**
     * A summed minibatch cost is the mean with c·B (its gradient is B times the mean's): with B = 16 a power of two
     * both scalings are exact in binary, so the two runs agree bit for bit.
     */
    @Test
    void aSumIsTheMeanWithTheConstantTimesTheBatch() {
        Network sum = train(Reduction.SUM, 0.001, 16), mean = train(Reduction.MEAN, 0.016, 16);
        for (int l = 1; l <= sum.depth(); l++) assertArrayEquals(mean.weight(l).toDoubleArray(), sum.weight(l).toDoubleArray(), 0, "layer " + l);
        assertEquals(16, Reduction.SUM.gradientScale(16));
        assertEquals(1, Reduction.MEAN.gradientScale(16));
    }

    /** PyTorch's nn.Linear default: entries U(±1/√fan_in), so in bounds, mean 0 and variance 1/(3·fan_in) (4σ bands). */
    @Test
    void pytorchDefaultInitIsUniformOverTheFanIn() {
        Network n = new Network(new int[] {400, 300, 10}, Activation.RELU, DType.F64);
        Init.pytorchDefault(n, RandomStreams.of(1).stream("init"));
        for (int l = 1; l <= 2; l++) {
            double[] w = n.weight(l).toDoubleArray();
            double bound = 1 / Math.sqrt(n.width(l - 1)), sum = 0, sq = 0;
            for (double v : w) {
                assertTrue(Math.abs(v) <= bound);
                sum += v;
                sq += v * v;
            }
            int m = w.length;
            double var = bound * bound / 3;
            assertEquals(0, sum / m, 4 * Math.sqrt(var / m), "mean, layer " + l);
            // the variance of v² for U(−b, b) is 4b⁴/45
            assertEquals(var, sq / m, 4 * Math.sqrt(4 * Math.pow(bound, 4) / 45 / m), "variance, layer " + l);
        }
    }
}
