package org.saddlescope.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;

/**
 * Every optimiser against PyTorch's own torch.optim on a fixed tiny problem (torch_optimizers.json, made by
 * torch_optimizers.py beside it: a 4-5-3-2 ReLU net, 6 samples, float64, 6 full-batch steps each).
 */
class OptimizersTest {

    static Matrix matrix(JsonNode rows) {
        double[][] a = new double[rows.size()][];
        for (int i = 0; i < a.length; i++) {
            a[i] = new double[rows.get(i).size()];
            for (int j = 0; j < a[i].length; j++) a[i][j] = rows.get(i).get(j).asDouble();
        }
        return Matrix.of(DType.F64, a);
    }

    @Test
    void everyOptimiserTakesPyTorchsSteps() throws Exception {
        JsonNode fx;
        try (InputStream in = OptimizersTest.class.getResourceAsStream("torch_optimizers.json")) {
            fx = new ObjectMapper().readTree(in);
        }
        int[] widths = new ObjectMapper().convertValue(fx.get("widths"), int[].class);
        Matrix x = matrix(fx.get("X")), t = matrix(fx.get("T"));
        int checked = 0;
        for (JsonNode c : fx.get("cases")) {
            String spec = c.get("spec").asText();
            Network net = new Network(widths, Activation.RELU, DType.F64);
            for (int l = 1; l <= net.depth(); l++) net.setWeight(l, matrix(fx.get("W0").get(l - 1)));
            Optimizer opt = Optimizers.parse(spec);
            Network.Workspace ws = net.workspace(x.cols());
            Matrix dy = Matrix.zeros(DType.F64, t.rows(), t.cols());
            StepRecord record = new StepRecord(net.depth());
            double lr = c.get("lr").asDouble();
            for (int s = 0; s < fx.get("steps").asInt(); s++) {
                new SquaredError().gradient(net.forward(x, ws), t, dy);
                record.reset(false);
                double norm2 = opt.step(net, ws, dy, lr, net.normSquared(), record);
                // Tracked or recomputed, ‖θ‖² after the step is the weights' (rounding of a few sums: 1e-12).
                assertEquals(net.normSquared(), norm2, 1e-12 * norm2, spec + " step " + s + ": ‖θ‖²");
                for (int l = 1; l <= net.depth(); l++) {
                    Matrix want = matrix(c.get("weights").get(s).get(l - 1));
                    for (int k = 0; k < want.size(); k++) {
                        // Both sides float64 with the same formulas, differing in the order of a few sums: ~1e-16
                        // relative per operation over 6 steps. A wrong formula (bias correction, dampening,
                        // Nesterov term) shows at ≥ 1e-4; 1e-12 separates the two by orders of magnitude.
                        assertEquals(want.getFlat(k), net.weight(l).getFlat(k), 1e-12 * (1 + Math.abs(want.getFlat(k))),
                                spec + " step " + (s + 1) + " W" + l + " entry " + k);
                    }
                }
            }
            assertEquals(spec.startsWith("sgd"), opt.gradientDescent());
            checked++;
        }
        assertEquals(5, checked);
    }

    @Test
    void specsRoundTripAndBadSpecsSayWhatIsWrong() {
        for (String spec : List.of("sgd", "momentum:mu=0.5,dampening=0.1,nesterov=false", "adam:beta1=0.8,beta2=0.99,eps=1.0E-6")) {
            Optimizer o = Optimizers.parse(spec);
            assertEquals(o.spec(), Optimizers.parse(o.spec()).spec());
        }
        assertEquals("momentum:mu=0.9,dampening=0.0,nesterov=false", Optimizers.parse("momentum").spec());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Optimizers.parse("rmsprop")).getMessage().contains("unknown optimizer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Optimizers.parse("adam:beta=0.9")).getMessage().contains("unknown key 'beta'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Optimizers.parse("momentum:mu=x")).getMessage().contains("mu must be a number"));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.parse("momentum:mu=1"));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.parse("momentum:mu=0.9,dampening=0.5,nesterov=true"));
    }

    /**
     * A spec read once gives a new optimiser each time (each run keeps its own state) with the spec's values; its
     * checks (momentum's mu < 1) fail when it is read, not when a run builds its optimiser.
     */
    @Test
    void aFactoryReadsOnceAndBuildsFreshOptimisers() {
        for (String spec : List.of("sgd", "momentum:mu=0.5,dampening=0.1,nesterov=false", "adam:beta1=0.8,beta2=0.99,eps=1.0E-6")) {
            java.util.function.Supplier<Optimizer> f = Optimizers.factory(spec);
            Optimizer a = f.get(), b = f.get();
            assertTrue(a != b, spec + ": a fresh optimiser each time");
            assertEquals(Optimizers.parse(spec).spec(), a.spec());
            assertEquals(a.spec(), b.spec());
        }
        assertThrows(IllegalArgumentException.class, () -> Optimizers.factory("momentum:mu=1"));
    }

    /** The state a checkpoint saves restores into a fresh optimiser, and a wrong shape is refused. */
    @Test
    void stateRestoresAndIsChecked() {
        Network net = new Network(new int[] {3, 2, 1}, Activation.RELU, DType.F64);
        Optimizer adam = Optimizers.parse("adam");
        assertTrue(adam.state().isEmpty());
        adam.restore(net, java.util.Map.of()); // the initial state
        java.util.Map<String, Matrix> wrong = java.util.Map.of("adam_exp_avg_1", Matrix.zeros(DType.F64, 3, 3));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Optimizers.parse("adam").restore(net, wrong))
                .getMessage().contains("adam_exp_avg_1"));
        assertThrows(IllegalArgumentException.class, () -> new Sgd().restore(net, wrong));
    }
}
