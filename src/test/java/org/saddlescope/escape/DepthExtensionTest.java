package org.saddlescope.escape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.Svd;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.theory.RankMeasures;

/** Proposition 3.2 / appendix A.4 on random networks. */
class DepthExtensionTest {

    @Test
    void extensionKeepsNormRaisesSpeedAndIsRankOneAndLinear() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 25; trial++) {
            int L = 2 + rng.nextInt(3);
            int[] w = new int[L + 1];
            for (int i = 0; i <= L; i++) w[i] = 2 + rng.nextInt(5);
            int n = 3 + rng.nextInt(8);
            Activation act = Activation.RELU;
            Network net = new Network(w, act, DType.F64);
            Init.gaussian(net, 1.0, RandomStreams.of(100 + trial).stream("init"));
            Matrix x = rand(rng, w[0], n), g = rand(rng, w[L], n);
            double l0 = g.dot(net.outputs(x));
            if (l0 > 0) { net.weight(L).scale(-1); l0 = -l0; } // L0 is odd in W_L: make it negative
            if (l0 == 0) continue;
            net.scale(Math.sqrt(L / net.normSquared()));
            l0 = g.dot(net.outputs(x));
            int k = 1 + rng.nextInt(3);
            DepthExtension.Result r = DepthExtension.extend(net, k, x, g);
            Network e = r.network();
            assertEquals(L + k, e.depth());
            assertTrue(r.normSquaredBeforeRescale() <= L + k + 1e-12, "construction norm " + r.normSquaredBeforeRescale());
            assertEquals(L + k, e.normSquared(), 1e-10 * (L + k));
            double l0e = g.dot(e.outputs(x));
            assertTrue(l0e <= l0 + 1e-12 * Math.abs(l0), "L0 " + l0e + " > " + l0);
            Network.Workspace ws = e.workspace(n);
            e.forward(x, ws);
            for (int l = L - 1; l <= L + k; l++) {
                assertTrue(rank(e.weight(l)) <= 1, "W_" + l + " rank");
                assertTrue(rank(ws.preactivation(l)) <= 1, "Z_" + l + " rank");
            }
            for (int l = L; l < L + k; l++) {
                Matrix z = ws.preactivation(l), a = ws.activation(l);
                for (int q = 0; q < z.size(); q++) assertEquals(z.getFlat(q), a.getFlat(q), 0.0, "Z = Z^sigma at layer " + l);
            }
        }
    }

    static int rank(Matrix m) {
        double[] s = Svd.singularValues(m);
        return RankMeasures.numericalRank(s, m.rows(), m.cols());
    }

    static Matrix rand(SplittableRandom rng, int r, int c) {
        Matrix m = Matrix.zeros(DType.F64, r, c);
        for (int q = 0; q < r * c; q++) m.setFlat(q, rng.nextGaussian());
        return m;
    }
}
