package org.saddlescope.experiments;

import java.util.SplittableRandom;
import org.saddlescope.data.Dataset;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.net.Precision;
import org.saddlescope.random.RandomStreams;

/**
 * The paper's MNIST network and the inputs its speed is measured on, shared by the throughput benchmark
 * ({@link Benchmark}) and the per-step A/B probe ({@link StepProbe}): the same widths, draws and operation count.
 */
public final class PaperNetwork {
    private PaperNetwork() {}

    /** 784-1000×5-10 (appendix B). */
    public static final int[] WIDTHS = {784, 1000, 1000, 1000, 1000, 1000, 10};

    /** Floating-point operations of one SGD step of a network with these widths: forward, δ and gradient products. */
    public static double flopsPerStep(int[] widths, int batch) {
        double macs = 0;
        for (int l = 1; l < widths.length; l++) macs += (double) widths[l] * widths[l - 1];
        return 6.0 * batch * macs;
    }

    /** The paper's network (ReLU, N(0, 1e-3²)) in a precision, from the seed's init stream. */
    public static Network create(Precision precision, long seed) {
        Network f64 = new Network(WIDTHS, Activation.RELU, DType.F64);
        Init.gaussian(f64, 1e-3, RandomStreams.of(seed).stream("init"));
        return f64.to(precision);
    }

    /** 4 batches of Gaussian inputs with random labels from the seed's bench stream. */
    public static Dataset randomInputs(int batch, DType dtype, long seed) {
        SplittableRandom rng = RandomStreams.of(seed).stream("bench");
        int n = batch * 4;
        Matrix x = Matrix.zeros(dtype, 784, n);
        for (int k = 0; k < x.size(); k++) x.setFlat(k, rng.nextGaussian());
        int[] labels = new int[n];
        for (int j = 0; j < n; j++) labels[j] = rng.nextInt(10);
        return Dataset.classification("bench", x, labels, 10);
    }
}
