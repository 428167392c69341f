package org.saddlescope.net;

import java.util.Set;
import java.util.SplittableRandom;
import org.saddlescope.linalg.Matrix;

/**
 * Initialisations. Every draw comes from the generator the caller passes (a run's
 * {@code RandomStreams.stream("init")}, or a search's {@code stream("restart", i)}), layer 1 first and each matrix
 * in column-major order, so a seed fixes θ0 bit for bit.
 */
public final class Init {
    private Init() {}

    /** i.i.d. N(0, σ0²) entries (the paper's θ0 ~ N(0, σ0²); σ0 = 1/1000 in appendices B and C). */
    public static void gaussian(Network net, double sigma0, SplittableRandom rng) {
        for (int l = 1; l <= net.depth(); l++) fill(net.weight(l), sigma0, rng);
    }

    /** He-normal: W_ℓ entries N(0, 2/n_{ℓ-1}). */
    public static void heNormal(Network net, SplittableRandom rng) {
        heNormalScaled(net, Set.of(), 1.0, rng);
    }

    /**
     * He-normal with the layers in {@code smallLayers} (1-based) multiplied by ε: the companion paper's
     * "r bottleneck layers" at scale ε (r = smallLayers.size()).
     */
    public static void heNormalScaled(Network net, Set<Integer> smallLayers, double epsilon, SplittableRandom rng) {
        for (int l = 1; l <= net.depth(); l++) {
            double std = Math.sqrt(2.0 / net.width(l - 1));
            if (smallLayers.contains(l)) std *= epsilon;
            fill(net.weight(l), std, rng);
        }
    }

    /**
     * PyTorch's default for nn.Linear: kaiming_uniform_ with a = √5, i.e. W_ℓ entries U(−1/√n_{ℓ-1}, 1/√n_{ℓ-1})
     * (gain √(2/(1+a²)) = 1/√3 times √(3/fan_in)). A reading of appendix B that did not say how it drew θ0 before
     * scaling it; with init_norm the draw is rescaled to a chosen ‖θ0‖.
     */
    public static void pytorchDefault(Network net, SplittableRandom rng) {
        for (int l = 1; l <= net.depth(); l++) {
            double bound = 1 / Math.sqrt(net.width(l - 1));
            Matrix w = net.weight(l);
            for (int k = 0, n = w.size(); k < n; k++) w.setFlat(k, bound * (2 * rng.nextDouble() - 1));
        }
    }

    /** θ := θ·(target/‖θ‖). */
    public static void rescaleTo(Network net, double targetNorm) {
        double n = net.norm();
        if (n == 0) throw new IllegalArgumentException("cannot rescale the zero network");
        net.scale(targetNorm / n);
    }

    /** θ0 = α ρ/‖ρ‖: a start aligned with a direction ρ (an escape direction, say). */
    public static void aligned(Network net, Network direction, double alpha) {
        net.copyFrom(direction);
        rescaleTo(net, alpha);
    }

    private static void fill(Matrix w, double std, SplittableRandom rng) {
        for (int k = 0, n = w.size(); k < n; k++) w.setFlat(k, std * rng.nextGaussian());
    }
}
