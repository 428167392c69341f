package org.saddlescope.train.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.theory.ActivationClass;
import org.saddlescope.theory.Imbalance;

/**
 * The imbalance identity dD_ℓ/dt = −2Σ(W_{ℓ+1}ᵀδ_{ℓ+1}) ⊙ (σ(Z_ℓ) − Z_ℓσ'(Z_ℓ)) at every probe of an integrated flow,
 * against central differences of D_ℓ along the flow's dense output, for every activation; conservation for the
 * homogeneous ones; the classes from the Taylor coefficients.
 */
class ImbalanceTest {

    static Matrix random(int r, int c, SplittableRandom rng) {
        double[] v = new double[r * c];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextGaussian();
        return Matrix.fromColumnMajor(DType.F64, r, c, v);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"relu", "identity", "leaky_relu:0.2", "tanh", "sigmoid", "softplus", "gelu", "silu"})
    void identityHoldsAtEveryProbe(String name) {
        Activation act = Activation.parse(name);
        SplittableRandom rng = new SplittableRandom(name.hashCode());
        int[] widths = {3, 5, 4, 4, 2};
        Network start = new Network(widths, act, DType.F64);
        Init.gaussian(start, 0.7, RandomStreams.of(5).stream("init"));
        Matrix x = random(3, 8, rng), y = random(2, 8, rng);
        GradientFlow flow = new GradientFlow(start, x, y, new SquaredError());
        double h = 1e-4;
        double[] centres = {0.3, 0.8, 1.5, 2.5};
        double[] probes = new double[centres.length * 3];
        for (int i = 0; i < centres.length; i++) {
            probes[3 * i] = centres[i] - h;
            probes[3 * i + 1] = centres[i];
            probes[3 * i + 2] = centres[i] + h;
        }
        // Tight tolerances: the dense output is then accurate to ~1e-12, far below the finite-difference error.
        GradientFlow.Result r = flow.run(GradientFlow.Options.realTime(3.0).withProbes(probes).withTolerances(1e-12, 1e-14).withMaxEvaluations(400_000).withMinStep(act.positivelyHomogeneous() ? 1e-4 : 0));
        assertEquals(probes.length, r.probes().size(), r.stop() + " after " + r.evaluations() + " evaluations at " + r.end());
        double maxRate = 0, maxDrift = 0;
        double[] d0 = Imbalance.values(start);
        for (int i = 0; i < centres.length; i++) {
            GradientFlow.Probe lo = r.probes().get(3 * i), mid = r.probes().get(3 * i + 1), hi = r.probes().get(3 * i + 2);
            for (int l = 0; l < widths.length - 2; l++) {
                double fd = (hi.imbalance()[l] - lo.imbalance()[l]) / (2 * h);
                // Smooth σ: central difference error O(h²)·D''' ≈ 1e-8, dense-output error / h ≈ 1e-8: allow 1e-6.
                // ReLU-type σ: the flow crosses kinks (here a sliding mode) with forced RK4 steps of length 1e-4 whose
                // local error in D is O(h²)·jump ≈ 1e-9, i.e. ≈ 1e-5 after dividing by 2h: allow 5e-5.
                double tol = act.positivelyHomogeneous() ? 5e-5 : 1e-6 * Math.max(1, Math.abs(mid.imbalanceRate()[l]));
                assertEquals(mid.imbalanceRate()[l], fd, tol, "ℓ=" + (l + 1) + " t=" + mid.t());
                maxRate = Math.max(maxRate, Math.abs(mid.imbalanceRate()[l]));
                maxDrift = Math.max(maxDrift, Math.abs(mid.imbalance()[l] - d0[l]));
            }
        }
        if (act.positivelyHomogeneous()) {
            // σ(z) − zσ'(z) is 0 in floating point for ReLU-type σ (z·1 − z, or 0·0): the rate is exactly zero
            assertEquals(0, maxRate, 0.0, "homogeneous: the identity's rate vanishes exactly");
            // forced steps: ≈ 1e-9 of error in D each, ~10⁴ of them in this sliding mode: allow 1e-4 (non-homogeneous
            // activations drift by more than 1e-2 on the same run, see below).
            assertTrue(maxDrift < 1e-4, "D conserved along the flow up to kink-stepping error, drift " + maxDrift);
            assertTrue(r.forcedSteps() > 0 || maxDrift < 1e-9, "without kinks D is conserved to integration accuracy");
        } else {
            // lower bounds that separate the classes: the smooth activations' rates are O(0.1) and their drift O(0.1-1) on
            // this run, 100x above the homogeneous ones' kink-stepping error (1e-4), so both tests fail if D were conserved
            assertTrue(maxRate > 1e-3, "non-homogeneous: D moves (rate " + maxRate + ")");
            assertTrue(maxDrift > 1e-2, "non-homogeneous: D drifts (" + maxDrift + ")");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tanh", "gelu", "sigmoid"})
    void identityMatchesTheGradientForm(String name) {
        // Independent algebra: −2⟨W_{ℓ+1}, ∂L/∂W_{ℓ+1}⟩ + 2⟨W_ℓ, ∂L/∂W_ℓ⟩ from backward(): equal up to rounding.
        SplittableRandom rng = new SplittableRandom(9);
        Network net = new Network(new int[] {4, 6, 5, 3}, Activation.parse(name), DType.F64);
        Init.gaussian(net, 0.6, RandomStreams.of(2).stream("init"));
        Matrix x = random(4, 7, rng), y = random(3, 7, rng);
        Network.Workspace ws = net.workspace(7);
        Matrix dY = Matrix.zeros(DType.F64, 3, 7);
        new SquaredError().gradient(net.forward(x, ws), y, dY);
        double[] a = Imbalance.rates(net, ws, dY);
        Matrix[] g = net.zerosLike();
        net.backward(ws, dY, g);
        double[] b = Imbalance.ratesFromGradients(net, g);
        // two sums of ~100 products of O(1) terms in different orders: rounding ~1e-14; 1e-12 relative, with 1 added
        // for rates near zero
        for (int l = 0; l < a.length; l++) assertEquals(b[l], a[l], 1e-12 * (1 + Math.abs(b[l])));
    }

    @Test
    void classesFromTaylorCoefficients() {
        assertEquals(ActivationClass.CONSERVED, ActivationClass.of(Activation.RELU));
        assertEquals(ActivationClass.CONSERVED, ActivationClass.of(Activation.IDENTITY));
        assertEquals(ActivationClass.CONSERVED, ActivationClass.of(Activation.leakyRelu(0.1)));
        assertEquals(ActivationClass.CONSTANT, ActivationClass.of(Activation.SIGMOID));   // σ(0) = 1/2
        assertEquals(ActivationClass.CONSTANT, ActivationClass.of(Activation.SOFTPLUS));  // σ(0) = log 2
        assertEquals(ActivationClass.QUADRATIC, ActivationClass.of(Activation.GELU));     // σ''(0) = 2φ(0)
        assertEquals(ActivationClass.QUADRATIC, ActivationClass.of(Activation.SILU));     // σ''(0) = 1/2
        assertEquals(ActivationClass.CUBIC, ActivationClass.of(Activation.TANH));         // σ'''(0) = −2
        // closed forms: tanh''' (0) = −2, GELU σ''(0) = 2/√(2π), SiLU σ''(0) = 1/2, sigmoid σ'''(0) = −1/8.
        // σ''(0) is evaluated in closed form (rounding only: 1e-12); σ''' by a central difference of σ'' with h = 1e-4,
        // whose error h²·σ^(5)(0)/6 ≈ 1e-8·|σ^(5)| (tanh: 16 → 3e-8) stays below 1e-7
        assertEquals(-2, ActivationClass.coefficients(Activation.TANH)[2], 1e-7);
        assertEquals(2 / Math.sqrt(2 * Math.PI), ActivationClass.coefficients(Activation.GELU)[1], 1e-12);
        assertEquals(0.5, ActivationClass.coefficients(Activation.SILU)[1], 1e-12);
        assertEquals(-0.125, ActivationClass.coefficients(Activation.SIGMOID)[2], 1e-7);
    }
}
